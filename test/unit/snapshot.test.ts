import { describe, expect, test } from 'vitest';
import { norm2, runTrace } from '../../src/engine';
import { snapshotAt, summarize } from '../../src/session/snapshot';
import { parseHostMessage, parseWebviewMessage } from '../../src/protocol';
import { formatNumber } from '../../src/format';
import { randomProblem } from './helpers/randomProblem';

describe('step snapshots for the panel', () => {
  const problem = randomProblem({ cell: 'lstm', peephole: true, T: 5 });
  const trace = runTrace(problem);

  test('forward: the records of t, no gradients yet', () => {
    const s = snapshotAt(problem, trace, { phase: 'forward', t: 2 });
    const h = s.forward.find((v) => v.name === 'h');
    expect(h?.values).toEqual(Array.from(trace.forward(2).h));
    expect(s.forward.map((v) => v.name)).toEqual(['x', 'i', 'f', 'g', 'o', 'c', 'h', 'y']);
    expect(s.backward).toBeNull();
    expect(s.grads).toBeNull();
    expect(s.dhNorms.every((v) => v === null)).toBe(true);
    expect(s.distribution?.reduce((a, d) => a + d.p, 0)).toBeCloseTo(1, 12);
  });

  test('backward: dh and its parts, contributions and running sums, the strip filled from T down to t', () => {
    const s = snapshotAt(problem, trace, { phase: 'backward', t: 3 });
    expect(s.backward?.dh).toEqual(Array.from(trace.backward(3).dh));
    expect(s.dhNorms.slice(0, 2)).toEqual([null, null]);
    expect(s.dhNorms[2]).toBeCloseTo(norm2(trace.backward(3).dh), 15);
    const W = s.grads?.find((g) => g.name === 'W_hf');
    expect(W?.contribution.data).toEqual(Array.from(trace.contribution(3).W_hf.data));
    expect(W?.accumulated.data).toEqual(Array.from(trace.accumulated(3).W_hf.data));
    expect(s.equations.length).toBeGreaterThan(2);
  });

  test('the summary has one timeline column per step with its loss', () => {
    const sum = summarize(problem, trace, 'x.rnn.yaml');
    expect(sum.timeline.map((c) => c.t)).toEqual([1, 2, 3, 4, 5]);
    expect(sum.timeline[4].loss).toBe(trace.forward(5).loss);
    expect(sum.description).toContain('lstm (peephole)');
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
    expect(small?.data).toEqual(Array.from(trace.contribution(1).b_y.data));
  });
});
