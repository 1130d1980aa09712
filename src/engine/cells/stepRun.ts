/**
 * The GRU's and the tanh RNN's steps with every step's records (Cell.runner) in wasm blocks: a
 * block's input halves as one product and its steps in one call (kernels/wasmGru.ts's gruForwardRun,
 * rnnForwardRun), instead of a crossing a step; each step's vectors are then copied out into the
 * cell's pools (cacheOf). Every number is the one the cell's step computes (the same sums in the
 * same order; tested record by record).
 */
import type { Params } from '../types';
import { pinArrays } from '../linalg';
import { gruForwardRun, rnnForwardRun, type GruRecurrent } from '../kernels/wasmGru';
import type { WasmKernels } from '../kernels/wasm';
import { stackedInputs } from './lstmRun';
import type { CellState, StepCache, StepRunner } from './cell';

/** Steps per block: the block's rows stay a few MiB of wasm memory. */
const BLOCK = 128;

/** A step's record from its row of a block (a view valid during the call). */
type CacheOf = (x: Float64Array, prev: CellState, row: Float64Array) => StepCache;

/** Runs a block: X the m inputs packed [m, D], h0 the state before its first step; take(t, row) each step's row. */
type BlockRun = (X: Float64Array, m: number, h0: Float64Array, take: (t: number, row: Float64Array) => void) => void;

/**
 * A runner over inputs[from..to): step(i, prev) serves step i of the block computed ahead, when prev
 * is the state that block gave step i (the step before's, or the block's start); any other prev
 * starts a new block there.
 */
function blockRunner(D: number, inputs: readonly Float64Array[], to: number, run: BlockRun, release: () => void, cacheOf: CacheOf): StepRunner {
  const X = new Float64Array(BLOCK * D);
  let lo = 0, start: CellState | null = null, caches: StepCache[] = [];
  return {
    step(i: number, prev: CellState): StepCache {
      const k = i - lo;
      if (k >= 0 && k < caches.length && prev === (k === 0 ? start : caches[k - 1].state)) return caches[k];
      const m = Math.min(to, inputs.length, i + BLOCK) - i;
      for (let t = 0; t < m; t++) X.set(inputs[i + t], t * D);
      const block: StepCache[] = new Array(m);
      let before = prev;
      run(X.subarray(0, m * D), m, prev.h, (t, row) => {
        block[t] = cacheOf(inputs[i + t], before, row);
        before = block[t].state;
      });
      lo = i;
      start = prev;
      caches = block;
      return block[0];
    },
    release,
  };
}

/** The GRU's runner: rows [a_r a_z a_n ax r n | z | h] (8H) for cacheOf. */
export function gruRunner(w: WasmKernels, H: number, D: number, p: Params, classic: boolean, inputs: readonly Float64Array[], to: number, cacheOf: CacheOf): StepRunner {
  const { bias, Wx } = stackedInputs(p, ['r', 'z', 'n'], H, D);
  const Wh: GruRecurrent = [p.W_hr.data, p.W_hz.data, p.W_hn.data];
  const bhn = classic ? null : p.b_hn.data;
  const run: BlockRun = (X, m, h0, take) => gruForwardRun(w, bias, Wx, D, X, m, Wh, bhn, h0, H, take);
  return blockRunner(D, inputs, to, run, pinArrays([bias, Wx]), cacheOf);
}

/** The tanh RNN's runner: rows [a | h] (2H) for cacheOf. */
export function rnnRunner(w: WasmKernels, H: number, D: number, p: Params, inputs: readonly Float64Array[], to: number, cacheOf: CacheOf): StepRunner {
  const run: BlockRun = (X, m, h0, take) => rnnForwardRun(w, p.b_h.data, p.W_xh.data, D, X, m, p.W_hh.data, h0, H, take);
  return blockRunner(D, inputs, to, run, () => undefined, cacheOf);
}
