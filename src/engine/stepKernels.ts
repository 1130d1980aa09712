/**
 * The recurrent cells' steps as single wasm calls (owner: trace): a standard LSTM step, m steps
 * without records, input halves as one block product, the batch's gates; each with the same bits
 * as the JavaScript steps in cells/lstm.ts, and each run where affineRows' shape rule would run it.
 */
import type { WasmKernels } from './kernels/wasm';
import { lstmAdvance, lstmGatesRows as wasmGatesRows, lstmStep, lstmStepFrom } from './kernels/wasmLstm';
import { kernelsInUse, pays } from './kernelChoice';
import { sigmoid } from './mapKernels';

/**
 * One standard LSTM step in wasm when its affine part would run there (affineRows' shape rule):
 * buf = [a_i a_f a_g a_o | i g o tanh(c)], f, c, h written, with the same bits as affineRows and
 * cells/lstm.ts's gate loop (the wasm exp and tanh are fdlibm's, as V8's Math.exp and Math.tanh).
 * Returns false, doing nothing, where the step belongs to JavaScript.
 */
export function lstmStepWasm(buf: Float64Array, bs: readonly Float64Array[], Wx: readonly Float64Array[], Wh: readonly Float64Array[], H: number, D: number, x: Float64Array, hPrev: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): boolean {
  const wasm = kernelsInUse();
  if (!pays(wasm, H * Math.min(D, H))) return false;
  lstmStep(wasm, buf, bs, Wx, Wh, H, D, x, hPrev, cPrev, f, c, h);
  return true;
}

/**
 * m standard LSTM steps from (h, c), in place, keeping no step's vectors, in wasm where lstmStepWasm
 * would run the step there (else false, nothing done). X: the inputs packed [m, D]; Wx, Wh, bias:
 * the four gates' W_xq, W_hq, b_q stacked ([4H, D], [4H, H], [4H]). The same bits as m lstmStepWasm.
 */
export function lstmAdvanceWasm(bias: Float64Array, Wx: Float64Array, Wh: Float64Array, H: number, D: number, X: Float64Array, m: number, h: Float64Array, c: Float64Array): boolean {
  const wasm = kernelsInUse();
  if (!pays(wasm, H * Math.min(D, H))) return false;
  lstmAdvance(wasm, bias, Wx, Wh, H, D, X, m, h, c, null);
  return true;
}

/** Whether an LSTM step of these sizes runs in wasm (lstmStepWasm, lstmAdvanceWasm, lstmStepFromWasm). */
export function lstmInWasm(H: number, D: number): boolean {
  return pays(kernelsInUse(), H * Math.min(D, H));
}

/** Whether matrix-vector products of [H, D] run in wasm (matVecAdd's rule): a GRU's runner applies then. */
export function matVecInWasm(H: number, D: number): boolean {
  return pays(kernelsInUse(), H * D);
}

/**
 * An LSTM's input halves for m steps, XA[t] = bias + W x_t (W: the gates' W_xq stacked [rows, cols],
 * X: the inputs packed [m, cols]), in one product whose elements are the sums lstmStepWasm forms.
 * Only where lstmInWasm (the caller checks).
 */
export function projectRowsWasm(XA: Float64Array, bias: Float64Array, W: Float64Array, rows: number, cols: number, X: Float64Array, m: number): void {
  const wasm = kernelsInUse();
  (wasm as WasmKernels).projectRows(XA, bias, W, rows, cols, X, m);
}

/** One standard LSTM step from its input halves (projectRowsWasm), as lstmStepWasm. Only where lstmInWasm. */
export function lstmStepFromWasm(buf: Float64Array, xa: Float64Array, Wh: Float64Array, H: number, hPrev: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): void {
  const wasm = kernelsInUse();
  lstmStepFrom(wasm as WasmKernels, buf, xa, Wh, H, hPrev, cPrev, f, c, h);
}

/**
 * The standard LSTM's gates over a batch's [B, 4H] block of pre-activations (rows a_i a_f a_g a_o),
 * replaced by the gates i f g o; c = f⊙c_prev + i⊙g, tc = tanh(c), h = o⊙tc. The same bits in wasm
 * (fdlibm's exp and tanh, as V8's) as in this loop.
 */
export function lstmGatesRows(A: Float64Array, cPrev: Float64Array, c: Float64Array, tc: Float64Array, h: Float64Array, B: number, H: number): void {
  const wasm = kernelsInUse();
  if (wasm && B * H >= 16) {
    wasmGatesRows(wasm, A, cPrev, c, tc, h, B, H);
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
