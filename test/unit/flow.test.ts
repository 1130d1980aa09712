/**
 * Gradient flow against independent computations: the flow map against finite differences of L_t
 * in h_k (the cells run directly), Jacobian rows against explicit products of finite-difference
 * step Jacobians (and of diag(f') W_hh for rnn), the notes' bound on random cases, spectra against
 * eigenvalues and singular values computed apart, truncation and clipping by hand, the CLI as a process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Matrix, SingularValueDecomposition, inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  clipPreview,
  flowMap,
  jacobianRow,
  Rng,
  runTrace,
  spectralNorm,
  spectralRadius,
  type ModelConfig,
  type Params,
  type Problem,
  type Tensor,
} from '../../src/engine';
import { makeCell, type CellState } from '../../src/engine/cells';
import { flowBounds } from '../../src/engine/flow/flowMap';
import { outputStep } from '../../src/engine/output';
import { loadSpec } from '../../src/engine/spec';
import { randomProblem, type RandomOptions } from './helpers/randomProblem';

const ROOT = join(__dirname, '..', '..');

function loadExample(name: string): Problem {
  const file = join(ROOT, 'examples', `${name}.rnn.yaml`);
  const { problem, diagnostics } = loadSpec(readFileSync(file, 'utf8'), { file, format: 'yaml', readFile: () => '' });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return problem!;
}

/** Every cell and variant, with a mix of outputs, losses, reductions and missing targets. */
const CASES: [string, RandomOptions][] = [
  ['rnn tanh', { cell: 'rnn', activation: 'tanh', nullRate: 0.3 }],
  ['rnn sigmoid', { cell: 'rnn', activation: 'sigmoid', scale: 1.5 }],
  ['rnn relu', { cell: 'rnn', activation: 'relu', loss: 'mse', output: 'identity' }],
  ['rnn identity', { cell: 'rnn', activation: 'identity', reduction: 'mean', scale: 0.4 }],
  ['lstm', { cell: 'lstm', nullRate: 0.3 }],
  ['lstm peephole', { cell: 'lstm', peephole: true, loss: 'mse', output: 'tanh', reduction: 'mean' }],
  ['lstm coupled', { cell: 'lstm', coupled: true }],
  ['lstm peephole coupled', { cell: 'lstm', peephole: true, coupled: true, soft: true }],
  ['gru classic', { cell: 'gru', variant: 'classic', nullRate: 0.3 }],
  ['gru pytorch', { cell: 'gru', variant: 'pytorch', loss: 'mse', output: 'sigmoid', reduction: 'mean' }],
];

const scaleOf = (p: Problem) => (p.config.reduction === 'sum' ? 1 : 1 / p.sequence.targets.filter((t) => t !== null).length);

/** scale · L_t as a function of the state (h_k, c_k): the cells run directly from step k+1 to t. */
function lossFromState(p: Problem, k: number, t: number, state: CellState): number {
  const cell = makeCell(p.config);
  let s = state;
  for (let j = k + 1; j <= t; j++) {
    const cache = cell.forward(p.params, p.sequence.inputs[j - 1], s);
    s = cache.state;
  }
  const { config } = p;
  const out = outputStep(p.params, config.K, config.H, config.output, config.loss, s.h, p.sequence.targets[t - 1]);
  return (out.loss as number) * scaleOf(p);
}

/** Sixth-order central difference of f at x along coordinate i. */
function diff6(f: (x: Float64Array) => number, x: Float64Array, i: number, eps = 1e-3): number {
  const at = (d: number) => {
    const y = Float64Array.from(x);
    y[i] += d;
    return f(y);
  };
  return (45 * (at(eps) - at(-eps)) - 9 * (at(2 * eps) - at(-2 * eps)) + (at(3 * eps) - at(-3 * eps))) / (60 * eps);
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((a, x) => a + x * x, 0));
/** The largest singular value by ml-matrix's SVD (Golub-Kahan), apart from the engine's own. */
const svdNorm = (rows: number[][]) => Math.max(...new SingularValueDecomposition(new Matrix(rows), { autoTranspose: true }).diagonal);
const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('flowMap against finite differences of L_t in h_k', () => {
  for (const [label, opts] of CASES) {
    it(label, () => {
      const p = randomProblem({ ...opts, T: 6, H: 3, D: 2, K: 3, seed: 11 });
      const trace = runTrace(p);
      const map = flowMap(p);
      expect(map.T).toBe(6);
      expect(map.rows).toEqual([1, 2, 3, 4, 5, 6]);
      expect(map.bounded).toBeNull();
      let checked = 0;
      map.rows.forEach((t, i) => {
        const row = map.norms[i];
        expect(row).toHaveLength(6);
        for (let k = t + 1; k <= 6; k++) expect(row[k - 1]).toBeNull();
        if (p.sequence.targets[t - 1] === null) return expect(row.every((v) => v === null)).toBe(true);
        for (let k = 1; k <= t; k++) {
          const f = trace.forward(k);
          // h_k perturbed, every other state (lstm c_k) held fixed.
          const g = Float64Array.from({ length: p.config.H }, (_, j) => diff6((h) => lossFromState(p, k, t, { ...f.states, h }), f.h, j));
          expect(relErr(row[k - 1] as number, norm(g)), `t=${t} k=${k}`).toBeLessThan(1e-6);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(5);
    });
  }

  it('is full BPTT whatever the truncation, and sums to the trace dL/dh_t without it', () => {
    const p = randomProblem({ cell: 'lstm', T: 7, H: 3, seed: 4 });
    const full = flowMap(p);
    const window = flowMap({ ...p, bptt: { truncate: 'window', k: 2 } });
    expect(window.norms).toEqual(full.norms);
  });
});

/** The state map (h, c) -> (h', c') of step j as a flat vector function. */
function stepMap(p: Problem, j: number, lstm: boolean) {
  const H = p.config.H;
  const cell = makeCell(p.config);
  return (s: Float64Array): Float64Array => {
    const cache = cell.forward(p.params, p.sequence.inputs[j - 1], lstm ? { h: s.subarray(0, H), c: s.subarray(H) } : { h: s.subarray(0, H) });
    const out = new Float64Array(s.length);
    out.set(cache.h);
    if (lstm) out.set(cache.state.c, H);
    return out;
  };
}

/** d(state_j)/d(state_{j-1}) by sixth-order central differences, as rows. */
function fdJacobian(f: (s: Float64Array) => Float64Array, s: Float64Array): number[][] {
  const n = s.length;
  const J = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let r = 0; r < n; r++) J[r][i] = diff6((x) => f(x)[r], s, i, 1e-3);
  return J;
}

const matmul = (A: number[][], B: number[][]) => A.map((row) => B[0].map((_, j) => row.reduce((a, v, q) => a + v * B[q][j], 0)));

describe('jacobianRow against explicit products of step Jacobians', () => {
  for (const [label, opts] of CASES) {
    it(label, () => {
      const p = randomProblem({ ...opts, T: 6, H: 3, D: 2, K: 2, seed: 5 });
      const lstm = p.config.cell === 'lstm';
      const H = p.config.H;
      const trace = runTrace(p);
      const t = 6;
      const row = jacobianRow(p, t);
      expect(row.bounded).toBeNull();
      expect(row.norms).toHaveLength(t);
      expect(row.norms[t - 1]).toBe(1);
      // P = A_t ... A_{k+1}, A_j the finite-difference Jacobian of the full state map; the hh block.
      let P: number[][] = Array.from({ length: lstm ? 2 * H : H }, (_, i) => Array.from({ length: lstm ? 2 * H : H }, (_, j) => (i === j ? 1 : 0)));
      for (let k = t - 1; k >= 1; k--) {
        const prev = trace.forward(k);
        const s = new Float64Array(lstm ? 2 * H : H);
        s.set(prev.h);
        if (lstm) s.set(prev.c as Float64Array, H);
        P = matmul(P, fdJacobian(stepMap(p, k + 1, lstm), s));
        const block = P.slice(0, H).map((r) => r.slice(0, H));
        expect(relErr(row.norms[k - 1], svdNorm(block)), `k=${k}`).toBeLessThan(1e-6);
      }
      // The gate path, from the trace's gates.
      if (p.config.cell === 'rnn') expect(row.gatePath).toBeNull();
      else
        for (let k = 1; k <= t; k++) {
          let best = 0;
          for (let u = 0; u < H; u++) {
            let prod = 1;
            for (let j = k + 1; j <= t; j++) {
              const g = trace.forward(j).gates;
              prod *= p.config.cell === 'lstm' ? g.f[u] : p.config.variant === 'classic' ? 1 - g.z[u] : g.z[u];
            }
            best = Math.max(best, prod);
          }
          expect(row.gatePath![k - 1]).toBeCloseTo(best, 14);
        }
    });
  }

  it('rnn: equals the exact product of diag(f\'(a_j)) W_hh (1e-12)', () => {
    for (const activation of ['tanh', 'sigmoid', 'relu', 'identity'] as const) {
      const p = randomProblem({ cell: 'rnn', activation, T: 9, H: 4, seed: 8 });
      const trace = runTrace(p);
      const H = 4;
      const W = Array.from({ length: H }, (_, i) => Array.from(p.params.W_hh.data.subarray(i * H, (i + 1) * H)));
      const row = jacobianRow(p, 9);
      let P: number[][] = W.map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
      for (let k = 8; k >= 1; k--) {
        const f = trace.forward(k + 1);
        const d = Array.from(f.h, (h, i) => (activation === 'tanh' ? 1 - h * h : activation === 'sigmoid' ? h * (1 - h) : activation === 'relu' ? (f.pre.a[i] > 0 ? 1 : 0) : 1));
        P = matmul(P, W.map((r, i) => r.map((v) => d[i] * v)));
        const expected = svdNorm(P);
        if (expected === 0) expect(row.norms[k - 1]).toBe(0);
        else expect(relErr(row.norms[k - 1], expected), `${activation} k=${k}`).toBeLessThan(1e-12);
      }
      expect(row.lambda).toBeCloseTo(svdNorm(W), 13);
      expect(row.gamma).toBe(activation === 'sigmoid' ? 0.25 : 1);
      row.bound.forEach((b, i) => expect(b).toBe(Math.pow(row.gamma * row.lambda, 9 - (i + 1))));
    }
  });

  it('lambda of gated cells is the norm of the recurrent matrices stacked', () => {
    const p = randomProblem({ cell: 'gru', T: 3, H: 3 });
    const stacked = ['W_hr', 'W_hz', 'W_hn'].flatMap((n) => Array.from({ length: 3 }, (_, i) => Array.from(p.params[n].data.subarray(i * 3, i * 3 + 3))));
    expect(relErr(jacobianRow(p, 3).lambda, svdNorm(stacked))).toBeLessThan(1e-13);
  });

  it('bounds the span: maxSpan leaves NaN before it and says so', () => {
    const p = randomProblem({ cell: 'lstm', T: 12, H: 3 });
    const full = jacobianRow(p, 12);
    const cut = jacobianRow(p, 12, { maxSpan: 4 });
    expect(cut.bounded).toBe('k >= t-3');
    cut.norms.forEach((v, i) => (i + 1 >= 9 ? expect(v).toBe(full.norms[i]) : expect(v).toBeNaN()));
    expect(cut.gatePath).toEqual(full.gatePath);
  });
});

describe("the notes' bound ‖dh_t/dh_k‖ <= (γλ)^(t-k) (rnn, property)", () => {
  it('holds on random cases, every activation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('tanh', 'sigmoid', 'relu', 'identity' as const),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 10 }),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        (seed, activation, H, T, scale) => {
          const p = randomProblem({ cell: 'rnn', activation: activation as ModelConfig['activation'], H, T, seed, scale });
          const row = jacobianRow(p, T);
          row.norms.forEach((n, i) => expect(n).toBeLessThanOrEqual(row.bound[i] * (1 + 1e-12)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (the test's own, apart from the engine). */
function jacobiEigenvalues(S: number[][]): number[] {
  const n = S.length;
  const A = S.map((r) => r.slice());
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p][q] * A[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (A[p][q] === 0) continue;
        const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k][p], akq = A[k][q];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p][k], aqk = A[q][k];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
      }
  }
  return A.map((r, i) => r[i]);
}

const tensor = (rows: number[][]): Tensor => ({ shape: [rows.length, rows[0].length], data: Float64Array.from(rows.flat()) });

describe('spectralRadius and spectralNorm', () => {
  it('the linear RNN examples: 0.5 and 1.5 (1e-12)', () => {
    expect(Math.abs(spectralRadius(loadExample('linear-rnn-rho-0.5').params.W_hh) - 0.5)).toBeLessThan(1e-12);
    expect(Math.abs(spectralRadius(loadExample('linear-rnn-rho-1.5').params.W_hh) - 1.5)).toBeLessThan(1e-12);
  });

  it('a rotation-scaled matrix, plain and under a similarity transform', () => {
    const rot = (r: number, th: number) => [
      [r * Math.cos(th), -r * Math.sin(th)],
      [r * Math.sin(th), r * Math.cos(th)],
    ];
    expect(Math.abs(spectralRadius(tensor(rot(1.3, 0.7))) - 1.3)).toBeLessThan(1e-14);
    expect(Math.abs(spectralNorm(tensor(rot(1.3, 0.7))) - 1.3)).toBeLessThan(1e-14);
    // B = blockdiag(0.9 R(1.1), 1.7 R(2.3), -0.4); M = S B S^-1 has the same eigenvalues (moduli 0.9, 1.7, 0.4).
    const B = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
    const put = (m: number[][], o: number) => m.forEach((r, i) => r.forEach((v, j) => (B[o + i][o + j] = v)));
    put(rot(0.9, 1.1), 0);
    put(rot(1.7, 2.3), 2);
    B[4][4] = -0.4;
    const rng = new Rng(3);
    const S = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => rng.normal() * 0.3 + (i === j ? 2 : 0)));
    const M = new Matrix(S).mmul(new Matrix(B)).mmul(inverse(new Matrix(S))).to2DArray();
    expect(Math.abs(spectralRadius(tensor(M)) - 1.7)).toBeLessThan(1e-12);
  });

  it('random symmetric matrices: radius and norm = max |eigenvalue| (Jacobi, 1e-12 relative)', () => {
    const rng = new Rng(9);
    for (const n of [1, 2, 3, 5, 8, 13, 24]) {
      const R = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
      const S = R.map((r, i) => r.map((v, j) => (v + R[j][i]) / 2));
      const expected = Math.max(...jacobiEigenvalues(S).map(Math.abs));
      expect(relErr(spectralRadius(tensor(S)), expected), `n=${n}`).toBeLessThan(1e-12);
      expect(relErr(spectralNorm(tensor(S)), expected), `n=${n}`).toBeLessThan(1e-12);
    }
  });

  it('spectralNorm of random rectangular, tiny and huge matrices against the SVD', () => {
    const rng = new Rng(21);
    for (const [m, n, s] of [
      [1, 4, 1],
      [4, 1, 1],
      [3, 7, 1],
      [9, 4, 1],
      [16, 16, 1],
      [6, 6, 1e-200],
      [6, 6, 1e200],
    ]) {
      const A = Array.from({ length: m }, () => Array.from({ length: n }, () => rng.normal()));
      const expected = svdNorm(A);
      expect(relErr(spectralNorm(tensor(A.map((r) => r.map((v) => v * s)))) / s, expected), `${m}x${n} ×${s}`).toBeLessThan(1e-12);
    }
    expect(spectralNorm(tensor([[0, 0], [0, 0]]))).toBe(0);
  });
});

describe('truncation on the map', () => {
  const base = randomProblem({ cell: 'rnn', T: 10, H: 3, seed: 2 });

  it('window k: L_t reaches h_k only for k >= t-k+1', () => {
    const map = flowMap({ ...base, bptt: { truncate: 'window', k: 3 } });
    map.rows.forEach((t, i) => {
      for (let k = 1; k <= 10; k++) expect(map.dropped![i][k - 1], `t=${t} k=${k}`).toBe(k <= t && k < t - 3 + 1);
    });
  });

  it('chunks of k: L_t reaches only its own chunk', () => {
    const map = flowMap({ ...base, bptt: { truncate: 'chunks', k: 4 } });
    const chunk = (s: number) => Math.ceil(s / 4);
    map.rows.forEach((t, i) => {
      for (let k = 1; k <= 10; k++) expect(map.dropped![i][k - 1], `t=${t} k=${k}`).toBe(k <= t && chunk(k) !== chunk(t));
    });
  });

  it('no truncation: no dropped pairs, no loss', () => {
    const map = flowMap(base);
    expect(map.dropped).toBeNull();
    expect(map.truncationLoss).toBeNull();
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as const)
    for (const bptt of [
      { truncate: 'window' as const, k: 3 },
      { truncate: 'chunks' as const, k: 4 },
    ])
      it(`truncationLoss.share = ‖g_full - g_trunc‖/‖g_full‖ from two traces (${cell}, ${bptt.truncate})`, () => {
        const p = { ...randomProblem({ cell, T: 10, H: 3, seed: 6 }), bptt };
        const full = runTrace({ ...p, bptt: { truncate: 'none', k: bptt.k } }).grads;
        const trunc = runTrace(p).grads;
        let d2 = 0, f2 = 0, t2 = 0;
        for (const name of Object.keys(full))
          full[name].data.forEach((v, i) => {
            const w = trunc[name].data[i];
            d2 += (v - w) ** 2;
            f2 += v * v;
            t2 += w * w;
          });
        const loss = flowMap(p).truncationLoss!;
        expect(loss.share).toBeGreaterThan(0);
        expect(relErr(loss.share, Math.sqrt(d2) / Math.sqrt(f2))).toBeLessThan(1e-12);
        expect(relErr(loss.fullNorm, Math.sqrt(f2))).toBeLessThan(1e-12);
        expect(relErr(loss.truncatedNorm, Math.sqrt(t2))).toBeLessThan(1e-12);
      });
});

describe('clipPreview', () => {
  const grads: Params = {
    W: { shape: [1, 2], data: Float64Array.from([3, 4]) },
    b: { shape: [1], data: Float64Array.from([12]) },
  };
  it('scales by threshold / norm above the threshold', () => {
    const c = clipPreview(grads, 6.5); // ‖g‖ = sqrt(9 + 16 + 144) = 13
    expect(c.norm).toBe(13);
    expect(c.threshold).toBe(6.5);
    expect(c.scale).toBe(0.5);
    expect(c.clippedNorm).toBe(6.5);
    expect(c.perParam).toEqual([
      { name: 'W', norm: 5, clippedNorm: 2.5 },
      { name: 'b', norm: 12, clippedNorm: 6 },
    ]);
  });
  it('leaves a gradient under the threshold alone', () => {
    const c = clipPreview(grads, 20);
    expect(c.scale).toBe(1);
    expect(c.clippedNorm).toBe(13);
  });
  it('rejects a threshold that is not positive', () => expect(() => clipPreview(grads, 0)).toThrow(RangeError));
});

describe('the long-dependency pair', () => {
  const lastRow = (name: string) => {
    const map = flowMap(loadExample(name));
    return map.norms[map.rows.indexOf(map.T)] as number[];
  };
  it("a tanh RNN's ‖dL_T/dh_k‖ vanishes with distance; an LSTM's does not", () => {
    const rnn = lastRow('long-dependency-rnn');
    const lstm = lastRow('long-dependency-lstm');
    const T = rnn.length;
    expect(T).toBe(30);
    expect(rnn[0] / rnn[T - 1]).toBeLessThan(1e-3);
    expect(lstm[0] / lstm[T - 1]).toBeGreaterThan(5e-2);
    // Beyond the first two steps back, the LSTM's gradient holds its size; the RNN's keeps shrinking.
    expect(lstm[0] / lstm[T - 3]).toBeGreaterThan(0.3);
    expect(rnn[0] / rnn[T - 3]).toBeLessThan(1e-3);
    // Every step back shrinks the RNN's by at least the bound's 0.75.
    for (let k = 1; k < T; k++) expect(rnn[k - 1]).toBeLessThanOrEqual(0.75 * rnn[k] * (1 + 1e-12));
  });
});

describe('bounded work', () => {
  it('flowBounds: all rows in full when cheap, else recent rows then a square', () => {
    expect(flowBounds(10, 1000, 256, Infinity)).toEqual({ R: 10, S: 10 });
    expect(flowBounds(1000, 1e6, 256, Infinity)).toEqual({ R: 256, S: 1000 });
    expect(flowBounds(10000, 1e6, 256, Infinity)).toEqual({ R: 256, S: 3906 });
    expect(flowBounds(10000, 1525, 256, Infinity)).toEqual({ R: 39, S: 39 });
  });

  it('maxRows keeps the most recent rows, equal to the full map there; maxSpan nulls before the span', () => {
    const p = randomProblem({ cell: 'gru', T: 12, H: 3, seed: 3 });
    const full = flowMap(p);
    const few = flowMap(p, { maxRows: 4 });
    expect(few.rows).toEqual([9, 10, 11, 12]);
    expect(few.bounded).toMatch(/most recent 4 of 12 rows/);
    expect(few.norms).toEqual(full.norms.slice(8));
    const short = flowMap(p, { maxSpan: 5 });
    expect(short.bounded).toMatch(/k >= t-4/);
    short.rows.forEach((t, i) => short.norms[i].forEach((v, k) => expect(v).toBe(k + 1 >= t - 4 ? full.norms[i][k] : null)));
  });

  it('T = 10,000, H = 256 rnn: flowMap and a Jacobian row finish and say how they were bounded', () => {
    const p = randomProblem({ cell: 'rnn', T: 10_000, H: 256, D: 8, K: 8, scale: 0.06, seed: 3 });
    // No timing assertion (COMMON: speed goes in npm run bench): the bound is the work, said below.
    const map = flowMap(p);
    const row = jacobianRow(p, 10_000);
    expect(map.bounded).toMatch(/most recent \d+ of 10000 rows/);
    expect(row.bounded).toMatch(/k >= t-\d+/);
  });
});

describe('bptt flow (CLI process)', () => {
  const CLI = join(ROOT, 'dist', 'cli.js');
  const bptt = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BPTT_DEBUG: '' } });

  it('--json: T×T norms, null above the diagonal, equal to flowMap; the Jacobian row and spectra', () => {
    const r = bptt('flow', 'examples/hello.rnn.yaml', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const p = loadExample('hello');
    const map = flowMap(p);
    const T = map.T;
    expect(out.norms).toHaveLength(T);
    out.norms.forEach((row: (number | null)[], i: number) => {
      expect(row).toHaveLength(T);
      row.forEach((v, k) => (k > i ? expect(v).toBeNull() : expect(typeof v).toBe('number')));
    });
    expect(out.norms).toEqual(map.norms);
    const jr = jacobianRow(p, T);
    expect(out.jacobian).toEqual({ t: T, norms: jr.norms, bound: jr.bound, gamma: jr.gamma, lambda: jr.lambda, bounded: null });
    expect(out.spectral_radius).toBe(spectralRadius(p.params.W_hh));
    expect(out.spectral_norm).toBe(spectralNorm(p.params.W_hh));
    expect(out.gate_path).toBeNull();
    expect(out.bounded).toBeNull();
  });

  it('--t N picks the Jacobian row; gated cells give a gate path', () => {
    const out = JSON.parse(bptt('flow', 'examples/lstm.rnn.yaml', '--json', '--t', '2').stdout);
    expect(out.jacobian.t).toBe(2);
    expect(out.jacobian.norms).toHaveLength(2);
    expect(out.gate_path).toHaveLength(2);
  });

  it('a readable summary without --json', () => {
    const r = bptt('flow', 'examples/long-dependency-rnn.rnn.yaml');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/spectral radius 0\.7500/);
    expect(r.stdout).toMatch(/‖dh_30\/dh_k‖/);
  });

  it('bad --t and bad specs: exit 2 with a message, no stack', () => {
    const bad = bptt('flow', 'examples/hello.rnn.yaml', '--t', '9');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--t must be an integer in 1\.\.4/);
    const missing = bptt('flow', 'no/such/spec.rnn.yaml');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no\/such\/spec\.rnn\.yaml: cannot read spec/);
    expect(missing.stderr).not.toMatch(/^\s+at /m);
  });
});
