/**
 * Dense kernels on row-major Float64Arrays. No allocation: callers own every buffer.
 *
 * Each product runs in WebAssembly SIMD (kernels/wasm.ts) when it is large enough to pay for the
 * call, else in plain JavaScript (kernels/js.ts, the reference); the two give the same sums up to
 * rounding (tested to 1e-12 relative). A pass over fixed parameters wraps itself in withParams, so
 * the matrices stay resident in wasm memory and each product copies only its vectors.
 *
 * Beside the products, re-exported from their own modules so callers import one place: the kernel
 * choice and residency (kernelChoice.ts), element-wise maps (mapKernels.ts) and the cells' steps
 * as single wasm calls (stepKernels.ts).
 */
import * as js from './kernels/js';
import { kernelsInUse, pays } from './kernelChoice';

export { gemmStrided, outerAdd } from './kernels/js';
export { kernelBuild, kernelsInUse, pinArrays, setKernels, usingWasm, withParams, withResident, type KernelChoice } from './kernelChoice';
export { expInto, sigmoid, sigmoidInto, tanhInto } from './mapKernels';
export { lstmAdvanceWasm, lstmGatesRows, lstmInWasm, lstmStepFromWasm, lstmStepWasm, matVecInWasm, projectRowsWasm } from './stepKernels';

/** out[i] += sum_j W[i,j] x[j]    W: [rows, cols] · x: [cols] -> out: [rows]. */
export function matVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, x: Float64Array): void {
  const wasm = kernelsInUse();
  if (pays(wasm, rows * cols)) wasm.matVecAdd(out, W, rows, cols, x);
  else js.matVecAdd(out, W, rows, cols, x);
}

/** outA += A x, outB += B x, with A and B both [rows, cols]: two products over one x. */
export function matVecAdd2(outA: Float64Array, A: Float64Array, outB: Float64Array, B: Float64Array, rows: number, cols: number, x: Float64Array): void {
  const wasm = kernelsInUse();
  if (pays(wasm, 2 * rows * cols)) wasm.matVecAdd2(outA, A, outB, B, rows, cols, x);
  else js.matVecAdd2(outA, A, outB, B, rows, cols, x);
}

/** out[j] += sum_i W[i,j] v[i]    W^T: [cols, rows] · v: [rows] -> out: [cols]. */
export function matTVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, v: Float64Array): void {
  const wasm = kernelsInUse();
  if (pays(wasm, rows * cols)) wasm.matTVecAdd(out, W, rows, cols, v);
  else js.matTVecAdd(out, W, rows, cols, v);
}

/** out[j] += sum_i A[i,j] u[i] + B[i,j] v[i]: two transposed products into one output. */
export function matTVecAdd2(out: Float64Array, A: Float64Array, u: Float64Array, B: Float64Array, v: Float64Array, rows: number, cols: number): void {
  const wasm = kernelsInUse();
  if (pays(wasm, 2 * rows * cols)) wasm.matTVecAdd2(out, A, u, B, v, rows, cols);
  else js.matTVecAdd2(out, A, u, B, v, rows, cols);
}

/**
 * A gated cell's pre-activations in one call: row q of out ([n·H]) = b_q + W_xq x + W_hq h, with
 * W_xq: [H,D], W_hq: [H,H]. Each row is the same sums as matVecAdd twice, in wasm or JavaScript by
 * the shapes alone.
 */
export function affineRows(out: Float64Array, bs: readonly Float64Array[], Wx: readonly Float64Array[], Wh: readonly Float64Array[], H: number, D: number, x: Float64Array, h: Float64Array): void {
  const wasm = kernelsInUse();
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
  const wasm = kernelsInUse();
  if (pays(wasm, rows * cols)) wasm.matTVecAddMany(out, Ws, vs, rows, cols);
  else for (let q = 0; q < Ws.length; q++) js.matTVecAdd(out, Ws[q], rows, cols, vs[q]);
}

/** G[i,j] += sum_t A[t,i] B[t,j]    A: [n, rows], B: [n, cols] packed row-major -> G: [rows, cols]. */
export function gemmAtB(G: Float64Array, A: Float64Array, B: Float64Array, n: number, rows: number, cols: number): void {
  const wasm = kernelsInUse();
  if (pays(wasm, n * rows * cols)) wasm.gemmAtB(G, A, B, n, rows, cols);
  else js.gemmAtB(G, A, B, n, rows, cols);
}

/** G[i,j] += sum_r A[r*lda + i] B[r*ldb + j] over n rows: gemmAtB over column ranges of wider rows. */
export function gemmAtBStrided(G: Float64Array, A: Float64Array, lda: number, B: Float64Array, ldb: number, n: number, rows: number, cols: number): void {
  const wasm = kernelsInUse();
  if (pays(wasm, n * rows * cols)) wasm.gemmAtBStrided(G, A, lda, B, ldb, n, rows, cols);
  else js.gemmStrided(G, cols, A, 1, lda, B, 1, ldb, rows, cols, n);
}

/** C[m,n] += A[m,k] · W[n,k]ᵀ, all row-major: rows of A against rows of W. */
export function gemmABt(C: Float64Array, A: Float64Array, W: Float64Array, m: number, n: number, k: number): void {
  const wasm = kernelsInUse();
  if (pays(wasm, m * n * k)) wasm.gemmABt(C, A, W, m, n, k);
  else js.gemmABt(C, A, W, m, n, k);
}

/** C[m,n] += A[m,k] · W[k,n], all row-major. */
export function gemmAB(C: Float64Array, A: Float64Array, W: Float64Array, m: number, k: number, n: number): void {
  const wasm = kernelsInUse();
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

/**
 * G += Σ over runs [lo, hi) (in order) of A[lo..hi)ᵀ B[lo..hi), A: [n, rows], B: [n, cols] packed:
 * each run the same sums as gemmAtB over its rows alone, G crossing into wasm once for all runs.
 * Returns false, doing nothing, unless every run's product would run in wasm.
 */
export function gemmAtBRuns(G: Float64Array, A: Float64Array, B: Float64Array, runs: readonly (readonly [number, number])[], rows: number, cols: number): boolean {
  const wasm = kernelsInUse();
  if (!wasm || runs.some(([lo, hi]) => !pays(wasm, (hi - lo) * rows * cols))) return false;
  wasm.gemmAtBRuns(G, A, B, runs, rows, cols);
  return true;
}
