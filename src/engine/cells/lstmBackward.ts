/**
 * The standard LSTM's backward: one step's local gradients in JavaScript (the reference, and the
 * path of small shapes), and backwardRange's sweep over a run of steps in wasm (wasm/lstmBack.ts),
 * a block of steps a call instead of several crossings a step, with the same operations in the same
 * order as LstmCell.backward under backwardRange: the same bits (tested).
 */
import type { Params } from '../types';
import { kernelsInUse, matVecInWasm } from '../linalg';
import { BACK_BLOCK, lstmBackRun } from '../kernels/wasmLstm';
import type { VecPool } from '../vecPool';
import type { BackwardStep, CellState, StepCache } from './cell';

/** The standard LSTM's local gradients into buf: [da_i da_f da_g da_o | dc | dc_prev | ·]. */
export function gradsStandard(
  H: number, gates: Record<string, Float64Array>, tc: Float64Array, cPrev: Float64Array, dh: Float64Array, dcFuture: Float64Array | undefined, buf: Float64Array,
): void {
  const { i, f, g, o } = gates;
  for (let j = 0; j < H; j++) {
    const ij = i[j], fj = f[j], gj = g[j], oj = o[j], tcj = tc[j], dhj = dh[j];
    const dcj = (dcFuture ? dcFuture[j] : 0) + dhj * oj * (1 - tcj * tcj);
    buf[j] = dcj * gj * ij * (1 - ij);
    buf[H + j] = dcj * cPrev[j] * fj * (1 - fj);
    buf[2 * H + j] = dcj * ij * (1 - gj * gj);
    buf[3 * H + j] = dhj * tcj * oj * (1 - oj);
    buf[4 * H + j] = dcj;
    buf[5 * H + j] = dcj * fj;
  }
}

/**
 * backwardRange's sweep (bptt.ts) for the standard LSTM: dh_t = W_hyᵀ dz_t + what arrives from
 * t+1, the gates' gradients, dh_prev = Σ_q W_hqᵀ da_q, with zeros arriving after a chunk's last
 * step. Each step's records are views onto one vector of 9H from pool. Null unless every product
 * backwardRange forms here would run in wasm (the JavaScript products round otherwise).
 */
export function lstmBackwardRun(
  H: number, K: number, p: Params, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState, pool: VecPool,
): BackwardStep[] | null {
  const w = kernelsInUse();
  if (!w || !matVecInWasm(K, H) || !matVecInWasm(H, H) || !dNext.c) return null;
  const n = caches.length;
  const steps: BackwardStep[] = new Array(n);
  const Wh = [p.W_hi.data, p.W_hf.data, p.W_hg.data, p.W_ho.data];
  let dh = dNext.h, dc = dNext.c;
  for (let hi = n; hi > 0; hi -= BACK_BLOCK) {
    const lo = Math.max(0, hi - BACK_BLOCK);
    const fill = (i: number, row: Float64Array, dz: Float64Array): void => {
      const cache = caches[lo + i], { gates } = cache;
      row.set(gates.i, 0);
      row.set(gates.g, H);
      row.set(gates.o, 2 * H);
      row.set(cache.aux.tanh_c, 3 * H);
      row.set(gates.f, 4 * H);
      row.set(cache.prev.c, 5 * H);
      dz.set(dzs[lo + i]);
    };
    const take = (i: number, out: Float64Array): void => {
      const v = pool.take();
      v.set(out);
      const part = (k: number): Float64Array => v.subarray(k * H, (k + 1) * H);
      const dhi = part(1), dci = part(6);
      steps[lo + i] = {
        dz: dzs[lo + i],
        dhFromOutput: part(0),
        dhFromFuture: dhi, // set below, once every step of the run is here
        dh: dhi,
        grad: { dgates: { i: part(2), f: part(3), g: part(4), o: part(5) }, dstate: { h: dhi, c: dci }, dprev: { h: part(8), c: part(7) }, dx: null },
      };
    };
    lstmBackRun(w, hi - lo, H, K, p.W_hy.data, Wh, dh, dc, t0 + lo, chunk, fill, take);
    ({ h: dh, c: dc } = steps[lo].grad.dprev);
  }
  // What arrived at each step from the future: the next step's dh_prev, zeros after a chunk's end.
  for (let i = n - 1; i >= 0; i--) {
    const cut = chunk > 0 && (t0 + i + 1) % chunk === 0;
    steps[i].dhFromFuture = cut ? new Float64Array(H) : i === n - 1 ? dNext.h : steps[i + 1].grad.dprev.h;
  }
  return steps;
}
