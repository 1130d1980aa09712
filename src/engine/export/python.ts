/** Python literals for the exported script: numbers that parse back to the same float64, nested lists. */
import type { Tensor } from '../types';

/** A float64 as Python reads it back exactly (JavaScript's shortest round-trip form is valid Python). */
export function pyNumber(x: number): string {
  if (Number.isNaN(x)) return "float('nan')";
  if (!Number.isFinite(x)) return x > 0 ? "float('inf')" : "-float('inf')";
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export const pyList = (v: ArrayLike<number>): string => `[${Array.from(v, pyNumber).join(', ')}]`;

/** A tensor as nested lists, one matrix row a line, indented by `indent`. */
export function pyTensor(t: Tensor, indent: string): string {
  if (t.shape.length === 1) return pyList(t.data);
  const [r, c] = t.shape;
  const rows = Array.from({ length: r }, (_, i) => `${indent}    ${pyList(t.data.subarray(i * c, i * c + c))},`);
  return `[\n${rows.join('\n')}\n${indent}]`;
}

export const pyString = (s: string): string => JSON.stringify(s);
