/**
 * The single-sequence LSTM's own wasm kernels (wasm/lstmBack.ts, wasm/lstmTape.ts) as calls on Float64Arrays, placing
 * operands in the kernels' memory as wasm.ts does (pinned parameters stay where they are).
 */
import type { WasmKernels } from './wasm';

/** Steps per call: a run's rows stay a few MiB of wasm memory however long the run. */
export const BACK_BLOCK = 128;

/**
 * The standard LSTM's one-sweep backward over steps m-1 .. 0 of a block (kernel lstmBackRun). fill(i,
 * row, dz) writes step i's [i g o tanh(c) | f | c_prev] (6H) and dL/dz (K) into views of wasm
 * memory; take(i, out) reads its [dh_from_output | dh | da_i da_f da_g da_o | dc | dc_prev | dh_prev]
 * (9H) from one. dh0, dc0 arrive at step m-1 from the future; a step i with (t0 + i + 1) % chunk == 0
 * (chunk > 0) ends a chunk and receives zeros. The views are valid only during the callback.
 */
export function lstmBackRun(
  w: WasmKernels, m: number, H: number, K: number, Why: Float64Array, Wh: readonly Float64Array[],
  dh0: Float64Array, dc0: Float64Array, t0: number, chunk: number,
  fill: (i: number, row: Float64Array, dz: Float64Array) => void,
  take: (i: number, out: Float64Array) => void,
): void {
  let bytes = 8 * (m * (15 * H + K) + 3 * H) + Why.byteLength + 16 * 16;
  for (const W of Wh) bytes += W.byteLength;
  w.begin(bytes);
  const why = w.slot(Why), whi = w.slot(Wh[0]), whf = w.slot(Wh[1]), whg = w.slot(Wh[2]), who = w.slot(Wh[3]);
  const dh = w.slot(dh0), dc = w.slot(dc0), zero = w.scratch(H);
  const inp = w.scratch(6 * H * m), dz = w.scratch(K * m), out = w.scratch(9 * H * m);
  const f64 = w.f64;
  f64.fill(0, zero >> 3, (zero >> 3) + H);
  for (let i = 0; i < m; i++) {
    const r = (inp >> 3) + 6 * H * i, z = (dz >> 3) + K * i;
    fill(i, f64.subarray(r, r + 6 * H), f64.subarray(z, z + K));
  }
  w.k.lstmBackRun(inp, dz, out, m, why, K, whi, whf, whg, who, H, dh, dc, zero, t0, chunk);
  for (let i = m - 1; i >= 0; i--) {
    const r = (out >> 3) + 9 * H * i;
    take(i, f64.subarray(r, r + 9 * H));
  }
}

/**
 * m standard LSTM steps from (h, c), in place, as WasmKernels.lstmAdvance (the same bits), also
 * writing each step's h into tape's row t ([m, H]: the first pass's tape, lstmTape.ts).
 */
export function lstmAdvanceTape(
  w: WasmKernels, bias: Float64Array, Wx: Float64Array, Wh: Float64Array, H: number, D: number, X: Float64Array, m: number, h: Float64Array, c: Float64Array, tape: Float64Array,
): void {
  w.begin(8 * (4 * H * m + 11 * H + 2 * H + H * m) + X.byteLength + Wx.byteLength + Wh.byteLength + 16 * 8);
  const xa = w.scratch(4 * H * m);
  for (let t = 0; t < m; t++) w.f64.set(bias, (xa >> 3) + 4 * H * t);
  const xp = w.slot(X), wx = w.slot(Wx), wh = w.slot(Wh), hp = w.slot(h), cp = w.slot(c);
  const s = w.scratch(11 * H), tp = w.scratch(H * m);
  w.k.gemmABt(xa, xp, wx, m, 4 * H, D);
  w.k.lstmStepsTape(xa, m, wh, H, hp, cp, s, tp);
  w.back(h, hp);
  w.back(c, cp);
  w.back(tape.subarray(0, H * m), tp);
}

/**
 * m standard LSTM steps recomputed from the h before each (h0, then tape's rows 0..m-2): their
 * pre-activations b + W_x x_t + W_h h_(t-1) as two products over all m steps (gemmABt: each element
 * the sum matVecAdd forms, so the bits of lstmStepFrom), then the gates step by step from c0
 * (lstmGatesRun). take(t, buf, f, c, h) reads step t's [a_i a_f a_g a_o | i g o tanh(c)] (8H) and f,
 * c, h from views valid during the call. X: the inputs packed [m, D]; bias, Wx, Wh stacked [4H], [4H,
 * D], [4H, H].
 */
export function lstmReplay(
  w: WasmKernels, bias: Float64Array, Wx: Float64Array, Wh: Float64Array, H: number, D: number, X: Float64Array, m: number,
  h0: Float64Array, tape: Float64Array, c0: Float64Array,
  take: (t: number, buf: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array) => void,
): void {
  w.begin(8 * (16 * H * m + H) + X.byteLength + Wx.byteLength + Wh.byteLength + 16 * 16);
  const pre = w.scratch(4 * H * m), hp = w.scratch(H * m);
  for (let t = 0; t < m; t++) w.f64.set(bias, (pre >> 3) + 4 * H * t);
  w.f64.set(h0, hp >> 3);
  w.f64.set(tape.subarray(0, H * (m - 1)), (hp >> 3) + H);
  const xp = w.slot(X), wx = w.slot(Wx), wh = w.slot(Wh), cp = w.slot(c0);
  const buf = w.scratch(8 * H * m), fo = w.scratch(H * m), co = w.scratch(H * m), ho = w.scratch(H * m);
  w.k.gemmABt(pre, xp, wx, m, 4 * H, D);
  w.k.gemmABt(pre, hp, wh, m, 4 * H, H);
  w.k.lstmGatesRun(pre, m, H, cp, buf, fo, co, ho);
  const f64 = w.f64, view = (at: number, t: number, n: number): Float64Array => f64.subarray((at >> 3) + n * t, (at >> 3) + n * (t + 1));
  for (let t = 0; t < m; t++) take(t, view(buf, t, 8 * H), view(fo, t, H), view(co, t, H), view(ho, t, H));
}
