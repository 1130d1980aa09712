/** Batched LSTM training: the batch's gradient is the sum of the per-sequence gradients. */
import { describe, expect, test } from 'vitest';
import { runTrace, type BpttConfig, type Params, type Reduction } from '../../src/engine';
import { gemmAB, lstmBatchGrads } from '../../src/engine/batch';
import { gemmABt } from '../../src/engine/linalg';
import { randomProblem } from './helpers/randomProblem';

function sumOf(all: Params[]): Params {
  const out: Params = {};
  for (const [name, t] of Object.entries(all[0])) {
    const data = new Float64Array(t.data.length);
    for (const g of all) for (let i = 0; i < data.length; i++) data[i] += g[name].data[i];
    out[name] = { shape: t.shape, data };
  }
  return out;
}

describe('batched LSTM', () => {
  const cases: { bptt: BpttConfig; reduction: Reduction; B: number; T: number; H: number }[] = [
    { bptt: { truncate: 'none', k: 3 }, reduction: 'sum', B: 3, T: 7, H: 5 },
    { bptt: { truncate: 'chunks', k: 3 }, reduction: 'mean', B: 5, T: 8, H: 4 },
    { bptt: { truncate: 'none', k: 3 }, reduction: 'mean', B: 1, T: 4, H: 6 },
    { bptt: { truncate: 'chunks', k: 2 }, reduction: 'sum', B: 6, T: 5, H: 9 },
  ];
  for (const c of cases) {
    test(`B=${c.B} T=${c.T} H=${c.H} ${c.bptt.truncate} ${c.reduction}`, () => {
      const problems = Array.from({ length: c.B }, (_, b) => randomProblem({ cell: 'lstm', T: c.T, H: c.H, D: 3, K: 4, seed: 1 + b, nullRate: 0.2, reduction: c.reduction, bptt: c.bptt }));
      const base = problems[0];
      const seqs = problems.map((p) => p.sequence);
      const traces = seqs.map((sequence) => runTrace({ ...base, sequence }));
      const want = sumOf(traces.map((t) => t.grads));
      const got = lstmBatchGrads(base.config, base.bptt, base.params, seqs, base.s0.h, base.s0.c);
      expect(got.loss).toBeCloseTo(traces.reduce((a, t) => a + t.loss, 0), 12);
      for (const name of Object.keys(want)) {
        const w = want[name].data, g = got.grads[name].data;
        for (let i = 0; i < w.length; i++) expect(Math.abs(g[i] - w[i]), `${name}[${i}]`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w[i])));
      }
    });
  }

  test('refuses what it does not batch', () => {
    const p = randomProblem({ cell: 'lstm', peephole: true });
    expect(() => lstmBatchGrads(p.config, p.bptt, p.params, [p.sequence], p.s0.h, p.s0.c)).toThrow(/peephole/);
    const q = randomProblem({ cell: 'lstm' });
    const short = { ...q.sequence, inputs: q.sequence.inputs.slice(1), targets: q.sequence.targets.slice(1) };
    expect(() => lstmBatchGrads(q.config, q.bptt, q.params, [q.sequence, short], q.s0.h, q.s0.c)).toThrow(/one length/);
  });

  test('kernels against the naive products', () => {
    const m = 6, k = 5, n = 7;
    const A = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i + 1));
    const W = Float64Array.from({ length: n * k }, (_, i) => Math.cos(i * 3));
    const C = new Float64Array(m * n);
    gemmABt(C, A, W, m, n, k);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += A[i * k + l] * W[j * k + l];
      expect(C[i * n + j]).toBeCloseTo(s, 13);
    }
    const V = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i * 2));
    const E = new Float64Array(m * n);
    gemmAB(E, A, V, m, k, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += A[i * k + l] * V[l * n + j];
      expect(E[i * n + j]).toBeCloseTo(s, 13);
    }
  });
});
