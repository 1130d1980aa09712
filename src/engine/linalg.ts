/**
 * Dense kernels on row-major Float64Arrays. No allocation: callers own every buffer.
 *
 * Each product runs in WebAssembly SIMD (kernels/wasm.ts) when it is large enough to pay for the
 * call, else in plain JavaScript (kernels/js.ts, the reference); the two give the same sums up to
 * rounding (tested to 1e-12 relative). A pass over fixed parameters wraps itself in withParams, so
 * the matrices stay resident in wasm memory and each product copies only its vectors.
 */
import type { Params } from './types';
import * as js from './kernels/js';
import type { WasmKernels } from './kernels/wasm';
import { instantiateKernels, wasmKernels } from './kernels/wasmLoad';

export { gemmStrided, outerAdd } from './kernels/js';

export type KernelChoice = 'auto' | 'simd' | 'js';
let wasm: WasmKernels | null = wasmKernels();
let simdOnly: WasmKernels | null | undefined;

/**
 * 'js' forces the JavaScript kernels and 'simd' the WebAssembly build without fused multiply-adds
 * (for comparison); 'auto' uses WebAssembly where it pays, its relaxed SIMD build where the runtime
 * accepts it.
 */
export function setKernels(choice: KernelChoice): void {
  if (choice === 'simd') wasm = simdOnly === undefined ? (simdOnly = instantiateKernels('simd')) : simdOnly;
  else wasm = choice === 'js' ? null : wasmKernels();
}

/** Whether the WebAssembly kernels are in use. */
export function usingWasm(): boolean {
  return wasm !== null;
}

/** The WebAssembly kernels in use, or null: for a cell's own kernel wrappers (kernels/wasmLstm.ts). */
export function kernelsInUse(): WasmKernels | null {
  return wasm;
}

/** The kernels in use: 'relaxed' (WebAssembly with fused multiply-adds), 'simd' (WebAssembly), 'js'. */
export function kernelBuild(): 'relaxed' | 'simd' | 'js' {
  return wasm ? wasm.build : 'js';
}

/**
 * Products of at least this many multiply-adds run in wasm, smaller ones in JavaScript (the call and
 * copies cost more). The choice depends on the shapes alone, never on what is resident, so a
 * product gives the same bits wherever it runs (the checkpointed trace relies on that).
 */
const MIN_WORK = 2048;

/**
 * Whether a product of `work` multiply-adds runs in wasm. Copying a matrix costs far less than its
 * product in JavaScript (measured: a 256x256 product copied per call still ran 3x faster than the
 * JavaScript loop), so residency only makes it faster.
 */
function pays(w: WasmKernels | null, work: number): w is WasmKernels {
  return w !== null && work >= MIN_WORK;
}

/**
 * Runs f with the parameters' arrays resident in WebAssembly memory, so every product over them
 * copies only its vectors. The arrays must not change while f runs (the copy would be stale).
 */
export function withParams<T>(p: Params, f: () => T): T {
  const w = wasm;
  if (!w) return f();
  const mark = w.pin(Object.values(p).map((t) => t.data));
  try {
    return f();
  } finally {
    w.release(mark);
  }
}

/** Runs f with the given arrays resident (see withParams). */
export function withResident<T>(arrays: Float64Array[], f: () => T): T {
  const w = wasm;
  if (!w) return f();
  const mark = w.pin(arrays);
  try {
    return f();
  } finally {
    w.release(mark);
  }
}

/** out[i] += sum_j W[i,j] x[j]    W: [rows, cols] · x: [cols] -> out: [rows]. */
export function matVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, x: Float64Array): void {
  if (pays(wasm, rows * cols)) wasm.matVecAdd(out, W, rows, cols, x);
  else js.matVecAdd(out, W, rows, cols, x);
}

/** outA += A x, outB += B x, with A and B both [rows, cols]: two products over one x. */
export function matVecAdd2(outA: Float64Array, A: Float64Array, outB: Float64Array, B: Float64Array, rows: number, cols: number, x: Float64Array): void {
  if (pays(wasm, 2 * rows * cols)) wasm.matVecAdd2(outA, A, outB, B, rows, cols, x);
  else js.matVecAdd2(outA, A, outB, B, rows, cols, x);
}

/** out[j] += sum_i W[i,j] v[i]    W^T: [cols, rows] · v: [rows] -> out: [cols]. */
export function matTVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, v: Float64Array): void {
  if (pays(wasm, rows * cols)) wasm.matTVecAdd(out, W, rows, cols, v);
  else js.matTVecAdd(out, W, rows, cols, v);
}

/** out[j] += sum_i A[i,j] u[i] + B[i,j] v[i]: two transposed products into one output. */
export function matTVecAdd2(out: Float64Array, A: Float64Array, u: Float64Array, B: Float64Array, v: Float64Array, rows: number, cols: number): void {
  if (pays(wasm, 2 * rows * cols)) wasm.matTVecAdd2(out, A, u, B, v, rows, cols);
  else js.matTVecAdd2(out, A, u, B, v, rows, cols);
}

/**
 * A gated cell's pre-activations in one call: row q of out ([n·H]) = b_q + W_xq x + W_hq h, with
 * W_xq: [H,D], W_hq: [H,H]. Each row is the same sums as matVecAdd twice, in wasm or JavaScript by
 * the shapes alone.
 */
export function affineRows(out: Float64Array, bs: readonly Float64Array[], Wx: readonly Float64Array[], Wh: readonly Float64Array[], H: number, D: number, x: Float64Array, h: Float64Array): void {
  if (pays(wasm, H * Math.min(D, H))) {
    wasm.affineRows(out, bs, Wx, Wh, H, D, x, h);
    return;
  }
  for (let q = 0; q < bs.length; q++) {
    const row = out.subarray(q * H, (q + 1) * H);
    row.set(bs[q]);
    js.matVecAdd(row, Wx[q], H, D, x);
    js.matVecAdd(row, Wh[q], H, H, h);
  }
}

/** out += Σ_q W_qᵀ v_q with every W_q: [rows, cols], each term as matTVecAdd, in order. */
export function matTVecAddMany(out: Float64Array, Ws: readonly Float64Array[], vs: readonly Float64Array[], rows: number, cols: number): void {
  if (pays(wasm, rows * cols)) wasm.matTVecAddMany(out, Ws, vs, rows, cols);
  else for (let q = 0; q < Ws.length; q++) js.matTVecAdd(out, Ws[q], rows, cols, vs[q]);
}

/** G[i,j] += sum_t A[t,i] B[t,j]    A: [n, rows], B: [n, cols] packed row-major -> G: [rows, cols]. */
export function gemmAtB(G: Float64Array, A: Float64Array, B: Float64Array, n: number, rows: number, cols: number): void {
  if (pays(wasm, n * rows * cols)) wasm.gemmAtB(G, A, B, n, rows, cols);
  else js.gemmAtB(G, A, B, n, rows, cols);
}

/** G[i,j] += sum_r A[r*lda + i] B[r*ldb + j] over n rows: gemmAtB over column ranges of wider rows. */
export function gemmAtBStrided(G: Float64Array, A: Float64Array, lda: number, B: Float64Array, ldb: number, n: number, rows: number, cols: number): void {
  if (pays(wasm, n * rows * cols)) wasm.gemmAtBStrided(G, A, lda, B, ldb, n, rows, cols);
  else js.gemmStrided(G, cols, A, 1, lda, B, 1, ldb, rows, cols, n);
}

/** C[m,n] += A[m,k] · W[n,k]ᵀ, all row-major: rows of A against rows of W. */
export function gemmABt(C: Float64Array, A: Float64Array, W: Float64Array, m: number, n: number, k: number): void {
  if (pays(wasm, m * n * k)) wasm.gemmABt(C, A, W, m, n, k);
  else js.gemmABt(C, A, W, m, n, k);
}

/** C[m,n] += A[m,k] · W[k,n], all row-major. */
export function gemmAB(C: Float64Array, A: Float64Array, W: Float64Array, m: number, k: number, n: number): void {
  if (pays(wasm, m * n * k)) wasm.gemmAB(C, A, W, m, k, n);
  else js.gemmAB(C, A, W, m, k, n);
}

/** out += v */
export function addInto(out: Float64Array, v: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] += v[i];
}

/** ||v||_2. The plain sum of squares, unless it overflows or underflows: then scaled by max |v_i|. */
export function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s < Number.MAX_VALUE && s > 1e-290) return Math.sqrt(s); // also false for NaN, which falls through
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  if (m === 0 || !Number.isFinite(m)) return m; // 0, Infinity or NaN, as the plain sum would say
  let r = 0;
  for (let i = 0; i < v.length; i++) r += (v[i] / m) * (v[i] / m);
  return m * Math.sqrt(r);
}

export function sigmoid(a: number): number {
  // Stable on both tails.
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

// --- The single-sequence trace's steps (owner: trace) ---

/**
 * One standard LSTM step in wasm when its affine part would run there (affineRows' shape rule):
 * buf = [a_i a_f a_g a_o | i g o tanh(c)], f, c, h written, with the same bits as affineRows and
 * cells/lstm.ts's gate loop (the wasm exp and tanh are fdlibm's, as V8's Math.exp and Math.tanh).
 * Returns false, doing nothing, where the step belongs to JavaScript.
 */
export function lstmStepWasm(buf: Float64Array, bs: readonly Float64Array[], Wx: readonly Float64Array[], Wh: readonly Float64Array[], H: number, D: number, x: Float64Array, hPrev: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): boolean {
  if (!pays(wasm, H * Math.min(D, H))) return false;
  wasm.lstmStep(buf, bs, Wx, Wh, H, D, x, hPrev, cPrev, f, c, h);
  return true;
}

/**
 * m standard LSTM steps from (h, c), in place, keeping no step's vectors, in wasm where lstmStepWasm
 * would run the step there (else false, nothing done). X: the inputs packed [m, D]; Wx, Wh, bias:
 * the four gates' W_xq, W_hq, b_q stacked ([4H, D], [4H, H], [4H]). The same bits as m lstmStepWasm.
 */
export function lstmAdvanceWasm(bias: Float64Array, Wx: Float64Array, Wh: Float64Array, H: number, D: number, X: Float64Array, m: number, h: Float64Array, c: Float64Array): boolean {
  if (!pays(wasm, H * Math.min(D, H))) return false;
  wasm.lstmAdvance(bias, Wx, Wh, H, D, X, m, h, c);
  return true;
}

/** Whether an LSTM step of these sizes runs in wasm (lstmStepWasm, lstmAdvanceWasm, lstmStepFromWasm). */
export function lstmInWasm(H: number, D: number): boolean {
  return pays(wasm, H * Math.min(D, H));
}

/** Whether matrix-vector products of [H, D] run in wasm (matVecAdd's rule): a GRU's runner applies then. */
export function matVecInWasm(H: number, D: number): boolean {
  return pays(wasm, H * D);
}

/** Keeps the arrays resident in wasm memory until the returned release is called (pins nest as a stack). */
export function pinArrays(arrays: Float64Array[]): () => void {
  const w = wasm;
  if (!w) return () => undefined;
  const mark = w.pin(arrays);
  return () => w.release(mark);
}

/**
 * An LSTM's input halves for m steps, XA[t] = bias + W x_t (W: the gates' W_xq stacked [rows, cols],
 * X: the inputs packed [m, cols]), in one product whose elements are the sums lstmStepWasm forms.
 * Only where lstmInWasm (the caller checks).
 */
export function projectRowsWasm(XA: Float64Array, bias: Float64Array, W: Float64Array, rows: number, cols: number, X: Float64Array, m: number): void {
  (wasm as WasmKernels).projectRows(XA, bias, W, rows, cols, X, m);
}

/** One standard LSTM step from its input halves (projectRowsWasm), as lstmStepWasm. Only where lstmInWasm. */
export function lstmStepFromWasm(buf: Float64Array, xa: Float64Array, Wh: Float64Array, H: number, hPrev: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): void {
  (wasm as WasmKernels).lstmStepFrom(buf, xa, Wh, H, hPrev, cPrev, f, c, h);
}

/**
 * G += Σ over runs [lo, hi) (in order) of A[lo..hi)ᵀ B[lo..hi), A: [n, rows], B: [n, cols] packed:
 * each run the same sums as gemmAtB over its rows alone, G crossing into wasm once for all runs.
 * Returns false, doing nothing, unless every run's product would run in wasm.
 */
export function gemmAtBRuns(G: Float64Array, A: Float64Array, B: Float64Array, runs: readonly (readonly [number, number])[], rows: number, cols: number): boolean {
  if (!wasm || runs.some(([lo, hi]) => !pays(wasm, (hi - lo) * rows * cols))) return false;
  wasm.gemmAtBRuns(G, A, B, runs, rows, cols);
  return true;
}

/**
 * The standard LSTM's gates over a batch's [B, 4H] block of pre-activations (rows a_i a_f a_g a_o),
 * replaced by the gates i f g o; c = f⊙c_prev + i⊙g, tc = tanh(c), h = o⊙tc. The same bits in wasm
 * (fdlibm's exp and tanh, as V8's) as in this loop.
 */
export function lstmGatesRows(A: Float64Array, cPrev: Float64Array, c: Float64Array, tc: Float64Array, h: Float64Array, B: number, H: number): void {
  if (wasm && B * H >= 16) {
    wasm.lstmGatesRows(A, cPrev, c, tc, h, B, H);
    return;
  }
  for (let b = 0; b < B; b++) {
    const r = 4 * b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(A[r + j]), f = sigmoid(A[r + H + j]), g = Math.tanh(A[r + 2 * H + j]), o = sigmoid(A[r + 3 * H + j]);
      A[r + j] = i;
      A[r + H + j] = f;
      A[r + 2 * H + j] = g;
      A[r + 3 * H + j] = o;
      const k = b * H + j;
      c[k] = f * cPrev[k] + i * g;
      tc[k] = Math.tanh(c[k]);
      h[k] = o * tc[k];
    }
  }
}

/** out[i] = tanh(a[i]): Math.tanh's bits, in wasm for long vectors (out may be a). */
export function tanhInto(out: Float64Array, a: Float64Array): void {
  if (wasm && a.length >= 16) wasm.mapInto('tanh', out, a);
  else for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]);
}

/** out[i] = exp(a[i]): Math.exp's bits, in wasm for long vectors (out may be a). */
export function expInto(out: Float64Array, a: Float64Array): void {
  if (wasm && a.length >= 16) wasm.mapInto('exp', out, a);
  else for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
}

/** out[i] = sigmoid(a[i]): the same bits as sigmoid above, in wasm for long vectors (out may be a). */
export function sigmoidInto(out: Float64Array, a: Float64Array): void {
  if (wasm && a.length >= 16) wasm.mapInto('sigmoid', out, a);
  else for (let i = 0; i < a.length; i++) out[i] = sigmoid(a[i]);
}
