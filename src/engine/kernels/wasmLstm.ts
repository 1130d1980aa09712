/**
 * The standard LSTM's own wasm kernels (wasm/gates.ts's steps, wasm/lstmBack.ts, wasm/lstmTape.ts)
 * as calls on Float64Arrays, placing operands in the kernels' memory as wasm.ts does (pinned
 * parameters stay where they are): a step, m steps without records (optionally keeping each h),
 * a step from its input halves, a batch's gates, the backward sweep and the checkpointed replay.
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

/**
 * One standard LSTM step (cells/lstm.ts): buf = [b_q + W_xq x + W_hq h_prev]_q as affineRows
 * forms it, then the gates (lstmGates: fdlibm's exp and tanh, Math.exp's and Math.tanh's bits)
 * into buf's second half, f, c and h. x, h_prev and c_prev cross in once, the results out once.
 */
export function lstmStep(w: WasmKernels, buf: Float64Array, bs: readonly Float64Array[], Wx: readonly Float64Array[], Wh: readonly Float64Array[], H: number, D: number, x: Float64Array, hPrev: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): void {
  let bytes = 8 * (11 * H + D + 2 * H);
  for (let q = 0; q < 4; q++) bytes += Wx[q].byteLength + Wh[q].byteLength;
  w.begin(bytes + 16 * 16);
  const b = w.scratch(8 * H);
  for (let q = 0; q < 4; q++) w.f64.set(bs[q], (b >> 3) + q * H);
  const xp = w.slot(x), hp = w.slot(hPrev), cp = w.slot(cPrev);
  for (let q = 0; q < 4; q++) {
    const row = b + q * H * 8;
    w.k.matVecAdd(row, w.slot(Wx[q]), H, D, xp);
    w.k.matVecAdd(row, w.slot(Wh[q]), H, H, hp);
  }
  const fo = w.scratch(H), co = w.scratch(H), ho = w.scratch(H);
  w.k.lstmGates(b, cp, fo, co, ho, H);
  w.back(buf, b);
  w.back(f, fo);
  w.back(c, co);
  w.back(h, ho);
}

/**
 * m standard LSTM steps from (h, c), updated in place, keeping no step's vectors but, given a tape,
 * each step's h in its row t ([m, H]: the checkpointed trace's first pass): the input halves
 * b_q + W_xq x_t of all m steps as one product (gemmABt: each element the same sums as matVecAdd),
 * then the steps (lstmSteps). X: the m inputs packed [m, D]; Wx, Wh: the gates' matrices stacked
 * [4H, D], [4H, H]; bias: the four b_q, [4H].
 */
export function lstmAdvance(
  w: WasmKernels, bias: Float64Array, Wx: Float64Array, Wh: Float64Array, H: number, D: number, X: Float64Array, m: number, h: Float64Array, c: Float64Array, tape: Float64Array | null,
): void {
  w.begin(8 * (4 * H * m + 11 * H + 2 * H + (tape ? H * m : 0)) + X.byteLength + Wx.byteLength + Wh.byteLength + 16 * 8);
  const xa = w.scratch(4 * H * m);
  for (let t = 0; t < m; t++) w.f64.set(bias, (xa >> 3) + 4 * H * t);
  const xp = w.slot(X), wx = w.slot(Wx), wh = w.slot(Wh), hp = w.slot(h), cp = w.slot(c);
  const s = w.scratch(11 * H), tp = tape ? w.scratch(H * m) : 0;
  w.k.gemmABt(xa, xp, wx, m, 4 * H, D);
  w.k.lstmSteps(xa, m, wh, H, hp, cp, s, tp);
  w.back(h, hp);
  w.back(c, cp);
  if (tape) w.back(tape.subarray(0, H * m), tp);
}

/**
 * One standard LSTM step from its input halves xa = [b_q + W_xq x]_q ([4H], projectRows): buf =
 * xa + W_h h_prev (Wh: the W_hq stacked, [4H, H]; each row matVecAdd's sum), then the gates, as
 * lstmStep computes them.
 */
export function lstmStepFrom(w: WasmKernels, buf: Float64Array, xa: Float64Array, Wh: Float64Array, H: number, hPrev: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): void {
  w.begin(8 * 13 * H + Wh.byteLength + 16 * 8);
  const b = w.scratch(8 * H);
  w.f64.set(xa, b >> 3);
  const hp = w.slot(hPrev), cp = w.slot(cPrev), wh = w.slot(Wh);
  w.k.matVecAdd(b, wh, 4 * H, H, hp);
  const fo = w.scratch(H), co = w.scratch(H), ho = w.scratch(H);
  w.k.lstmGates(b, cp, fo, co, ho, H);
  w.back(buf, b);
  w.back(f, fo);
  w.back(c, co);
  w.back(h, ho);
}

/** The standard LSTM's gates over a [B, 4H] block of pre-activations, in place, and c, tanh(c), h (kernel lstmGatesRows). */
export function lstmGatesRows(w: WasmKernels, A: Float64Array, cPrev: Float64Array, c: Float64Array, tc: Float64Array, h: Float64Array, B: number, H: number): void {
  w.begin(A.byteLength + 4 * cPrev.byteLength + 128);
  const a = w.slot(A), cp = w.slot(cPrev), co = w.scratch(B * H), to = w.scratch(B * H), ho = w.scratch(B * H);
  w.k.lstmGatesRows(a, cp, co, to, ho, B, H);
  w.back(A, a);
  w.back(c, co);
  w.back(tc, to);
  w.back(h, ho);
}
