/** Test helpers for the expression language: tree shapes without offsets, tensors, and caught errors. */
import { ExprError, parseExpression, type ExprNode } from '../../../src/engine/expr';
import type { Tensor } from '../../../src/engine/types';

/** A tree as an s-expression, offsets left out: `(+ a (* b 2))`, `(call norm h)`, `(index h 0)`. */
export function sexpr(node: ExprNode): string {
  switch (node.kind) {
    case 'number': return String(node.value);
    case 'string': return JSON.stringify(node.value);
    case 'name': return node.name;
    case 'unary': return `(${node.op} ${sexpr(node.arg)})`;
    case 'binary': return `(${node.op} ${sexpr(node.left)} ${sexpr(node.right)})`;
    case 'call': return `(call ${[node.fn, ...node.args.map(sexpr)].join(' ')})`;
    case 'index': return `(index ${sexpr(node.target)} ${sexpr(node.index)})`;
  }
}

/** The tree of `src` as an s-expression. */
export const tree = (src: string): string => sexpr(parseExpression(src));

/** The ExprError `f` throws (fails the test when it throws nothing or something else). */
export function caught(f: () => unknown): ExprError {
  try {
    f();
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw new Error(`expected an ExprError, got ${String(e)}`);
  }
  throw new Error('expected an ExprError, nothing was thrown');
}

export const vec = (...v: number[]): Tensor => ({ shape: [v.length], data: Float64Array.from(v) });
export const mat = (rows: number[][]): Tensor => ({ shape: [rows.length, rows[0].length], data: Float64Array.from(rows.flat()) });

/** A tensor as plain data, for toEqual. */
export const plain = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && 'data' in v ? { shape: (v as Tensor).shape, data: [...(v as Tensor).data] } : v;
