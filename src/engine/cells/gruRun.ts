/**
 * The GRU's steps with every step's records (Cell.runner) in wasm blocks: a block's input halves as
 * one product and its steps in one call (kernels/wasmGru.ts's gruForwardRun), instead of a crossing
 * a step; each step's vectors are then copied out into the cell's pools (cacheOf). Every number is
 * the one GruCell's step computes (the same sums in the same order; tested record by record).
 */
import type { Params } from '../types';
import { pinArrays } from '../linalg';
import { gruForwardRun, type GruRecurrent } from '../kernels/wasmGru';
import type { WasmKernels } from '../kernels/wasm';
import { stackedInputs } from './lstmRun';
import type { CellState, StepCache, StepRunner } from './cell';

/** Steps per block: the block's rows stay a few MiB of wasm memory. */
const BLOCK = 128;

/**
 * The runner over inputs[from..to): step(i, prev) serves step i of the block computed ahead, when
 * prev is the state that block gave step i (the step before's, or the block's start); any other
 * prev starts a new block there. cacheOf(x, prev, row) makes a step's record from its row [a_r a_z
 * a_n ax r n | z | h] (8H; a view valid during the call).
 */
export function gruRunner(
  w: WasmKernels, H: number, D: number, p: Params, classic: boolean, inputs: readonly Float64Array[], from: number, to: number,
  cacheOf: (x: Float64Array, prev: CellState, row: Float64Array) => StepCache,
): StepRunner {
  const { bias, Wx } = stackedInputs(p, ['r', 'z', 'n'], H, D);
  const release = pinArrays([bias, Wx]);
  const Wh: GruRecurrent = [p.W_hr.data, p.W_hz.data, p.W_hn.data];
  const bhn = classic ? null : p.b_hn.data;
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
      gruForwardRun(w, bias, Wx, D, X.subarray(0, m * D), m, Wh, bhn, prev.h, H, (t, row) => {
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
