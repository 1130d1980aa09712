/**
 * The GRU's single-sequence step in one wasm call each way (wasm/gru.ts), the recurrent products the
 * RNN's step uses, and the GRU's and the RNN's backward sweeps (wasm/stepBack.ts), as calls on
 * Float64Arrays, placing operands in the kernels' memory as wasm.ts does (pinned parameters stay
 * where they are, the vectors cross in once and the results out once).
 */
import type { WasmKernels } from './wasm';
import { kernelsInUse } from '../linalg';

/** Steps with H·H at least this run their recurrent part here (linalg's MIN_WORK for one product). */
const STEP_MIN_WORK = 2048;

/**
 * The kernels when a single-sequence step of hidden size H runs its recurrent part in wasm (the GRU's
 * whole step, the RNN's recurrent products), else null: by the shape alone, so a step gives the
 * same bits wherever it runs (a checkpointed trace's recomputed segments, a runner, forward).
 */
export function stepKernels(H: number): WasmKernels | null {
  const w = kernelsInUse();
  return w && H * H >= STEP_MIN_WORK ? w : null;
}

/** The kernels of wasm/gru.ts and wasm/stepBack.ts (exported by the module beside wasm.ts's Exports). */
interface GruExports {
  stepMatVec(out: number, W: number, rows: number, cols: number, x: number): void;
  stepMatTVec(out: number, W: number, rows: number, cols: number, v: number): void;
  gruForward(buf: number, Whr: number, Whz: number, Whn: number, bhn: number, hPrev: number, z: number, h: number, H: number, classic: number): void;
  gruForwardRun(XA: number, m: number, OUT: number, Whr: number, Whz: number, Whn: number, bhn: number, h0: number, H: number, classic: number): void;
  rnnForwardRun(XA: number, m: number, OUT: number, Whh: number, h0: number, H: number): void;
  gruBackward(g: number, r: number, z: number, n: number, hn: number, hPrev: number, dh: number, Whr: number, Whz: number, Whn: number, H: number, classic: number): void;
  gruBackRun(IN: number, DZ: number, OUT: number, m: number, Why: number, K: number, Whr: number, Whz: number, Whn: number, H: number, dh0: number, zero: number, t0: number, chunk: number, classic: number): void;
  rnnBackRun(IN: number, DZ: number, OUT: number, m: number, Why: number, K: number, Whh: number, H: number, dh0: number, zero: number, t0: number, chunk: number): void;
}

/** Steps per gruBackRun / rnnBackRun call: a run's rows stay a few MiB of wasm memory however long the run. */
export const BACK_RUN_BLOCK = 128;

const gru = (w: WasmKernels): GruExports => w.k as unknown as GruExports;

/** The recurrent matrices W_hr, W_hz, W_hn ([H, H] each). */
export type GruRecurrent = readonly [Float64Array, Float64Array, Float64Array];

/**
 * One GRU step forward: buf = [a_r a_z a_n ax r n] (6H) whose first 3H hold the input halves
 * b_q + W_xq x on entry; ax is r⊙h_prev (classic) or b_hn + W_hn h_prev (pytorch, bhn given).
 */
export function gruForward(w: WasmKernels, buf: Float64Array, Wh: GruRecurrent, bhn: Float64Array | null, hPrev: Float64Array, z: Float64Array, h: Float64Array, H: number): void {
  w.begin(8 * 11 * H + Wh[0].byteLength + Wh[1].byteLength + Wh[2].byteLength + 16 * 12);
  const b = w.scratch(6 * H);
  w.f64.set(buf.subarray(0, 3 * H), b >> 3);
  const whr = w.slot(Wh[0]), whz = w.slot(Wh[1]), whn = w.slot(Wh[2]);
  const bh = bhn ? w.slot(bhn) : 0, hp = w.slot(hPrev);
  const zo = w.scratch(H), ho = w.scratch(H);
  gru(w).gruForward(b, whr, whz, whn, bh, hp, zo, ho, H, bhn ? 0 : 1);
  w.back(buf, b);
  w.back(z, zo);
  w.back(h, ho);
}

/**
 * m GRU steps forward from h0 (kernel gruForwardRun), their input halves b_q + W_xq x_t first as one
 * product (bias: [3H], Wx: [3H, D] stacked r z n; X: the inputs packed [m, D]; gemmABt, as
 * projectRows forms them: each element matVecAdd's sum). take(t, row) reads step t's [a_r a_z a_n ax
 * r n | z | h] (8H) from a view valid during the call. The same bits as m gruForward calls.
 */
export function gruForwardRun(
  w: WasmKernels, bias: Float64Array, Wx: Float64Array, D: number, X: Float64Array, m: number, Wh: GruRecurrent, bhn: Float64Array | null, h0: Float64Array, H: number,
  take: (t: number, row: Float64Array) => void,
): void {
  w.begin(8 * (11 * H * m + H) + X.byteLength + Wx.byteLength + Wh[0].byteLength + Wh[1].byteLength + Wh[2].byteLength + (bhn ? bhn.byteLength : 0) + 16 * 12);
  const xa = w.scratch(3 * H * m);
  for (let t = 0; t < m; t++) w.f64.set(bias, (xa >> 3) + 3 * H * t);
  const xp = w.slot(X), wx = w.slot(Wx);
  w.k.gemmABt(xa, xp, wx, m, 3 * H, D);
  const whr = w.slot(Wh[0]), whz = w.slot(Wh[1]), whn = w.slot(Wh[2]);
  const bh = bhn ? w.slot(bhn) : 0, hp = w.slot(h0);
  const out = w.scratch(8 * H * m);
  gru(w).gruForwardRun(xa, m, out, whr, whz, whn, bh, hp, H, bhn ? 0 : 1);
  const f64 = w.f64, o = out >> 3;
  for (let t = 0; t < m; t++) take(t, f64.subarray(o + 8 * H * t, o + 8 * H * (t + 1)));
}

/**
 * m tanh RNN steps forward from h0 (kernel rnnForwardRun), their input halves b_h + W_xh x_t first as
 * one product (as gruForwardRun's). take(t, row) reads step t's [a | h] (2H) from a view valid during
 * the call. The same bits as RnnCell's step m times.
 */
export function rnnForwardRun(
  w: WasmKernels, bias: Float64Array, Wx: Float64Array, D: number, X: Float64Array, m: number, Whh: Float64Array, h0: Float64Array, H: number,
  take: (t: number, row: Float64Array) => void,
): void {
  w.begin(8 * (3 * H * m + H) + X.byteLength + Wx.byteLength + Whh.byteLength + bias.byteLength + 16 * 10);
  const xa = w.scratch(H * m);
  for (let t = 0; t < m; t++) w.f64.set(bias, (xa >> 3) + H * t);
  const xp = w.slot(X), wx = w.slot(Wx);
  w.k.gemmABt(xa, xp, wx, m, H, D);
  const whh = w.slot(Whh), hp = w.slot(h0);
  const out = w.scratch(2 * H * m);
  gru(w).rnnForwardRun(xa, m, out, whh, hp, H);
  const f64 = w.f64, o = out >> 3;
  for (let t = 0; t < m; t++) take(t, f64.subarray(o + 2 * H * t, o + 2 * H * (t + 1)));
}

/**
 * One GRU step back from dh: g = [da_r da_z da_n dh_prev dmid] (5H), dmid d(r⊙h_prev) (classic) or
 * d(hn) (pytorch: hn the step's b_hn + W_hn h_prev; null in classic).
 */
export function gruBackward(
  w: WasmKernels, g: Float64Array, r: Float64Array, z: Float64Array, n: Float64Array, hn: Float64Array | null, hPrev: Float64Array, dh: Float64Array, Wh: GruRecurrent, H: number,
): void {
  w.begin(8 * 11 * H + Wh[0].byteLength + Wh[1].byteLength + Wh[2].byteLength + 16 * 12);
  const go = w.scratch(5 * H);
  w.f64.fill(0, (go >> 3) + 4 * H, (go >> 3) + 5 * H);
  const rp = w.slot(r), zp = w.slot(z), np = w.slot(n), hnp = hn ? w.slot(hn) : 0, hp = w.slot(hPrev), dp = w.slot(dh);
  const whr = w.slot(Wh[0]), whz = w.slot(Wh[1]), whn = w.slot(Wh[2]);
  gru(w).gruBackward(go, rp, zp, np, hnp, hp, dp, whr, whz, whn, H, hn ? 0 : 1);
  w.back(g, go);
}

/** out += W x (W: [rows, cols]), the sums gruForward forms for its recurrent products (tests compare the two). */
export function stepMatVec(w: WasmKernels, out: Float64Array, W: Float64Array, rows: number, cols: number, x: Float64Array): void {
  w.begin(out.byteLength + W.byteLength + x.byteLength + 64);
  const o = w.slot(out), wp = w.slot(W), xp = w.slot(x);
  gru(w).stepMatVec(o, wp, rows, cols, xp);
  w.back(out, o);
}

/** out += Wᵀ v (W: [rows, cols]), as gruBackward forms its transposed products. */
export function stepMatTVec(w: WasmKernels, out: Float64Array, W: Float64Array, rows: number, cols: number, v: Float64Array): void {
  w.begin(out.byteLength + W.byteLength + v.byteLength + 64);
  const o = w.slot(out), wp = w.slot(W), vp = w.slot(v);
  gru(w).stepMatTVec(o, wp, rows, cols, vp);
  w.back(out, o);
}

/**
 * backwardRange's sweep over steps m-1 .. 0 of a block (kernel gruBackRun). fill(i, row, dz) writes
 * step i's [r z n hn h_prev] (5H; hn zeros in classic) and dL/dz (K) into views of wasm memory;
 * take(i, out) reads its [dh_from_output | dh | da_r da_z da_n dh_prev dmid] (7H) from one. dh0
 * arrives at step m-1 from the future; a step i with (t0 + i + 1) % chunk == 0 (chunk > 0) ends a
 * chunk and receives zeros. The views are valid only during the callback.
 */
export function gruBackRun(
  w: WasmKernels, m: number, H: number, K: number, Why: Float64Array, Wh: GruRecurrent, dh0: Float64Array, t0: number, chunk: number, classic: boolean,
  fill: (i: number, row: Float64Array, dz: Float64Array) => void,
  take: (i: number, out: Float64Array) => void,
): void {
  w.begin(8 * (m * (12 * H + K) + 2 * H) + Why.byteLength + Wh[0].byteLength + Wh[1].byteLength + Wh[2].byteLength + 16 * 12);
  const why = w.slot(Why), whr = w.slot(Wh[0]), whz = w.slot(Wh[1]), whn = w.slot(Wh[2]);
  const dh = w.slot(dh0), zero = w.scratch(H);
  const inp = w.scratch(5 * H * m), dz = w.scratch(K * m), out = w.scratch(7 * H * m);
  const f64 = w.f64;
  f64.fill(0, zero >> 3, (zero >> 3) + H);
  for (let i = 0; i < m; i++) {
    const r = (inp >> 3) + 5 * H * i, z = (dz >> 3) + K * i;
    fill(i, f64.subarray(r, r + 5 * H), f64.subarray(z, z + K));
  }
  gru(w).gruBackRun(inp, dz, out, m, why, K, whr, whz, whn, H, dh, zero, t0, chunk, classic ? 1 : 0);
  for (let i = m - 1; i >= 0; i--) {
    const r = (out >> 3) + 7 * H * i;
    take(i, f64.subarray(r, r + 7 * H));
  }
}

/**
 * The tanh RNN's sweep over steps m-1 .. 0 of a block (kernel rnnBackRun), as gruBackRun: fill(i, row,
 * dz) writes step i's h_t (H) and dL/dz (K); take(i, out) reads [dh_from_output | dh | da | dh_prev] (4H).
 */
export function rnnBackRun(
  w: WasmKernels, m: number, H: number, K: number, Why: Float64Array, Whh: Float64Array, dh0: Float64Array, t0: number, chunk: number,
  fill: (i: number, row: Float64Array, dz: Float64Array) => void,
  take: (i: number, out: Float64Array) => void,
): void {
  w.begin(8 * (m * (5 * H + K) + 2 * H) + Why.byteLength + Whh.byteLength + 16 * 10);
  const why = w.slot(Why), whh = w.slot(Whh);
  const dh = w.slot(dh0), zero = w.scratch(H);
  const inp = w.scratch(H * m), dz = w.scratch(K * m), out = w.scratch(4 * H * m);
  const f64 = w.f64;
  f64.fill(0, zero >> 3, (zero >> 3) + H);
  for (let i = 0; i < m; i++) {
    const r = (inp >> 3) + H * i, z = (dz >> 3) + K * i;
    fill(i, f64.subarray(r, r + H), f64.subarray(z, z + K));
  }
  gru(w).rnnBackRun(inp, dz, out, m, why, K, whh, H, dh, zero, t0, chunk);
  for (let i = m - 1; i >= 0; i--) {
    const r = (out >> 3) + 4 * H * i;
    take(i, f64.subarray(r, r + 4 * H));
  }
}
