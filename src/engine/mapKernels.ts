/** Element-wise maps over vectors with Math.*'s bits: fdlibm's exp and tanh in wasm for long vectors, the same loops in JavaScript. */
import { kernelsInUse } from './kernelChoice';

/** The logistic sigmoid, stable on both tails. */
export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/** out[i] = tanh(a[i]): Math.tanh's bits, in wasm for long vectors (out may be a). */
export function tanhInto(out: Float64Array, a: Float64Array): void {
  const wasm = kernelsInUse();
  if (wasm && a.length >= 16) wasm.mapInto('tanh', out, a);
  else for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]);
}

/** out[i] = exp(a[i]): Math.exp's bits, in wasm for long vectors (out may be a). */
export function expInto(out: Float64Array, a: Float64Array): void {
  const wasm = kernelsInUse();
  if (wasm && a.length >= 16) wasm.mapInto('exp', out, a);
  else for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
}

/** out[i] = sigmoid(a[i]): the same bits as sigmoid above, in wasm for long vectors (out may be a). */
export function sigmoidInto(out: Float64Array, a: Float64Array): void {
  const wasm = kernelsInUse();
  if (wasm && a.length >= 16) wasm.mapInto('sigmoid', out, a);
  else for (let i = 0; i < a.length; i++) out[i] = sigmoid(a[i]);
}
