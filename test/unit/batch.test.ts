/** Batched training: the batch's gradient is the sum of the per-sequence gradients, for every batched cell. */
import { describe, expect, test } from 'vitest';
import { runTrace, type BpttConfig, type ModelConfig, type Params, type Reduction } from '../../src/engine';
import { batchable, batchGrads, gemmAB, type BatchState } from '../../src/engine/batch';
import { makeCell } from '../../src/engine/cells';
import { Rng } from '../../src/engine/rng';
import { gemmABt, lstmGatesRows, setKernels, usingWasm } from '../../src/engine/linalg';
import { randomProblem } from './helpers/randomProblem';

/** Every sequence of a batch from the same state. */
const each = (s0: Record<string, Float64Array>, B: number): BatchState => Object.fromEntries(Object.entries(s0).map(([n, v]) => [n, Array.from({ length: B }, () => v)]));

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
      const got = batchGrads(base.config, base.bptt, base.params, seqs, each(base.s0, seqs.length));
      expect(got.loss).toBeCloseTo(traces.reduce((a, t) => a + t.loss, 0), 12);
      for (const name of Object.keys(want)) {
        const w = want[name].data, g = got.grads[name].data;
        for (let i = 0; i < w.length; i++) expect(Math.abs(g[i] - w[i]), `${name}[${i}]`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w[i])));
      }
    });
  }

  test('refuses what it does not batch', () => {
    expect(() => batchGrads(randomProblem({ cell: 'gru' }).config, { truncate: 'window', k: 2 }, randomProblem({ cell: 'gru' }).params, [randomProblem({ cell: 'gru' }).sequence], { h: [new Float64Array(4)] })).toThrow(/window/);
    const q = randomProblem({ cell: 'lstm' });
    const short = { ...q.sequence, inputs: q.sequence.inputs.slice(1), targets: q.sequence.targets.slice(1) };
    expect(() => batchGrads(q.config, q.bptt, q.params, [q.sequence, short], each(q.s0, 2))).toThrow(/one length/);
  });

  test("the LSTM block's gates in wasm give the JavaScript loop's bits (fdlibm's exp and tanh, as V8's)", () => {
    for (const [B, H] of [[3, 5], [4, 37], [1, 16], [32, 9]]) {
      const rng = new Rng(B * 100 + H);
      // Pre-activations over every branch of exp and tanh: tiny, moderate, large, beyond saturation.
      const A = Float64Array.from({ length: B * 4 * H }, (_, i) => rng.normal() * [1e-9, 0.3, 3, 40][i % 4]);
      const cPrev = Float64Array.from({ length: B * H }, () => rng.normal() * 2);
      const run = (kernels: 'js' | 'auto') => {
        setKernels(kernels);
        const a = A.slice(), c = new Float64Array(B * H), tc = new Float64Array(B * H), h = new Float64Array(B * H);
        lstmGatesRows(a, cPrev, c, tc, h, B, H);
        return { a: Array.from(a), c: Array.from(c), tc: Array.from(tc), h: Array.from(h), wasm: usingWasm() };
      };
      const js = run('js'), wasm = run('auto');
      expect(wasm.wasm && !js.wasm).toBe(true);
      expect(wasm).toEqual({ ...js, wasm: true });
      // The gates: σ(a) for i, f, o and tanh(a) for g, from the JavaScript reference functions.
      expect(js.a[2 * H]).toBe(Math.tanh(A[2 * H]));
      expect(js.h[0]).toBe(js.a[3 * H] * Math.tanh(js.a[H] * cPrev[0] + js.a[0] * js.a[2 * H]));
    }
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

describe('batched cells: every sequence from its own state, gradients and end states as the per-sequence traces', () => {
  const cells: { name: string; o: Partial<ModelConfig> }[] = [
    { name: 'lstm', o: { cell: 'lstm' } },
    { name: 'lstm peephole (its equations as a custom cell)', o: { cell: 'lstm', peephole: true } },
    { name: 'lstm coupled', o: { cell: 'lstm', coupled: true } },
    { name: 'lstm peephole and coupled', o: { cell: 'lstm', peephole: true, coupled: true } },
    { name: 'gru classic', o: { cell: 'gru', variant: 'classic' } },
    { name: 'gru pytorch', o: { cell: 'gru', variant: 'pytorch' } },
    { name: 'rnn tanh', o: { cell: 'rnn', activation: 'tanh' } },
    { name: 'rnn relu, mse', o: { cell: 'rnn', activation: 'relu', loss: 'mse', output: 'identity' } },
  ];
  // Sizes past the kernels' threshold too (H=37: the products run in wasm), and odd ones.
  const shapes = [
    { B: 3, T: 5, H: 5, D: 3, K: 4, bptt: { truncate: 'none', k: 3 } as BpttConfig, reduction: 'sum' as Reduction },
    { B: 4, T: 7, H: 37, D: 9, K: 11, bptt: { truncate: 'chunks', k: 3 } as BpttConfig, reduction: 'mean' as Reduction },
  ];
  for (const c of cells)
    for (const sh of shapes) {
      test(`${c.name} B=${sh.B} T=${sh.T} H=${sh.H} ${sh.bptt.truncate}`, () => {
        const problems = Array.from({ length: sh.B }, (_, b) =>
          randomProblem({ ...c.o, T: sh.T, H: sh.H, D: sh.D, K: sh.K, seed: 11 + b, nullRate: 0.2, reduction: sh.reduction, bptt: sh.bptt, scale: 0.3 }),
        );
        const base = problems[0];
        const rng = new Rng(5);
        const lstm = base.config.cell === 'lstm';
        const h0 = problems.map(() => Float64Array.from({ length: sh.H }, () => rng.normal() * 0.5));
        const c0 = lstm ? problems.map(() => Float64Array.from({ length: sh.H }, () => rng.normal() * 0.5)) : null;
        const traces = problems.map((q, b) => runTrace({ ...base, sequence: q.sequence, s0: c0 ? { h: h0[b], c: c0[b] } : { h: h0[b] } }));
        const want = sumOf(traces.map((t) => t.grads));
        const got = batchGrads(base.config, base.bptt, base.params, problems.map((q) => q.sequence), c0 ? { h: h0, c: c0 } : { h: h0 });
        const wantLoss = traces.reduce((a, t) => a + t.loss, 0);
        expect(Math.abs(got.loss - wantLoss)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(wantLoss)));
        for (const name of Object.keys(want)) {
          const w = want[name].data, g = got.grads[name].data;
          let norm = 0;
          for (let i = 0; i < w.length; i++) norm = Math.max(norm, Math.abs(w[i]));
          expect(norm, `${name} is not all zeros`).toBeGreaterThan(1e-6);
          for (let i = 0; i < w.length; i++) expect(Math.abs(g[i] - w[i]), `${name}[${i}]`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w[i])));
        }
        traces.forEach((t, b) => {
          const hT = t.hiddenStates()[sh.T];
          for (let j = 0; j < sh.H; j++) expect(got.end.h[b][j]).toBeCloseTo(hT[j], 13);
        });
      });
    }
});

describe('each cell owns its batched step', () => {
  const cfg = (o: Partial<ModelConfig>): ModelConfig => ({ ...randomProblem({ cell: 'lstm' }).config, ...o });
  test('the standard built-in cells have one; the trainer and batchGrads ask the cell', () => {
    for (const o of [{ cell: 'rnn' as const }, { cell: 'gru' as const, variant: 'classic' as const }, { cell: 'gru' as const, variant: 'pytorch' as const }, { cell: 'lstm' as const }]) {
      expect(makeCell(cfg(o)).batch, JSON.stringify(o)).toBeTypeOf('function');
      expect(batchable(cfg(o), { truncate: 'chunks', k: 2 })).toBe(true);
      expect(batchable(cfg(o), { truncate: 'window', k: 2 })).toBe(false);
    }
  });
  test('stacks and embeddings have one, layer over layer (batch.cells.test.ts)', () => {
    for (const o of [{ layers: 2 }, { embedding: 3 }, { layers: 3, embedding: 3 }]) expect(batchable(cfg(o), { truncate: 'none', k: 2 }), JSON.stringify(o)).toBe(true);
  });
  test('every cell has one; window truncation runs sequence by sequence', () => {
    const custom = { states: ['h'], params: { W: ['H', 'D'], U: ['H', 'H'] }, equations: 'h = tanh(W @ x + U @ h_prev)' };
    for (const o of [{ peephole: true }, { coupled: true }, { cell: 'custom' as const, custom }, { cell: 'custom' as const, custom, layers: 2 }]) {
      expect(batchable(cfg(o), { truncate: 'none', k: 2 }), JSON.stringify(o)).toBe(true);
      expect(batchable(cfg(o), { truncate: 'window', k: 2 }), JSON.stringify(o)).toBe(false);
    }
  });
});
