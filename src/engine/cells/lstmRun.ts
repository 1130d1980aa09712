/**
 * The standard LSTM run without records: a checkpointed trace's first pass needs only the state at
 * each segment's start, so the steps run in wasm in blocks, the input halves b_q + W_xq x_t of a
 * block as one matrix product, h and c never leaving wasm memory between steps. Every number is
 * the one LstmCell.forward computes (the same sums in the same order; tested).
 */
import type { Params } from '../types';
import { kernelsInUse, lstmAdvanceWasm, lstmInWasm, pinArrays, projectRowsWasm, withResident } from '../linalg';
import { lstmAdvance as advanceInWasm, lstmReplay } from '../kernels/wasmLstm';
import type { CellState, Replay, StepCache, StepRunner, TapeRecord } from './cell';

/** Steps per block: the block's inputs and input halves stay a few hundred KiB. */
const BLOCK = 64;

/** The four gates' biases and matrices stacked ([4H], [4H, D], [4H, H]) in the order i, f, g, o. */
function stacked(p: Params, H: number, D: number): { bias: Float64Array; Wx: Float64Array; Wh: Float64Array } {
  const gates = ['i', 'f', 'g', 'o'];
  return { bias: stack(p, gates.map((q) => `b_${q}`), H, 1), Wx: stack(p, gates.map((q) => `W_x${q}`), H, D), Wh: stack(p, gates.map((q) => `W_h${q}`), H, H) };
}

/** The four gates' matrices stacked ([4H, cols]) in the order i, f, g, o. */
function stack(p: Params, names: string[], rows: number, cols: number): Float64Array {
  const out = new Float64Array(names.length * rows * cols);
  names.forEach((n, q) => out.set(p[n].data, q * rows * cols));
  return out;
}

/**
 * Runs inputs[from..to) from s0, calling keep(i, state) after each step i with want(i) (the state
 * is the caller's to keep), and record(i0, hs) after each block with its steps' h (Cell.advance).
 * Returns the state after the last step, or null where the step would not run in wasm (small shapes,
 * or no WebAssembly): the caller then unrolls.
 */
export function lstmAdvance(
  H: number, D: number, p: Params, inputs: readonly Float64Array[], s0: CellState, from: number, to: number,
  want: (i: number) => boolean, keep: (i: number, state: CellState) => void, record?: TapeRecord,
): CellState | null {
  const w = kernelsInUse();
  if (!w || !lstmInWasm(H, D)) return null;
  const { bias, Wx, Wh } = stacked(p, H, D);
  const h = Float64Array.from(s0.h), c = Float64Array.from(s0.c);
  const X = new Float64Array(BLOCK * D), tape = record ? new Float64Array(BLOCK * H) : null;
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
      if (tape) {
        advanceInWasm(w, bias, Wx, Wh, H, D, X.subarray(0, m * D), m, h, c, tape);
        (record as TapeRecord)(i, tape.subarray(0, m * H));
      } else if (!lstmAdvanceWasm(bias, Wx, Wh, H, D, X.subarray(0, m * D), m, h, c)) return null;
      i += m;
      if (want(i - 1)) keep(i - 1, { h: h.slice(), c: c.slice() });
    }
    return { h: h.slice(), c: c.slice() };
  });
}

/**
 * The standard LSTM's replay from a tape (Cell.replayer): a block of steps' pre-activations as two
 * products and the gates step by step (lstmReplay), each step's vectors handed to cacheOf (the cell's
 * record of a step from wasm views: it copies them). Null where the step would not run in wasm.
 */
export function lstmReplayer(
  H: number, D: number, p: Params,
  cacheOf: (x: Float64Array, prev: CellState, buf: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array) => StepCache,
): Replay | null {
  const w = kernelsInUse();
  if (!w || !lstmInWasm(H, D)) return null;
  const { bias, Wx, Wh } = stacked(p, H, D);
  const X = new Float64Array(REPLAY_BLOCK * D);
  return (inputs, s0, tape, from, to) => {
    const caches: StepCache[] = [];
    let prev = s0;
    for (let lo = from; lo < to; lo += REPLAY_BLOCK) {
      const m = Math.min(REPLAY_BLOCK, to - lo);
      for (let t = 0; t < m; t++) X.set(inputs[lo + t], t * D);
      lstmReplay(w, bias, Wx, Wh, H, D, X.subarray(0, m * D), m, prev.h, tape.subarray((lo - from) * H), prev.c, (t, buf, f, c, h) => {
        const cache = cacheOf(inputs[lo + t], prev, buf, f, c, h);
        caches.push(cache);
        prev = cache.state;
      });
    }
    return caches;
  };
}

/** Steps a replay's call: its pre-activations and gates stay a few MiB of wasm memory. */
const REPLAY_BLOCK = 256;

/**
 * The standard LSTM's steps over inputs[from..to) with every step's records (Cell.runner): the input
 * halves b_q + W_xq x_t of a block of steps as one product, then each step from its row (stepFrom:
 * the cell's step given xa and the stacked W_h). Null where the step would not run in wasm.
 */
export function lstmRunner(
  H: number, D: number, p: Params, inputs: readonly Float64Array[], from: number, to: number,
  stepFrom: (x: Float64Array, prev: CellState, xa: Float64Array, Wh: Float64Array) => StepCache,
): StepRunner | null {
  if (!lstmInWasm(H, D)) return null;
  const { bias, Wx, Wh } = stacked(p, H, D);
  return projectedRunner(4 * H, D, bias, Wx, [Wh], inputs, from, to, (x, prev, xa) => stepFrom(x, prev, xa, Wh));
}

/**
 * A runner whose steps start from their input halves: XA[t] = bias + Wx x_t ([rows], Wx: [rows, D])
 * for a block of steps at a time as one product (projectRowsWasm: each element matVecAdd's sum),
 * handed to stepFrom with the step's input. The caller checks that its steps' products run in wasm.
 * Wx, bias and `pinned` stay resident in wasm memory until release.
 */
export function projectedRunner(
  rows: number, D: number, bias: Float64Array, Wx: Float64Array, pinned: Float64Array[], inputs: readonly Float64Array[], from: number, to: number,
  stepFrom: (x: Float64Array, prev: CellState, xa: Float64Array) => StepCache,
): StepRunner {
  const release = pinArrays([bias, Wx, ...pinned]);
  const X = new Float64Array(BLOCK * D), XA = new Float64Array(BLOCK * rows);
  let lo = 0, hi = 0; // the block of steps whose input halves XA holds
  return {
    step(i: number, prev: CellState): StepCache {
      if (i < lo || i >= hi) {
        lo = i;
        hi = Math.min(to, i + BLOCK, inputs.length);
        for (let t = lo; t < hi; t++) X.set(inputs[t], (t - lo) * D);
        projectRowsWasm(XA, bias, Wx, rows, D, X.subarray(0, (hi - lo) * D), hi - lo);
      }
      return stepFrom(inputs[i], prev, XA.subarray((i - lo) * rows, (i - lo + 1) * rows));
    },
    release,
  };
}

/** The gates' biases and input matrices stacked in the order given ([n·H], [n·H, D]). */
export function stackedInputs(p: Params, gates: string[], H: number, D: number): { bias: Float64Array; Wx: Float64Array } {
  return { bias: stack(p, gates.map((q) => `b_${q}`), H, 1), Wx: stack(p, gates.map((q) => `W_x${q}`), H, D) };
}
