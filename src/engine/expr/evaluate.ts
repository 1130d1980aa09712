/**
 * Interprets a parsed expression against a scope. Nothing is compiled or run as code: names come only
 * from `scope.lookup`, functions only from the built-in tables and `scope.nameFunction`.
 */
import type { Tensor } from '../types';
import { ExprError, MAX_EVAL_DEPTH, MAX_TENSOR_ELEMENTS, nodeError, type BinaryOp, type ExprNode, type ExprScope, type ExprValue } from './ast';
import { ELEMENTWISE, isElementwise, isReduction, MATRIX_FUNCTIONS, NAME_FUNCTIONS, outer, REDUCTIONS, transpose } from './functions';
import { arith, describeValue, isTensor, mapValue, matmul, tooLarge, type ArithOp } from './ops';

/**
 * The value of `node` in `scope`. `&&` and `||` short-circuit; numbers count as true when non-zero (NaN is false).
 * Throws ExprError positioned at the offending node (offsets as in the node; see locateError for blocks).
 */
export function evaluate(node: ExprNode, scope: ExprScope): ExprValue {
  return ev(node, scope, 1);
}

/** evaluate at a depth: a built tree deeper than MAX_EVAL_DEPTH is refused before the stack runs out. */
function ev(node: ExprNode, scope: ExprScope, depth: number): ExprValue {
  if (depth > MAX_EVAL_DEPTH) throw nodeError(`expression nested too deeply (more than ${MAX_EVAL_DEPTH} levels)`, node);
  switch (node.kind) {
    case 'number':
    case 'string':
      return node.value;
    case 'name': {
      const v = scope.lookup(node.name);
      if (v === undefined) throw nodeError(`unknown name '${node.name}'`, node);
      return v;
    }
    case 'unary': {
      const v = ev(node.arg, scope, depth + 1);
      if (node.op === '!') return !truthy(v, '!', node.arg);
      return mapValue(numeric(v, '-', node.arg), (x) => -x);
    }
    case 'binary':
      return binary(node, scope, depth + 1);
    case 'index':
      return index(node, scope, depth + 1);
    case 'call':
      return call(node, scope, depth + 1);
  }
}

/** Where an operator's error points: at the operator itself when its offset is known. */
function opError(reason: string, node: Extract<ExprNode, { kind: 'binary' }>): ExprError {
  return node.opStart === undefined ? nodeError(reason, node) : new ExprError(reason, node.opStart, node.op.length);
}

/** A number or tensor operand of `op`, or a positioned error. */
function numeric(v: ExprValue, op: string, at: ExprNode): number | Tensor {
  if (typeof v === 'number' || isTensor(v)) return v;
  throw nodeError(`'${op}' needs a number or a tensor, got ${describeValue(v)}`, at);
}

/** A boolean operand of `op`; numbers are true when non-zero. */
function truthy(v: ExprValue, op: string, at: ExprNode): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v); // as in JavaScript: 0 and NaN are false
  throw nodeError(`'${op}' needs a boolean, got ${describeValue(v)}${isTensor(v) ? ' (reduce it first, e.g. norm(...) > 0)' : ''}`, at);
}

function binary(node: Extract<ExprNode, { kind: 'binary' }>, scope: ExprScope, depth: number): ExprValue {
  const op = node.op;
  if (op === '&&' || op === '||') {
    const left = truthy(ev(node.left, scope, depth), op, node.left);
    if (op === '&&' ? !left : left) return left;
    return truthy(ev(node.right, scope, depth), op, node.right);
  }
  const a = ev(node.left, scope, depth);
  const b = ev(node.right, scope, depth);
  if (op === '@') return product(node, a, b);
  if (op === '+' || op === '-' || op === '*' || op === '/') {
    const r = arith(op as ArithOp, numeric(a, op, node.left), numeric(b, op, node.right));
    if (typeof r === 'string') throw opError(r, node);
    return r;
  }
  return compare(node, op, a, b);
}

function product(node: Extract<ExprNode, { kind: 'binary' }>, a: ExprValue, b: ExprValue): ExprValue {
  for (const [v, at] of [[a, node.left], [b, node.right]] as const) {
    if (!isTensor(v) || (v.shape.length !== 1 && v.shape.length !== 2)) {
      const hint = typeof v === 'number' ? " (use '*' to scale by a number)" : '';
      throw nodeError(`'@' needs a vector or a matrix, got ${describeValue(v)}${hint}`, at);
    }
  }
  const r = matmul(a as Tensor, b as Tensor);
  if (typeof r === 'string') throw opError(r, node);
  return r;
}

function compare(node: Extract<ExprNode, { kind: 'binary' }>, op: BinaryOp, a: ExprValue, b: ExprValue): boolean {
  if (isTensor(a) || isTensor(b)) {
    throw opError(`cannot compare ${describeValue(a)} with ${describeValue(b)}: reduce the tensor first, e.g. norm(h) < 1 or max(h) > 0`, node);
  }
  if (typeof a !== typeof b) throw opError(`cannot compare ${describeValue(a)} with ${describeValue(b)}`, node);
  if (typeof a !== 'number' && op !== '==' && op !== '!=') {
    throw opError(`'${op}' compares numbers; ${typeof a}s only compare with == and !=`, node);
  }
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return (a as number) < (b as number);
    case '<=': return (a as number) <= (b as number);
    case '>': return (a as number) > (b as number);
    default: return (a as number) >= (b as number);
  }
}

/** v[i], 0-based: an element of a vector (a number) or a row of a matrix (a vector). */
function index(node: Extract<ExprNode, { kind: 'index' }>, scope: ExprScope, depth: number): ExprValue {
  const v = ev(node.target, scope, depth);
  if (!isTensor(v) || (v.shape.length !== 1 && v.shape.length !== 2)) {
    throw nodeError(`cannot index ${describeValue(v)}: only vectors and matrices have elements`, node.target);
  }
  const i = ev(node.index, scope, depth);
  if (typeof i !== 'number') throw nodeError(`an index must be a number, got ${describeValue(i)}`, node.index);
  if (!Number.isInteger(i)) throw nodeError(`an index must be a whole number, got ${i}`, node.index);
  const n = v.shape[0];
  if (i < 0 || i >= n) throw nodeError(`index ${i} out of range for ${describeValue(v)} (0..${n - 1})`, node.index);
  if (v.shape.length === 1) return v.data[i];
  const c = v.shape[1];
  return { shape: [c], data: v.data.slice(i * c, (i + 1) * c) };
}

function call(node: Extract<ExprNode, { kind: 'call' }>, scope: ExprScope, depth: number): ExprValue {
  const fn = node.fn;
  const fixed = isElementwise(fn) || isReduction(fn) ? 1 : MATRIX_FUNCTIONS.get(fn);
  if (fixed === undefined) return nameCall(node, scope);
  if (node.args.length !== fixed) throw nodeError(`${fn}() takes ${fixed} argument${fixed === 1 ? '' : 's'}, got ${node.args.length}`, node);
  const args = node.args.map((a) => ev(a, scope, depth));
  if (isElementwise(fn)) return mapValue(numeric(args[0], fn, node.args[0]), ELEMENTWISE[fn].f);
  if (isReduction(fn)) {
    const v = numeric(args[0], fn, node.args[0]);
    const r = REDUCTIONS[fn](typeof v === 'number' ? Float64Array.of(v) : v.data);
    if (r === undefined) throw nodeError(`${fn}() of an empty tensor`, node.args[0]);
    return r;
  }
  const tensors = args.map((v, k) => {
    const ok = isTensor(v) && (v.shape.length === 1 || (fn === 'transpose' && v.shape.length === 2));
    if (!ok) {
      throw nodeError(`${fn}() needs ${fn === 'outer' ? 'vectors' : 'a vector or a matrix'}, got ${describeValue(v)}`, node.args[k]);
    }
    return v as Tensor;
  });
  if (fn === 'transpose') return transpose(tensors[0]);
  const elements = tensors[0].data.length * tensors[1].data.length;
  if (elements > MAX_TENSOR_ELEMENTS) throw nodeError(tooLarge(elements), node);
  return outer(tensors[0], tensors[1]);
}

/** grad(W), grad_at(W) and other functions of one bare name, answered by scope.nameFunction. */
function nameCall(node: Extract<ExprNode, { kind: 'call' }>, scope: ExprScope): ExprValue {
  const fn = node.fn;
  const known = NAME_FUNCTIONS.includes(fn);
  const arg = node.args[0];
  if (node.args.length !== 1 || arg.kind !== 'name') {
    if (!known) throw unknownFunction(node, scope);
    throw nodeError(`${fn}() takes one name, as in ${fn}(W_hh)`, node.args.length === 1 ? arg : node);
  }
  let v: ExprValue | undefined;
  try {
    v = scope.nameFunction?.(fn, arg.name);
  } catch (e) {
    throw nodeError(e instanceof Error ? e.message : String(e), arg);
  }
  if (v !== undefined) return v;
  if (!known) throw unknownFunction(node, scope);
  throw nodeError(`unknown name '${arg.name}' in ${fn}()`, arg);
}

function unknownFunction(node: Extract<ExprNode, { kind: 'call' }>, scope: ExprScope): ExprError {
  const hint = scope.lookup(node.fn) !== undefined ? `: '${node.fn}' is a value; index it with ${node.fn}[0]` : '';
  return new ExprError(`unknown function '${node.fn}'${hint}`, node.start, node.fn.length);
}
