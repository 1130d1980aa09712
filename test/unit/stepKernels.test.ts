/**
 * The GRU's step in one wasm call each way (wasm/gru.ts, kernels/wasmGru.ts) and the RNN's recurrent
 * products: the two products agree with the JavaScript kernels to 1e-12 relative on odd shapes and
 * give each row the same sum however rows are grouped; the whole step, forward and back, agrees with
 * the JavaScript step (the reference) for both GRU variants and the RNN; and the gradients match
 * central finite differences.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { kernelsInUse, setKernels, usingWasm } from '../../src/engine/linalg';
import * as js from '../../src/engine/kernels/js';
import { stepMatTVec, stepMatVec } from '../../src/engine/kernels/wasmGru';
import { gradcheck, makeCell, Rng, runTrace, type Params } from '../../src/engine';
import type { CellState, StepCache, StepGrad } from '../../src/engine/cells';
import { randomProblem } from './helpers/randomProblem';

const rng = new Rng(2026);
const randn = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());

/** max_i |a_i - b_i| / max(max_i |b_i|, tiny): relative to the vector's scale. */
function relErr(a: Float64Array, b: Float64Array): number {
  let err = 0, scale = 1e-300;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

afterEach(() => setKernels('auto'));

describe("the GRU's matrix-vector products in wasm", () => {
  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 13, 47, 64, 65, 130];

  it('runs on WebAssembly here', () => expect(usingWasm()).toBe(true));

  it('out += W x and out += Wᵀ v agree with the JavaScript kernels to 1e-12 on odd shapes', () => {
    const w = kernelsInUse()!;
    for (const rows of sizes) {
      for (const cols of sizes) {
        const W = randn(rows * cols), x = randn(cols), v = randn(rows), o1 = randn(rows), o2 = randn(cols);
        const got = o1.slice(), want = o1.slice();
        stepMatVec(w, got, W, rows, cols, x);
        js.matVecAdd(want, W, rows, cols, x);
        expect(relErr(got, want), `W x ${rows}x${cols}`).toBeLessThan(1e-12);
        const gotT = o2.slice(), wantT = o2.slice();
        stepMatTVec(w, gotT, W, rows, cols, v);
        js.matTVecAdd(wantT, W, rows, cols, v);
        expect(relErr(gotT, wantT), `Wᵀ v ${rows}x${cols}`).toBeLessThan(1e-12);
      }
    }
  });

  it("gives every row the same sum however the rows are grouped (a stacked matrix or its blocks)", () => {
    const w = kernelsInUse()!;
    for (const [rows, cols] of [[7, 65], [65, 47], [256, 256]]) {
      const A = randn(rows * cols), B = randn(rows * cols), x = randn(cols);
      const stacked = new Float64Array(2 * rows * cols);
      stacked.set(A);
      stacked.set(B, rows * cols);
      const both = new Float64Array(2 * rows), a = new Float64Array(rows), b = new Float64Array(rows);
      stepMatVec(w, both, stacked, 2 * rows, cols, x);
      stepMatVec(w, a, A, rows, cols, x);
      stepMatVec(w, b, B, rows, cols, x);
      expect(Array.from(both)).toEqual([...a, ...b]);
    }
  });
});

type Kind = { cell: 'gru'; variant: 'classic' | 'pytorch' } | { cell: 'rnn'; activation: 'tanh' | 'relu' };

describe("matvec.ts's matVecAdd in blocks of six rows", () => {
  it('gives each row the sum gemmABt forms (the runners\' input halves), however the rows are grouped', () => {
    const w = kernelsInUse()!;
    for (const rows of [1, 4, 5, 6, 7, 11, 13, 65, 130, 1024]) {
      for (const cols of [1, 2, 3, 7, 64, 65]) {
        const W = randn(rows * cols), x = randn(cols), b = randn(rows);
        const mv = b.slice(), gemm = new Float64Array(rows);
        w.matVecAdd(mv, W, rows, cols, x);
        w.projectRows(gemm, b, W, rows, cols, x, 1);
        expect(Array.from(mv), `${rows}x${cols}`).toEqual(Array.from(gemm));
        const top = Math.floor(rows / 2), parts = b.slice();
        w.matVecAdd(parts.subarray(0, top), W.subarray(0, top * cols), top, cols, x);
        w.matVecAdd(parts.subarray(top), W.subarray(top * cols), rows - top, cols, x);
        expect(Array.from(parts), `${rows}x${cols} in two blocks`).toEqual(Array.from(mv));
        const want = b.slice();
        js.matVecAdd(want, W, rows, cols, x);
        expect(relErr(mv, want), `${rows}x${cols} against JavaScript`).toBeLessThan(1e-12);
      }
    }
  });
});

/** Forward and backward of 4 steps from a random state with random dh, on the kernels chosen. */
function runSteps(kernels: 'auto' | 'js', kind: Kind, H: number, D: number, seed: number): { fwd: StepCache[]; bwd: StepGrad[] } {
  setKernels(kernels);
  const problem = randomProblem({ ...kind, H, D, T: 4, seed, scale: 0.4 });
  const cell = makeCell(problem.config);
  const p: Params = problem.params;
  const r = new Rng(seed);
  let prev: CellState = { h: Float64Array.from({ length: H }, () => r.normal() * 0.8) };
  const fwd: StepCache[] = [], bwd: StepGrad[] = [];
  for (const x of problem.sequence.inputs) {
    const c = cell.forward(p, x, prev);
    fwd.push(c);
    bwd.push(cell.backward(p, c, { h: Float64Array.from({ length: H }, () => r.normal()) }, true));
    prev = c.state;
  }
  return { fwd, bwd };
}

describe('the GRU step in one wasm call (and the RNN step) agrees with the JavaScript step', () => {
  const kinds: Kind[] = [{ cell: 'gru', variant: 'classic' }, { cell: 'gru', variant: 'pytorch' }, { cell: 'rnn', activation: 'tanh' }, { cell: 'rnn', activation: 'relu' }];
  for (const kind of kinds) {
    for (const [H, D] of [[47, 5], [65, 33], [130, 64]]) {
      it(`${JSON.stringify(kind)} H=${H} D=${D}: every record forward and back to 1e-12`, () => {
        const a = runSteps('auto', kind, H, D, H + D);
        const b = runSteps('js', kind, H, D, H + D);
        for (let i = 0; i < a.fwd.length; i++) {
          for (const part of ['pre', 'gates', 'aux'] as const) {
            expect(Object.keys(a.fwd[i][part])).toEqual(Object.keys(b.fwd[i][part]));
            for (const k of Object.keys(b.fwd[i][part])) expect(relErr(a.fwd[i][part][k], b.fwd[i][part][k]), `${part}.${k} at ${i}`).toBeLessThan(1e-12);
          }
          expect(relErr(a.fwd[i].h, b.fwd[i].h)).toBeLessThan(1e-12);
          expect(Object.keys(a.bwd[i].dgates)).toEqual(Object.keys(b.bwd[i].dgates));
          for (const k of Object.keys(b.bwd[i].dgates)) expect(relErr(a.bwd[i].dgates[k], b.bwd[i].dgates[k]), `d${k} at ${i}`).toBeLessThan(1e-12);
          expect(relErr(a.bwd[i].dprev.h, b.bwd[i].dprev.h), `dh_prev at ${i}`).toBeLessThan(1e-12);
          expect(relErr(a.bwd[i].dx!, b.bwd[i].dx!), `dx at ${i}`).toBeLessThan(1e-12);
        }
      });
    }
  }

  it('a whole trace (loss and every gradient) agrees with the JavaScript kernels', () => {
    for (const kind of kinds) {
      const problem = randomProblem({ ...kind, H: 65, D: 17, K: 7, T: 30, seed: 11, scale: 0.3 });
      setKernels('js');
      const ref = runTrace(problem);
      setKernels('auto');
      const got = runTrace(problem);
      expect(Math.abs(got.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-12);
      for (const k of Object.keys(ref.grads)) expect(relErr(got.grads[k].data, ref.grads[k].data), `${JSON.stringify(kind)} ${k}`).toBeLessThan(1e-11);
    }
  });
});

describe('the steps in wasm against central finite differences', () => {
  for (const kind of [{ cell: 'gru', variant: 'classic' }, { cell: 'gru', variant: 'pytorch' }, { cell: 'rnn', activation: 'tanh' }] as const) {
    it(`${JSON.stringify(kind)} H=48 (the recurrent part runs in wasm)`, () => {
      const problem = randomProblem({ ...kind, H: 48, D: 5, K: 4, T: 6, seed: 3, scale: 0.3 });
      for (const r of gradcheck(problem, { maxEntries: 12 })) expect(r.maxRelError, r.name).toBeLessThan(1e-6);
    });
  }
});
