/**
 * The GRU's (both variants) and the tanh RNN's backward sweeps over a run of steps in wasm
 * (wasm/stepBack.ts): a block of steps a call instead of two crossings and a dozen vectors a step,
 * with the same operations in the same order as the cell's backward under bptt.ts's backwardRange:
 * the same bits (tested record by record).
 */
import type { Params } from '../types';
import { matVecInWasm } from '../linalg';
import { BACK_RUN_BLOCK, gruBackRun, rnnBackRun, stepKernels, type GruRecurrent } from '../kernels/wasmGru';
import type { VecPool } from '../vecPool';
import type { BackwardStep, CellState, StepCache } from './cell';

/** A block's fill and take as gruBackRun and rnnBackRun call them (i: the step's index in the block). */
type Fill = (i: number, row: Float64Array, dz: Float64Array) => void;
type Take = (i: number, out: Float64Array) => void;

/**
 * The block loop both sweeps share: blocks of BACK_RUN_BLOCK steps from the run's end down, each one
 * call run(lo, m, dh, fill, take) with dh arriving at its last step (the block above's first dh_prev);
 * fill and take here see the step's index in the whole run, take returning its record.
 */
function blockSweep(n: number, dh0: Float64Array, fill: Fill, take: (i: number, out: Float64Array) => BackwardStep, run: (lo: number, m: number, dh: Float64Array, fill: Fill, take: Take) => void): BackwardStep[] {
  const steps: BackwardStep[] = new Array(n);
  let dh = dh0;
  for (let hi = n; hi > 0; hi -= BACK_RUN_BLOCK) {
    const lo = Math.max(0, hi - BACK_RUN_BLOCK);
    run(lo, hi - lo, dh, (i, row, dz) => fill(lo + i, row, dz), (i, out) => (steps[lo + i] = take(lo + i, out)));
    dh = steps[lo].grad.dprev.h;
  }
  return steps;
}

/**
 * backwardRange's sweep for the GRU: dh_t = W_hyᵀ dz_t + what arrives from t+1, the step's
 * gradients, zeros arriving after a chunk's last step. Each step's records are views onto one vector
 * of 7H from pool. Null unless every product backwardRange forms here would run in wasm with these
 * kernels (the step's, and the output layer's W_hyᵀ dz as matTVecAdd forms it there).
 */
export function gruBackwardRun(
  H: number, K: number, classic: boolean, p: Params, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState, pool: VecPool,
): BackwardStep[] | null {
  const w = stepKernels(H);
  if (!w || !matVecInWasm(K, H)) return null;
  const Wh: GruRecurrent = [p.W_hr.data, p.W_hz.data, p.W_hn.data];
  const fill = (i: number, row: Float64Array, dz: Float64Array): void => {
    const cache = caches[i], { gates } = cache;
    row.set(gates.r, 0);
    row.set(gates.z, H);
    row.set(gates.n, 2 * H);
    if (!classic) row.set(cache.aux.hn, 3 * H);
    row.set(cache.prev.h, 4 * H);
    dz.set(dzs[i]);
  };
  const take = (i: number, out: Float64Array): BackwardStep => {
    const v = pool.take();
    v.set(out);
    const part = (k: number): Float64Array => v.subarray(k * H, (k + 1) * H);
    const dhi = part(1);
    const dgates: Record<string, Float64Array> = classic ? { r: part(2), z: part(3), n: part(4) } : { r: part(2), z: part(3), n: part(4), hn: part(6) };
    // dhFromFuture is set by linkFuture, once every step of the run is here.
    return { dz: dzs[i], dhFromOutput: part(0), dhFromFuture: dhi, dh: dhi, grad: { dgates, dstate: { h: dhi }, dprev: { h: part(5) }, dx: null } };
  };
  const steps = blockSweep(caches.length, dNext.h, fill, take, (lo, m, dh, f, t) => gruBackRun(w, m, H, K, p.W_hy.data, Wh, dh, t0 + lo, chunk, classic, f, t));
  return linkFuture(steps, H, t0, chunk, dNext);
}

/** The tanh RNN's sweep as gruBackwardRun's: each step's records views onto one vector of 4H from pool. */
export function rnnBackwardRun(H: number, K: number, p: Params, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState, pool: VecPool): BackwardStep[] | null {
  const w = stepKernels(H);
  if (!w || !matVecInWasm(K, H)) return null;
  const fill = (i: number, row: Float64Array, dz: Float64Array): void => {
    row.set(caches[i].h);
    dz.set(dzs[i]);
  };
  const take = (i: number, out: Float64Array): BackwardStep => {
    const v = pool.take();
    v.set(out);
    const part = (k: number): Float64Array => v.subarray(k * H, (k + 1) * H);
    const dhi = part(1);
    return { dz: dzs[i], dhFromOutput: part(0), dhFromFuture: dhi, dh: dhi, grad: { dgates: { a: part(2) }, dstate: { h: dhi }, dprev: { h: part(3) }, dx: null } };
  };
  const steps = blockSweep(caches.length, dNext.h, fill, take, (lo, m, dh, f, t) => rnnBackRun(w, m, H, K, p.W_hy.data, p.W_hh.data, dh, t0 + lo, chunk, f, t));
  return linkFuture(steps, H, t0, chunk, dNext);
}

/** What arrived at each step from the future: the next step's dh_prev, zeros after a chunk's end. */
function linkFuture(steps: BackwardStep[], H: number, t0: number, chunk: number, dNext: CellState): BackwardStep[] {
  const n = steps.length;
  for (let i = n - 1; i >= 0; i--) {
    const cut = chunk > 0 && (t0 + i + 1) % chunk === 0;
    steps[i].dhFromFuture = cut ? new Float64Array(H) : i === n - 1 ? dNext.h : steps[i + 1].grad.dprev.h;
  }
  return steps;
}
