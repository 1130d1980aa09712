/**
 * The step's equations as trees with their numbers, for the panel to typeset: each line of the
 * cell's equations (text in the expression language) parsed, every name it uses given its value at t
 * (weights, x_t, the previous state, gates, gradients), and the line's result from the trace. Names
 * the records do not hold (intermediates such as drh, and d<state>_next, what arrives at a state from
 * step t+1) are evaluated by the expression language from the others. Pure, no vscode.
 */
import { evaluate, isTensor, mapScope, parseExpression, type ExprNode, type ExprValue } from '../engine/expr';
import type { Params } from '../engine';
import type { Tensor } from '../engine/types';
import type { EquationMath, MathNode, TermValue } from '../protocol';

/** Rows or columns written out in full up to this many; longer ones show the first MAX_HEAD and the last. */
export const MAX_SHOWN = 5;
const MAX_HEAD = 3;

const keep = (n: number): number[] => (n <= MAX_SHOWN ? Array.from({ length: n }, (_, i) => i) : [...Array.from({ length: MAX_HEAD }, (_, i) => i), n - 1]);

/** A vector or matrix as an equation shows it: elided past MAX_SHOWN rows or columns, at full precision (the panel formats it once). */
export function termValue(shape: number[], data: ArrayLike<number>): TermValue {
  const r = shape[0] ?? 1, c = shape.length > 1 ? shape[1] : 1;
  const rows = keep(r), cols = shape.length > 1 ? keep(c) : [0];
  const out = new Float64Array(rows.length * cols.length);
  let k = 0;
  for (const i of rows) for (const j of cols) out[k++] = data[i * c + j];
  return { shape: shape.length > 1 ? [r, c] : [r], rows, cols, data: out };
}

function toMath(n: ExprNode): MathNode {
  switch (n.kind) {
    case 'number':
      return { k: 'num', value: n.value };
    case 'name':
      return { k: 'name', name: n.name };
    case 'unary':
      return { k: 'un', op: n.op, arg: toMath(n.arg) };
    case 'binary':
      return { k: 'bin', op: n.op, left: toMath(n.left), right: toMath(n.right) };
    case 'call':
      return { k: 'call', fn: n.fn, args: n.args.map(toMath) };
    case 'string':
      return { k: 'name', name: JSON.stringify(n.value) };
    case 'index':
      return { k: 'name', name: '[…]' };
  }
}

function names(n: ExprNode, out: Set<string>): Set<string> {
  if (n.kind === 'name') out.add(n.name);
  else if (n.kind === 'unary') names(n.arg, out);
  else if (n.kind === 'binary') (names(n.left, out), names(n.right, out));
  else if (n.kind === 'call') n.args.forEach((a) => names(a, out));
  return out;
}

const asTensor = (v: Float64Array): Tensor => ({ shape: [v.length], data: v }) as Tensor;

/** The values an equation may name at step t, by name; evaluate() adds the intermediates. */
export class EquationScope {
  private readonly values = new Map<string, ExprValue>();
  constructor(readonly params: Params) {
    for (const [k, v] of Object.entries(params)) this.values.set(k, v as unknown as ExprValue);
  }
  set(name: string, v: Float64Array | Tensor | undefined): void {
    if (v) this.values.set(name, (v instanceof Float64Array ? asTensor(v) : v) as unknown as ExprValue);
  }
  /** The scope with dL/dh_t and the gradients at t's pre-activations and states (dstates) set. */
  withGradient(b: { dh: Float64Array; dgates: Record<string, Float64Array>; dstates: Record<string, Float64Array> }): this {
    this.set('dh', b.dh);
    for (const [g, v] of Object.entries(b.dgates)) this.set(`d${g}`, v);
    for (const [s, v] of Object.entries(b.dstates)) this.set(`d${s}`, v);
    return this;
  }
  get(name: string): ExprValue | undefined {
    return this.values.get(name);
  }
  /** Interprets an expression (our parser and evaluator, never JavaScript) over the values so far; null when it cannot (an unknown name, a bad shape). */
  interpret(text: string, extra: Record<string, ExprValue> = {}): Tensor | null {
    try {
      const node = parseExpression(text);
      const v = evaluate(node, mapScope(new Map([...this.values, ...Object.entries(extra)])));
      return isTensor(v) ? (v as unknown as Tensor) : null;
    } catch {
      return null;
    }
  }

  /** A line `target = expr` typeset: its names' values and its result (from the records when given, else evaluated). */
  line(line: string, result: Float64Array | Tensor | null | undefined): EquationMath | null {
    const eq = line.indexOf('=');
    if (eq < 0) return null;
    const target = line.slice(0, eq).trim();
    let node: ExprNode;
    try {
      node = parseExpression(line.slice(eq + 1));
    } catch {
      return null;
    }
    const values: EquationMath['values'] = [];
    for (const name of names(node, new Set())) {
      const v = this.values.get(name);
      if (!v || !isTensor(v)) continue;
      const t = v as unknown as Tensor;
      values.push({ name, value: termValue(t.shape, t.data), ...(name in this.params ? { param: true } : {}) });
    }
    let res: Tensor | null = result ? (result instanceof Float64Array ? asTensor(result) : result) : null;
    if (!res) {
      try {
        const v = evaluate(node, mapScope(this.values));
        res = isTensor(v) ? (v as unknown as Tensor) : null;
      } catch {
        res = null;
      }
    }
    if (res) this.values.set(target, res as unknown as ExprValue);
    return { target, expr: toMath(node), values, result: res ? termValue(res.shape, res.data) : null };
  }
}
