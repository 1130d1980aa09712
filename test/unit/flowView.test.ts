/** The host's builder of the "Gradient flow" section: the engine's numbers, bounded and pooled for a panel. */
import { describe, expect, test } from 'vitest';
import { clipPreview, flowMap, jacobianRow, recurrentSpectra, runTrace } from '../../src/engine';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../../src/engine/spec';
import { clipView, DEFAULT_CLIP, flowData, flowMapView, flowVerdict, gateSummary, jacobianView, flowProgressText, NO_BOUND } from '../../src/session/flowView';
import { parseHostMessage, parseWebviewMessage } from '../../src/protocol';
import { randomProblem } from './helpers/randomProblem';

const json = <V>(v: V): V => JSON.parse(JSON.stringify(v));

describe('the flow map view', () => {
  test('small: every row and column, the values of flowMap', () => {
    const problem = randomProblem({ cell: 'rnn', T: 7, nullRate: 0.2, seed: 3 });
    const m = flowMap(problem);
    const v = flowMapView(problem);
    expect(v.T).toBe(7);
    expect(v.rows).toEqual(m.rows);
    expect(v.cols).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(v.block).toBe(1);
    expect(v.norms).toEqual(m.norms);
    expect(v.dropped).toBeNull();
    expect(v.truncation).toBeNull();
    expect(v.bounded).toBeNull();
  });

  test('wide: columns pooled into blocks of consecutive k, each the block’s largest norm; dropped only when the whole block is', () => {
    const problem = randomProblem({ cell: 'gru', T: 12, seed: 4, bptt: { truncate: 'window', k: 4 } });
    const m = flowMap(problem);
    const v = flowMapView(problem, { maxCols: 5 });
    expect(v.block).toBe(3);
    expect(v.cols).toEqual([1, 4, 7, 10]);
    v.rows.forEach((t, i) => {
      v.cols.forEach((k0, j) => {
        const block = m.norms[i].slice(k0 - 1, k0 + 2).filter((x): x is number => x !== null);
        expect(v.norms[i][j]).toBe(block.length ? Math.max(...block) : null);
        const pairs = [k0, k0 + 1, k0 + 2].filter((k) => k <= t);
        expect(v.dropped![i][j]).toBe(pairs.length > 0 && pairs.every((k) => m.dropped![i][k - 1]));
      });
    });
    expect(v.bounded).toContain('pooled');
    expect(v.truncation?.share).toBe(m.truncationLoss?.share);
  });

  test('long: the most recent rows, with the bound stated', () => {
    const problem = randomProblem({ cell: 'rnn', T: 12, seed: 5 });
    const v = flowMapView(problem, { maxRows: 4 });
    expect(v.rows).toEqual([9, 10, 11, 12]);
    expect(v.bounded).toContain('most recent 4 of 12');
    expect(v.norms.every((r) => r.length === v.cols.length)).toBe(true);
  });
});

describe('the Jacobian row view', () => {
  test.each([
    ['rnn', {}, null],
    ['lstm', {}, 'Π f'],
    ['gru', { variant: 'classic' }, 'Π (1 − z)'],
    ['gru', { variant: 'pytorch' }, 'Π z'],
  ] as const)('%s %j: the computed k with norms, bound and gate path of jacobianRow', (cell, extra, label) => {
    const problem = randomProblem({ cell, T: 6, seed: 6, ...extra });
    const r = jacobianRow(problem, 5);
    const v = jacobianView(problem, 5);
    expect(v.ks).toEqual([1, 2, 3, 4, 5]);
    expect(v.norms).toEqual(r.norms);
    expect(v.bound).toEqual(r.bound);
    expect(v.gatePath).toEqual(r.gatePath);
    expect(v.gateLabel).toBe(label);
    expect([v.gamma, v.lambda, v.gammaLambda]).toEqual([r.gamma, r.lambda, r.gamma * r.lambda]);
    expect(v.norms[4]).toBe(1); // dh_t/dh_t = I
    expect(v.gateSummary === null).toBe(label === null); // a sentence exactly when there is a gate path
  });

  test('how far the flow data are, in words, and the message that carries it checked where it arrives', () => {
    expect(flowProgressText('forward', 12_000, 30_000)).toBe('the forward pass, 40%');
    expect(flowProgressText('spectra', 5, 5)).toBe('the spectra, 100%');
    expect(flowProgressText('map', 0, 0)).toBe('the flow map, 0%');
    expect(parseHostMessage({ type: 'flowProgress', text: 'the forward pass, 40%' })).toEqual({ type: 'flowProgress', text: 'the forward pass, 40%' });
    expect(parseHostMessage({ type: 'flowProgress', text: 40 })).toBeNull();
    expect(parseHostMessage({ type: 'flowProgress', text: 'x'.repeat(201) })).toBeNull();
  });

  test('a cell without an [H, H] recurrent matrix (IndRNN): no bound and why, as bptt flow says; the norms as jacobianRow', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'indrnn.rnn.yaml'), 'utf8');
    const problem = loadSpec(text).problem!;
    const T = problem.sequence.inputs.length;
    const v = jacobianView(problem, T);
    expect(v.noBound).toBe(NO_BOUND);
    expect(v.bound).toEqual([]);
    expect(v.norms).toEqual(jacobianRow(problem, T).norms);
    expect(parseHostMessage(json({ type: 'jacobian', row: v }))).not.toBeNull();
    // A cell with one keeps its bound, and says nothing of the kind.
    expect(jacobianView(randomProblem({ cell: 'rnn', T: 6, seed: 6 }), 5).noBound).toBeUndefined();
  });

  test('the gate path in a sentence: the product back to k, its factor per step (0.9^(1/4) … ), open at 0.9 and above', () => {
    // 0.6561 = 0.9^4: exactly the STEADY factor per step over 4 steps.
    expect(gateSummary('Π f', 'cell-state path', 5, 1, 0.6561)).toBe('Π f over the 4 steps back to k = 1: 0.656 (largest unit), ×0.9 per step; the cell-state path stays open: the gradient survives along it');
    expect(gateSummary('Π (1 − z)', 'gate path', 3, 2, 0.5)).toBe('Π (1 − z) over the 1 step back to k = 2: 0.5 (largest unit), ×0.5 per step; the gate path closes: the gradient fades along it too');
    expect(gateSummary('Π f', 'cell-state path', 30, 1, 0)).toContain(': 0 (largest unit), ×0 per step');
  });
});

describe('spectra and the clipping preview', () => {
  test('flowData: each recurrent matrix’s ρ and norm; the clip preview at the spec’s threshold, else 5', () => {
    const problem = randomProblem({ cell: 'lstm', T: 5, seed: 7 });
    const trace = runTrace(problem);
    const d = flowData(problem, trace.grads);
    expect(d.spectral).toEqual(recurrentSpectra(problem.config, problem.params).perMatrix);
    expect(d.spectral.map((s) => s.name)).toEqual(['W_hi', 'W_hf', 'W_hg', 'W_ho']);
    expect(d.clip.threshold).toBe(problem.train.clip ?? DEFAULT_CLIP);
    const set = flowData({ ...problem, train: { ...problem.train, clip: 0.01 } }, trace.grads);
    expect(set.clip.threshold).toBe(0.01);
    expect(set.clip.scale).toBeLessThan(1);
  });

  test('clipView is clipPreview', () => {
    const problem = randomProblem({ cell: 'rnn', T: 5, seed: 8 });
    const grads = runTrace(problem).grads;
    expect(clipView(grads, 0.1)).toEqual(clipPreview(grads, 0.1));
  });
});

describe('flow messages are checked where they arrive', () => {
  const problem = randomProblem({ cell: 'gru', T: 6, seed: 9, bptt: { truncate: 'chunks', k: 2 } });
  const trace = runTrace(problem);
  const flow = json({ type: 'flow', flow: flowData(problem, trace.grads) });
  const jac = json({ type: 'jacobian', row: jacobianView(problem, 4) });
  const clip = json({ type: 'clipPreview', clip: clipView(trace.grads, 1) });

  test('well-formed ones pass after a JSON round trip', () => {
    expect(parseHostMessage(flow)).not.toBeNull();
    expect(parseHostMessage(jac)).not.toBeNull();
    expect(parseHostMessage(clip)).not.toBeNull();
    expect(parseHostMessage({ type: 'flow', flow: null, error: 'out of memory' })).toEqual({ type: 'flow', flow: null, error: 'out of memory' });
  });

  test('malformed ones are refused', () => {
    const ragged = json(flow);
    ragged.flow.map.norms[0].pop();
    expect(parseHostMessage(ragged)).toBeNull();
    expect(parseHostMessage({ ...flow, flow: { ...flow.flow, map: { ...flow.flow.map, dropped: [[true]] } } })).toBeNull();
    expect(parseHostMessage({ type: 'flow', flow: {} })).toBeNull();
    expect(parseHostMessage({ type: 'flow', flow: null })).toBeNull();
    expect(parseHostMessage({ type: 'jacobian', row: { ...jac.row, norms: 'x' } })).toBeNull();
    expect(parseHostMessage({ type: 'clipPreview', clip: { threshold: '1', perParam: [] } })).toBeNull();
  });

  test('a clip request needs a finite positive threshold', () => {
    expect(parseWebviewMessage({ type: 'clip', threshold: 2.5 })).toEqual({ type: 'clip', threshold: 2.5 });
    expect(parseWebviewMessage(json({ type: 'clip', threshold: NaN }))).toBeNull();
    expect(parseWebviewMessage({ type: 'clip', threshold: -0 })).toBeNull();
  });
});

describe('the flow verdict', () => {
  const example = (name: string) => {
    const dir = join(__dirname, '..', '..', 'examples');
    const r = loadSpec(readFileSync(join(dir, `${name}.rnn.yaml`), 'utf8'), { file: name, format: 'yaml', readFile: (rel) => readFileSync(join(dir, rel), 'utf8') });
    if (!r.problem) throw new Error(`${name} did not load`);
    return r.problem;
  };

  // W_hh is rho times a rotation, the activation the identity: dL_t/dh_k = (W_hh^T)^(t-k) dL_t/dh_t,
  // so every ratio to the diagonal is exactly rho^(t-k) and the factor per step back is rho.
  test.each([
    ['linear-rnn-rho-0.5', 0.5, 'vanishing', '×0.50 per step back: vanishing'],
    ['linear-rnn-rho-1.5', 1.5, 'exploding', '×1.50 per step back: exploding'],
  ])('%s: ×%s per step back, %s', (name, rho, kind, text) => {
    const v = flowMapView(example(name));
    expect(v.verdict?.factor).toBeCloseTo(rho, 12);
    expect(v.verdict?.kind).toBe(kind);
    expect(v.verdict?.text.startsWith(text)).toBe(true);
    // T = 10 with a target at every step: row 10 reaches back 9 steps.
    expect(v.verdict?.steps).toBe(9);
    expect(v.verdict?.text).toContain(`9 steps back: ×${Number(Math.pow(rho, 9).toPrecision(3)) >= 0.01 ? Number(Math.pow(rho, 9).toPrecision(3)) : Math.pow(rho, 9).toExponential(1)}`);
    // The ratio to the diagonal of L_10 at k = 1 is rho^9.
    const i = v.rows.indexOf(10);
    expect(v.ratios?.[i][0]).toBeCloseTo(Math.pow(rho, 9), 10);
    expect(v.ratios?.[i][9]).toBe(1);
  });

  test('a map with no row reaching back says so', () => {
    expect(flowVerdict([1], [[0.3]]).kind).toBe('unknown');
  });

  test('steady between 0.9 and 1/0.9', () => {
    expect(flowVerdict([3], [[1, 1, 1]]).text).toBe('×1.00 per step back: neither vanishing nor exploding; 2 steps back: ×1');
  });
});
