/** The built-in functions: element-wise (with local derivatives), reductions to a scalar, and matrix functions. */
import type { Tensor } from '../types';

/** An element-wise function and its local derivative dy/dx from the input x and the output y = f(x). */
export interface ElementwiseFn {
  f(x: number): number;
  df(x: number, y: number): number;
  /** df reads y alone (never x): a backward that keeps y need not keep the input (batched custom cells). */
  fromY?: true;
}

/** Logistic sigmoid, stable on both tails. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export type ElementwiseName = 'sigmoid' | 'tanh' | 'relu' | 'exp' | 'log' | 'sqrt' | 'abs' | 'softplus' | 'step';

/** Element-wise functions by name, each local derivative beside its forward (micrograd style). */
export const ELEMENTWISE: Readonly<Record<ElementwiseName, ElementwiseFn>> = Object.freeze({
  sigmoid: { f: sigmoid, df: (_x: number, y: number) => y * (1 - y), fromY: true }, // σ' = σ(1 - σ)
  tanh: { f: Math.tanh, df: (_x: number, y: number) => 1 - y * y, fromY: true }, // tanh' = 1 - tanh²
  relu: { f: (x: number) => (x > 0 ? x : 0), df: (x: number) => (x > 0 ? 1 : 0) },
  exp: { f: Math.exp, df: (_x: number, y: number) => y, fromY: true },
  log: { f: Math.log, df: (x: number) => 1 / x },
  sqrt: { f: Math.sqrt, df: (_x: number, y: number) => 1 / (2 * y), fromY: true },
  abs: { f: Math.abs, df: (x: number) => Math.sign(x) }, // 0 at 0 (a subgradient)
  softplus: { f: softplus, df: (x: number) => sigmoid(x) },
  // Heaviside [x > 0], element-wise (comparisons do not take tensors): relu' = step(a) in backward equations.
  step: { f: (x: number) => (x > 0 ? 1 : 0), df: () => 0, fromY: true },
});

export type ReductionName = 'norm' | 'sum' | 'mean' | 'max' | 'min';

/** Reductions of all elements to one number; undefined for max/min/mean of an empty tensor. */
export const REDUCTIONS: Readonly<Record<ReductionName, (v: Float64Array) => number | undefined>> = Object.freeze({
  norm: (v: Float64Array) => {
    // 2-norm (Frobenius for a matrix), scaled by the largest magnitude so huge entries do not overflow.
    let scale = 0;
    for (let i = 0; i < v.length; i++) scale = Math.max(scale, Math.abs(v[i]));
    if (scale === 0 || !Number.isFinite(scale)) return scale;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += (v[i] / scale) ** 2;
    return scale * Math.sqrt(s);
  },
  sum: (v: Float64Array) => v.reduce((a, b) => a + b, 0),
  mean: (v: Float64Array) => (v.length === 0 ? undefined : v.reduce((a, b) => a + b, 0) / v.length),
  max: (v: Float64Array) => (v.length === 0 ? undefined : v.reduce((a, b) => Math.max(a, b), -Infinity)),
  min: (v: Float64Array) => (v.length === 0 ? undefined : v.reduce((a, b) => Math.min(a, b), Infinity)),
});

/** Matrix functions and how many arguments each takes. */
export const MATRIX_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ['transpose', 1],
  ['outer', 2],
]);

/** Functions whose one argument is a bare name, answered by the scope's nameFunction. */
export const NAME_FUNCTIONS: readonly string[] = ['grad', 'grad_at'];

/** True when `name` is an element-wise function (own property only: `constructor` is not one). */
export function isElementwise(name: string): name is ElementwiseName {
  return Object.hasOwn(ELEMENTWISE, name);
}

/** True when `name` is a reduction (own property only). */
export function isReduction(name: string): name is ReductionName {
  return Object.hasOwn(REDUCTIONS, name);
}

/** Every built-in function name, for completion and error messages. */
export function builtinFunctionNames(): string[] {
  return [...Object.keys(ELEMENTWISE), ...Object.keys(REDUCTIONS), ...MATRIX_FUNCTIONS.keys()];
}

/** Aᵀ for a matrix [r,c] -> [c,r]; a vector [n] is returned as it is (vectors have no orientation here). */
export function transpose(a: Tensor): Tensor {
  if (a.shape.length !== 2) return { shape: [...a.shape], data: Float64Array.from(a.data) };
  const [r, c] = a.shape;
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a.data[i * c + j];
  return { shape: [c, r], data: out };
}

/** u vᵀ: u [m], v [n] -> [m,n]. */
export function outer(u: Tensor, v: Tensor): Tensor {
  const m = u.data.length;
  const n = v.data.length;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = u.data[i] * v.data[j];
  return { shape: [m, n], data: out };
}
