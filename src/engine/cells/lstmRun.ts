/**
 * The standard LSTM run without records: a checkpointed trace's first pass needs only the state at
 * each segment's start, so the steps run in wasm in blocks, the input halves b_q + W_xq x_t of a
 * block as one matrix product, h and c never leaving wasm memory between steps. Every number is
 * the one LstmCell.forward computes (the same sums in the same order; tested).
 */
import type { Params } from '../types';
import { lstmAdvanceWasm, withResident } from '../linalg';
import type { CellState } from './cell';

/** Steps per block: the block's inputs and input halves stay a few hundred KiB. */
const BLOCK = 64;

/** The four gates' matrices stacked ([4H, cols]) in the order i, f, g, o. */
function stack(p: Params, names: string[], rows: number, cols: number): Float64Array {
  const out = new Float64Array(names.length * rows * cols);
  names.forEach((n, q) => out.set(p[n].data, q * rows * cols));
  return out;
}

/**
 * Runs inputs[from..to) from s0, calling keep(i, state) after each step i with want(i) (the state
 * is the caller's to keep). Returns the state after the last step, or null where the step would not
 * run in wasm (small shapes, or no WebAssembly): the caller then unrolls.
 */
export function lstmAdvance(
  H: number, D: number, p: Params, inputs: readonly Float64Array[], s0: CellState, from: number, to: number,
  want: (i: number) => boolean, keep: (i: number, state: CellState) => void,
): CellState | null {
  const gates = ['i', 'f', 'g', 'o'];
  const bias = stack(p, gates.map((q) => `b_${q}`), H, 1);
  const Wx = stack(p, gates.map((q) => `W_x${q}`), H, D);
  const Wh = stack(p, gates.map((q) => `W_h${q}`), H, H);
  const h = Float64Array.from(s0.h), c = Float64Array.from(s0.c);
  const X = new Float64Array(BLOCK * D);
  return withResident([bias, Wx, Wh], () => {
    let i = from;
    while (i < to) {
      // A block ends at a wanted step, so its state is at hand.
      let m = 0;
      while (i + m < to && m < BLOCK) {
        X.set(inputs[i + m], m * D);
        m++;
        if (want(i + m - 1)) break;
      }
      if (!lstmAdvanceWasm(bias, Wx, Wh, H, D, X.subarray(0, m * D), m, h, c)) return null;
      i += m;
      if (want(i - 1)) keep(i - 1, { h: h.slice(), c: c.slice() });
    }
    return { h: h.slice(), c: c.slice() };
  });
}
