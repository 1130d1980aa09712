/**
 * Expressions at a place: the names of DESIGN's "Expressions" section bound to what the trace knows
 * at (phase, t), evaluated by the engine's interpreter (src/engine/expr: a parser, a tree, no eval).
 */
import { evaluate, ExprError, parseExpression, type ExprNode, type ExprScope, type ExprValue } from '../engine/expr';
import type { Tensor } from '../engine';
import type { Place } from './place';
import { descend, tensorChildren, valueNode, type VarNode } from './variables';

/** Functions whose one argument is a parameter's bare name. */
const NAME_FUNCTIONS = ['grad', 'grad_at'];

/** The scope of a place: t, phase, T, the step's and (backward) the gradients' names, the parameters, grad(W), grad_at(W). */
export function placeScope(place: Place): ExprScope {
  return {
    lookup: (name: string): ExprValue | undefined => place.lookup(name),
    nameFunction: (fn: string, name: string): ExprValue | undefined => {
      if (!Object.prototype.hasOwnProperty.call(place.trace.params, name)) return undefined;
      if (fn === 'grad') return place.accumulated?.[name];
      if (fn === 'grad_at') return place.contribution?.[name];
      return undefined;
    },
  };
}

/** A name that exists only in the backward phase, or grad/grad_at, used in the forward phase: a clear error before evaluating. */
function checkPhase(node: ExprNode, place: Place): void {
  if (place.phase === 'backward') return;
  const visit = (n: ExprNode): void => {
    switch (n.kind) {
      case 'name':
        if (place.backwardOnly(n.name)) throw positioned(`${n.name} is known in the backward phase (the cursor is at forward t=${place.t})`, n);
        return;
      case 'call':
        if (NAME_FUNCTIONS.includes(n.fn)) throw positioned(`${n.fn}(…) is known in the backward phase (the cursor is at forward t=${place.t})`, n);
        n.args.forEach(visit);
        return;
      case 'unary':
        return visit(n.arg);
      case 'binary':
        visit(n.left);
        return visit(n.right);
      case 'index':
        visit(n.target);
        return visit(n.index);
      default:
        return;
    }
  };
  visit(node);
}

function positioned(message: string, node: ExprNode): ExprError {
  return new ExprError(message, node.start, Math.max(1, node.end - node.start));
}

const parsed = new Map<string, ExprNode>();

/** Parses once per text (a breakpoint's condition is evaluated at many places). Throws ExprError. */
export function parseCached(text: string): ExprNode {
  let node = parsed.get(text);
  if (!node) {
    node = parseExpression(text);
    if (parsed.size > 256) parsed.clear();
    parsed.set(text, node);
  }
  return node;
}

/** Evaluates an expression at a place. Throws ExprError with its column. */
export function evaluateAt(text: string, place: Place): ExprValue {
  const node = parseCached(text);
  checkPhase(node, place);
  return evaluate(node, placeScope(place));
}

/** The result of evaluating for a front-end: a node (children under ['=', text]) or the error with its column. */
export type EvalResult = { ok: true; node: VarNode } | { ok: false; message: string; column?: number };

export function evaluateForView(text: string, place: Place): EvalResult {
  try {
    const v = evaluateAt(text, place);
    return { ok: true, node: valueNode(text, v as Tensor | number | string | boolean, ['=', text], text) };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, message: e.reason, column: e.column };
    if (e instanceof RangeError) return { ok: false, message: e.message };
    throw e;
  }
}

/** Children of an evaluated value: ['=', text, row, ...]. */
export function evaluatedChildren(place: Place, path: string[], start?: number, count?: number): VarNode[] {
  const [, text, ...idx] = path;
  let v: ExprValue;
  try {
    v = evaluateAt(text, place);
  } catch {
    return [];
  }
  if (typeof v !== 'object') return [];
  const sub = descend(v, idx);
  return sub ? tensorChildren(sub, path, `(${text})${idx.map((i) => `[${i}]`).join('')}`, start, count) : [];
}

/** A condition's truth: true or false, or a number (non-zero is true). Anything else is an error. */
export function truth(v: ExprValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  throw new ExprError(`a condition must be true or false, found ${typeof v === 'string' ? 'a string' : `a ${v.shape.length === 1 ? 'vector' : 'matrix'}`}`, 0, 1);
}
