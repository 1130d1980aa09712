/** Arithmetic on expression values: element-wise with scalar broadcast, and the matrix product. */
import type { Tensor } from '../types';
import { MAX_TENSOR_ELEMENTS, type ExprValue } from './ast';

/** True for a Tensor value (the only object an expression value can be). */
export function isTensor(v: ExprValue): v is Tensor {
  return typeof v === 'object';
}

/** `[2,3]`: a shape as the language writes it. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** What a value is, for error messages: `number`, `boolean`, `string`, `vector [3]`, `matrix [2,3]`. */
export function describeValue(v: ExprValue): string {
  if (!isTensor(v)) return typeof v;
  return `${v.shape.length === 2 ? 'matrix' : v.shape.length === 1 ? 'vector' : 'tensor'} ${shapeText(v.shape)}`;
}

/** f applied to every element of a number or a tensor. */
export function mapValue(v: number | Tensor, f: (x: number) => number): number | Tensor {
  if (typeof v === 'number') return f(v);
  const out = new Float64Array(v.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(v.data[i]);
  return { shape: [...v.shape], data: out };
}

/** The reason given when a result would exceed MAX_TENSOR_ELEMENTS. */
export function tooLarge(elements: number): string {
  return `the result would have ${elements} elements (at most ${MAX_TENSOR_ELEMENTS})`;
}

export type ArithOp = '+' | '-' | '*' | '/';

const ARITH: Record<ArithOp, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/** a op b element-wise; a scalar broadcasts. Returns an error reason instead when the shapes differ. */
export function arith(op: ArithOp, a: number | Tensor, b: number | Tensor): number | Tensor | string {
  const f = ARITH[op];
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  if (typeof a === 'number') return mapValue(b, (y) => f(a, y));
  if (typeof b === 'number') return mapValue(a, (x) => f(x, b));
  if (!sameShape(a.shape, b.shape)) return `shapes ${shapeText(a.shape)} and ${shapeText(b.shape)} do not match for '${op}'`;
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
  return { shape: [...a.shape], data: out };
}

/**
 * The matrix product: [r,c] @ [c] -> [r], [r,c] @ [c,k] -> [r,k], [n] @ [n,k] -> [k], and [n] @ [n] -> the dot
 * product (a number). Returns an error reason instead when the inner sizes differ.
 */
export function matmul(a: Tensor, b: Tensor): number | Tensor | string {
  const [ar, ac] = a.shape.length === 2 ? a.shape : [1, a.shape[0]];
  const [br, bc] = b.shape.length === 2 ? b.shape : [b.shape[0], 1];
  if (ac !== br) return `cannot multiply ${shapeText(a.shape)} @ ${shapeText(b.shape)}: inner sizes ${ac} and ${br} differ`;
  if (ar * bc > MAX_TENSOR_ELEMENTS) return tooLarge(ar * bc);
  const out = new Float64Array(ar * bc);
  for (let i = 0; i < ar; i++) {
    for (let k = 0; k < ac; k++) {
      const aik = a.data[i * ac + k];
      for (let j = 0; j < bc; j++) out[i * bc + j] += aik * b.data[k * bc + j];
    }
  }
  if (a.shape.length === 1 && b.shape.length === 1) return out[0];
  if (a.shape.length === 1) return { shape: [bc], data: out };
  if (b.shape.length === 1) return { shape: [ar], data: out };
  return { shape: [ar, bc], data: out };
}
