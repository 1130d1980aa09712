import { describe, expect, test } from 'vitest';
import { norm2, runTrace } from '../../src/engine';
import { GRID_BUDGET, snapshotAt, summarize, WEIGHT_BUDGET } from '../../src/session/snapshot';
import { messageBytes } from '../../src/messageBytes';
import { parseHostMessage, parseWebviewMessage } from '../../src/protocol';
import { formatNumber } from '../../src/format';
import { loadSpec } from '../../src/engine/spec';
import type { Problem } from '../../src/engine';
import { randomProblem } from './helpers/randomProblem';

describe('step snapshots for the panel', () => {
  const problem = randomProblem({ cell: 'lstm', peephole: true, T: 5 });
  const trace = runTrace(problem);

  test('forward: the records of t, no gradients yet', () => {
    const s = snapshotAt(problem, trace, { phase: 'forward', t: 2 });
    const h = s.forward.find((v) => v.name === 'h');
    // At full precision, in a buffer of its own: the card formats each number once.
    expect(h?.values).toEqual(Float64Array.from(trace.forward(2).h));
    expect(h?.values.buffer.byteLength).toBe(8 * problem.config.H);
    expect(s.forward.map((v) => v.name)).toEqual(['x', 'i', 'f', 'g', 'o', 'c', 'h', 'y']);
    expect(s.backward).toBeNull();
    expect(s.grads).toBeNull();
    expect(s.dhNorms.every((v) => v === null)).toBe(true);
    expect(s.distribution?.reduce((a, d) => a + d.p, 0)).toBeCloseTo(1, 3);
  });

  test('backward: dh and its parts, contributions and running sums, the strip filled from T down to t', () => {
    const s = snapshotAt(problem, trace, { phase: 'backward', t: 3 });
    expect(s.backward?.dh).toEqual(Float64Array.from(trace.backward(3).dh));
    expect(s.dhNorms.slice(0, 2)).toEqual([null, null]);
    expect(s.dhNorms[2]).toBe(norm2(trace.backward(3).dh));
    const W = s.grads?.find((g) => g.name === 'W_hf');
    expect(W?.contribution.data).toEqual(Float64Array.from(trace.contribution(3).W_hf.data));
    expect(W?.accumulated.data).toEqual(Float64Array.from(trace.accumulated(3).W_hf.data));
    expect(s.equations.length).toBeGreaterThan(2);
  });

  test('the summary has one timeline column per step with its loss', () => {
    const sum = summarize(problem, trace, 'x.rnn.yaml');
    expect(sum.timeline.map((c) => c.t)).toEqual([1, 2, 3, 4, 5]);
    expect(sum.timeline[4].loss).toBe(trace.forward(5).loss);
    expect(sum.description).toContain('lstm (peephole)');
  });

  test('a vector input gets a short column label (its first entry, 2 digits), the full vector stays the title', () => {
    const p = randomProblem({ cell: 'rnn', H: 3, D: 4, K: 2, T: 3, seed: 7 });
    p.sequence.inputs[0] = Float64Array.from([-0.4213, 0.5, 0.1, 0.2]);
    p.sequence.inputs[1] = Float64Array.from([0.0012345, 1, 2, 3]);
    p.sequence.inputs[2] = Float64Array.from([25.6, 0, 0, 0]);
    const sum = summarize(p, runTrace(p), 'x');
    expect(sum.timeline.map((c) => c.inputShort)).toEqual(['-0.42…', '0.0012…', '26…']);
    expect(sum.timeline[0].input).toBe('[-0.4213, 0.5000, 0.1000, 0.2000]');
  });

  test('a token or scalar input has no short label: it fits as it is', () => {
    const tokens = randomProblem({ cell: 'rnn', H: 2, D: 4, K: 1, T: 2, seed: 1 });
    tokens.sequence.inputLabels = ['a', 'b'];
    expect(summarize(tokens, runTrace(tokens), 'x').timeline.map((c) => [c.input, c.inputShort])).toEqual([['a', undefined], ['b', undefined]]);
    const scalar = randomProblem({ cell: 'rnn', H: 2, D: 1, K: 1, T: 2, seed: 1 });
    expect(summarize(scalar, runTrace(scalar), 'x').timeline.map((c) => c.inputShort)).toEqual([undefined, undefined]);
  });

  test('snapshots survive a JSON round trip (what postMessage does) and pass the webview-side check', () => {
    const msg = JSON.parse(JSON.stringify({ type: 'snapshot', snapshot: snapshotAt(problem, trace, { phase: 'backward', t: 1 }) }));
    expect(parseHostMessage(msg)).not.toBeNull();
  });
});

describe('messages are checked where they arrive', () => {
  test.each([
    [{ type: 'step', delta: 1 }, true],
    [{ type: 'step', delta: 1.5 }, false],
    [{ type: 'step', delta: '1' }, false],
    [{ type: 'jump', to: 'end' }, true],
    [{ type: 'jump', to: { phase: 'backward', t: 2 } }, true],
    [{ type: 'jump', to: { phase: 'sideways', t: 2 } }, false],
    [{ type: 'jump', to: { phase: 'forward', t: 0 } }, false],
    [{ type: 'clip', threshold: 5 }, true],
    [{ type: 'clip', threshold: 0.25 }, true],
    [{ type: 'clip', threshold: 0 }, false],
    [{ type: 'clip', threshold: -1 }, false],
    [{ type: 'clip', threshold: Infinity }, false],
    [{ type: 'clip', threshold: NaN }, false],
    [{ type: 'clip', threshold: null }, false],
    [{ type: 'clip', threshold: '5' }, false],
    [{ type: 'clip' }, false],
    [{ type: 'eval', code: 'x' }, false],
    [null, false],
    ['ready', false],
  ])('%j -> valid: %s', (msg, ok) => {
    expect(parseWebviewMessage(msg) !== null).toBe(ok);
  });

  test('host messages without a cursor are refused', () => {
    expect(parseHostMessage({ type: 'snapshot', snapshot: {} })).toBeNull();
    expect(parseHostMessage({ type: 'errors', file: 'a', errors: [] })).not.toBeNull();
  });
});

describe('numbers as people read them', () => {
  test.each([
    [0.12345678, '0.1235'],
    [-2, '-2.0000'],
    [0, '0.0000'],
    [3.2e-7, '3.20e-7'],
    [-1.234e-5, '-1.23e-5'],
    // Below 1e-3, 4 decimals would keep one digit (0.0005): exponent form instead.
    [0.00054321, '5.43e-4'],
    [0.001, '0.0010'],
    [1234.56789, '1234.5679'],
    // The Jacobian stats put these side by side: one form, from 1e4 on.
    [23628.3791, '2.36e+4'],
    [1.52e12, '1.52e+12'],
    [null, '—'],
    [NaN, 'NaN'],
  ])('%s -> %s', (v, s) => expect(formatNumber(v as number | null)).toBe(s));
});

describe('heatmaps of large matrices', () => {
  test('are pooled by the entry of largest magnitude in each block, sign kept', () => {
    const problem = randomProblem({ cell: 'rnn', H: 100, D: 3, K: 2, T: 3 });
    const trace = runTrace(problem);
    const s = snapshotAt(problem, trace, { phase: 'backward', t: 1 });
    const W = s.grads?.find((g) => g.name === 'W_hh')?.accumulated;
    expect(W?.shape).toEqual([100, 100]);
    expect(W?.block).toEqual([3, 3]);
    expect(W?.grid).toEqual([34, 34]);
    // Block (1, 2) covers rows 3..5 and columns 6..8 of the full gradient.
    const full = trace.accumulated(1).W_hh.data;
    let best = 0;
    for (let i = 3; i < 6; i++) for (let j = 6; j < 9; j++) if (Math.abs(full[i * 100 + j]) > Math.abs(best)) best = full[i * 100 + j];
    expect(W?.data[1 * 34 + 2]).toBe(best);
    const small = s.grads?.find((g) => g.name === 'b_y')?.contribution;
    expect(small?.block).toBeUndefined();
    expect(small?.data).toEqual(Float64Array.from(trace.contribution(1).b_y.data));
  });
});

describe('snapshot size', () => {
  // What crosses to the webview at every step: under 100 KB on any model, here H = 256 with a
  // 64-token vocabulary, the largest the panel is tried at (test/webview/large.test.ts).
  test.each(['lstm', 'gru', 'rnn'] as const)('%s, H = 256, D = K = 64, T = 2000: one step in each phase under 100 KB', (cell) => {
    const problem = randomProblem({ cell, H: 256, D: 64, K: 64, T: 2000, seed: 5 });
    const trace = runTrace(problem);
    for (const phase of ['forward', 'backward'] as const) {
      const bytes = messageBytes({ type: 'snapshot', snapshot: snapshotAt(problem, trace, { phase, t: 20 }) });
      console.info(`${cell} H=256 T=2000 ${phase} snapshot: ${(bytes / 1000).toFixed(1)} KB`);
      expect(bytes).toBeLessThan(100_000);
    }
    const s = snapshotAt(problem, trace, { phase: 'backward', t: 20 });
    const cells = (s.grads ?? []).reduce((n, g) => n + g.contribution.data.length + g.accumulated.data.length, 0);
    expect(cells).toBeLessThanOrEqual(GRID_BUDGET);
    // Pooled, not cut: the block of the largest entry still holds it.
    const W = s.grads!.find((g) => g.name === (cell === 'rnn' ? 'W_hh' : cell === 'lstm' ? 'W_hf' : 'W_hz'))!;
    const full = trace.accumulated(20)[W.name].data;
    const biggest = Array.from(full).reduce((a, v) => (Math.abs(v) > Math.abs(a) ? v : a), 0);
    expect(W.accumulated.data.some((v) => v === biggest)).toBe(true);
  });
});

describe('a stacked layer\'s input row', () => {
  test('names the vector that feeds the layer; a single cell\'s x keeps its usual description', () => {
    const stack = loadSpec('model: { cell: rnn, hidden: 3, layers: 3 }\ndata: { text: abcab }\ninit: { seed: 2, scheme: uniform }\n').problem as Problem;
    const trace = runTrace(stack);
    const labels = [1, 2, 3].map((l) => snapshotAt(stack, trace, { phase: 'forward', t: 1 }, l).forward[0]);
    expect(labels.map((x) => x.label)).toEqual([undefined, 'input: h_l1, from layer 1', 'input: h_l2, from layer 2']);
    expect(labels[1].values).toEqual(Float64Array.from(trace.forward(1).layers![0].h));
    const single = randomProblem({ cell: 'gru', T: 2 });
    expect(snapshotAt(single, runTrace(single), { phase: 'forward', t: 1 }).forward[0].label).toBeUndefined();
  });
});

describe("a stack's ||dL/dh_t|| per layer", () => {
  const stack = loadSpec('model: { cell: rnn, hidden: 3, layers: 3 }\ndata: { text: abcab }\ninit: { seed: 2, scheme: uniform }\n').problem as Problem;
  const trace = runTrace(stack);
  const records = (l: number): number[] => Array.from({ length: trace.T }, (_, i) => norm2(trace.backward(i + 1).layers![l - 1].dh));
  test('the summary carries every layer\'s, bottom first; the top one is also dhNorms', () => {
    const s = summarize(stack, trace, 'x');
    expect(s.layerDhNorms).toEqual([1, 2, 3].map(records));
    expect(s.dhNorms).toEqual(records(3));
  });
  test("a snapshot's strip is its layer's, known from t on in the backward phase", () => {
    expect(snapshotAt(stack, trace, { phase: 'backward', t: 2 }, 1).dhNorms).toEqual(records(1).map((v, i) => (i >= 1 ? v : null)));
  });
  test('a single cell has no per-layer norms', () => {
    const single = randomProblem({ cell: 'gru', T: 2 });
    expect(summarize(single, runTrace(single), 'x').layerDhNorms).toBeUndefined();
  });
});

describe('the weights in the summary', () => {
  test('a small model: every parameter’s value exactly, at full precision', () => {
    const problem = randomProblem({ cell: 'gru', H: 3, D: 4, K: 4, T: 5, seed: 2 });
    const s = summarize(problem, runTrace(problem), 'x');
    for (const p of s.params) {
      expect(p.value?.block).toBeUndefined();
      expect(p.value?.data).toEqual(Float64Array.from(problem.params[p.name].data));
    }
  });

  test('LSTM H = 256: pooled to WEIGHT_BUDGET cells over every parameter, each block keeping its largest entry', () => {
    const problem = randomProblem({ cell: 'lstm', H: 256, D: 64, K: 64, T: 20, seed: 5 });
    const trace = runTrace(problem);
    const s = summarize(problem, trace, 'x');
    const cells = s.params.reduce((n, p) => n + (p.value?.data.length ?? 0), 0);
    expect(cells).toBeLessThanOrEqual(WEIGHT_BUDGET);
    const W = s.params.find((p) => p.name === 'W_hh' || p.name === 'W_hf')!.value!;
    const [br, bc] = W.block!;
    const full = problem.params.W_hf.data;
    let best = 0;
    for (let i = br; i < 2 * br; i++) for (let j = 0; j < bc; j++) if (Math.abs(full[i * 256 + j]) > Math.abs(best)) best = full[i * 256 + j];
    expect(W.data[W.grid[1]]).toBe(best); // block (1, 0)
    const bytes = messageBytes(s.params);
    console.info(`LSTM H=256: the weights add ${(bytes / 1000).toFixed(1)} KB to the summary (once per trace)`);
    expect(bytes).toBeLessThan(40_000);
  });
});
