/**
 * A custom cell's equations -> a checked graph: every name resolved (x, s_prev for each state s,
 * the params, the names assigned on earlier lines), every shape inferred in H and D, every state
 * assigned a vector of size H. Errors carry offsets into the equations text; the spec loader moves
 * them to their line and column in the file. Nothing is evaluated here, and nothing ever as code.
 */
import { checkCalls, ExprError, isElementwise, isReduction, parseAssignments, type ElementwiseName, type ExprNode, type ReductionName } from '../../expr';
import type { CustomCellSpec } from '../../types';
import { didYouMean } from '../../spec/suggest';

/** A node of the compiled graph, in evaluation order (operands before the node). */
export type Op =
  | { op: 'x' }
  | { op: 'prev'; state: string }
  | { op: 'param'; name: string }
  | { op: 'const'; value: number }
  | { op: 'neg'; a: number }
  | { op: '+' | '-' | '*' | '/'; a: number; b: number }
  | { op: 'fn'; fn: ElementwiseName; a: number }
  | { op: 'reduce'; fn: ReductionName; a: number }
  | { op: '@'; a: number; b: number }
  | { op: 'transpose'; a: number }
  | { op: 'outer'; a: number; b: number };

/** A node and its shape: [] a number, [n] a vector, [r, c] a matrix. */
export type GraphNode = Op & { shape: number[] };

/** The nodes an operation reads, left first. */
export const operands = (n: GraphNode): number[] => ('b' in n ? [n.a, n.b] : 'a' in n ? [n.a] : []);
/** Whether a node is given (x, a state's previous value, a parameter, a number) rather than computed. */
export const isInput = (n: GraphNode): boolean => n.op === 'x' || n.op === 'prev' || n.op === 'param' || n.op === 'const';

export interface Program {
  nodes: GraphNode[];
  /** The node each assigned name stands for, in the order of the lines. */
  assigned: { name: string; node: number }[];
  /** State name -> its node (the state at t). */
  states: Record<string, number>;
  /** Assigned names that are not states: the cell's gates, in order. */
  gates: string[];
}

/** An equation problem at offset..offset+length of the equations text. */
export interface EquationIssue {
  message: string;
  offset: number;
  length: number;
  /** Set when the problem is a state that no line assigns: it belongs at the state in model.state. */
  state?: string;
}

export class EquationError extends Error {
  constructor(readonly issue: EquationIssue) {
    super(issue.message);
    this.name = 'EquationError';
  }
}

/** Numbers one step's intermediates may hold at most (a trace keeps them for every step). */
export const MAX_STEP_VALUES = 4_000_000;

/** Names a custom cell may not give a state, a parameter or an intermediate: they name other things. */
export const RESERVED = new Set(['x', 't', 'pre', 'gates', 'states', 'z', 'y', 'p', 'loss', 'W_hy', 'b_y', 'dz', 'dgates', 'dstates']);

const shapeText = (s: number[]): string => (s.length === 0 ? 'a number' : s.length === 1 ? `a vector [${s[0]}]` : `a matrix [${s[0]}, ${s[1]}]`);
const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/** Compiles the equations for sizes H and D; throws EquationError at the first problem. */
export function compile(spec: CustomCellSpec, H: number, D: number): Program {
  const text = spec.equations;
  let lines;
  try {
    lines = parseAssignments(text);
  } catch (e) {
    if (e instanceof ExprError) throw new EquationError({ message: e.reason, offset: e.offset, length: e.length });
    throw e;
  }
  const fail = (message: string, at: { start: number; end: number } | { offset: number; length: number }): never => {
    const span = 'start' in at ? { offset: at.start, length: Math.max(1, at.end - at.start) } : at;
    throw new EquationError({ message, ...span });
  };
  if (lines.length === 0) fail(`no equations: write one assignment a line, e.g. h = tanh(W @ x + U @ h_prev + b)`, { offset: 0, length: 0 });

  const nodes: GraphNode[] = [];
  const add = (n: GraphNode): number => nodes.push(n) - 1;
  const scope = new Map<string, number>();
  const paramShape = new Map<string, number[]>();
  for (const [name, dims] of Object.entries(spec.params)) paramShape.set(name, dims.map((d) => (d === 'H' ? H : d === 'D' ? D : Number(d))));
  const assignedOn = new Map<string, number>(lines.map((l) => [l.target, l.line]));
  const stateSet = new Set(spec.states);
  const known = (): string[] => [...new Set(['x', ...spec.states.map((s) => `${s}_prev`), ...paramShape.keys(), ...scope.keys()])];

  const lookup = (n: Extract<ExprNode, { kind: 'name' }>): number => {
    const name = n.name;
    const have = scope.get(name);
    if (have !== undefined) return have;
    const ps = paramShape.get(name);
    if (ps) return (scope.set(name, add({ op: 'param', name, shape: ps })), scope.get(name) as number);
    const later = assignedOn.get(name);
    if (later !== undefined) {
      const hint = stateSet.has(name) ? `; for the previous step's value write ${name}_prev` : '';
      return fail(`'${name}' is used before it is assigned (on line ${later})${hint}`, n);
    }
    return fail(`unknown name '${name}'${didYouMean(name, known()) || `; the names here are ${known().join(', ')}`}`, n);
  };

  const build = (e: ExprNode): number => {
    switch (e.kind) {
      case 'number':
        return add({ op: 'const', value: e.value, shape: [] });
      case 'string':
        return fail('a string has no place in an equation: equations compute numbers', e);
      case 'name':
        return lookup(e);
      case 'index':
        return fail('indexing is not supported in equations: they work on whole vectors', e);
      case 'unary': {
        if (e.op === '!') return fail(`'!' is not differentiable: equations use + - * / @ and functions`, e);
        const a = build(e.arg);
        return add({ op: 'neg', a, shape: nodes[a].shape });
      }
      case 'binary': {
        const at = e.opStart !== undefined ? { offset: e.opStart, length: e.op.length } : { offset: e.start, length: e.end - e.start };
        if (e.op !== '+' && e.op !== '-' && e.op !== '*' && e.op !== '/' && e.op !== '@') {
          return fail(`'${e.op}' is not differentiable: equations use + - * / @ and functions`, at);
        }
        const a = build(e.left), b = build(e.right);
        const sa = nodes[a].shape, sb = nodes[b].shape;
        if (e.op === '@') return add({ op: '@', a, b, shape: matmulShape(sa, sb, (m) => fail(m, at)) });
        if (sa.length > 0 && sb.length > 0 && !same(sa, sb)) {
          return fail(`shapes do not match for '${e.op}': ${shapeText(sa)} and ${shapeText(sb)} (element-wise operations need equal shapes, or a number)`, at);
        }
        return add({ op: e.op, a, b, shape: sa.length > 0 ? sa : sb });
      }
      case 'call': {
        const args = e.args.map(build);
        if (isElementwise(e.fn)) return add({ op: 'fn', fn: e.fn, a: args[0], shape: nodes[args[0]].shape });
        if (isReduction(e.fn)) return add({ op: 'reduce', fn: e.fn, a: args[0], shape: [] });
        if (e.fn === 'transpose') {
          const s = nodes[args[0]].shape;
          if (s.length !== 2) return fail(`transpose() takes a matrix, got ${shapeText(s)}`, e.args[0]);
          return add({ op: 'transpose', a: args[0], shape: [s[1], s[0]] });
        }
        const [u, v] = args;
        for (const [i, k] of [u, v].entries()) if (nodes[k].shape.length !== 1) fail(`outer() takes two vectors, got ${shapeText(nodes[k].shape)}`, e.args[i]);
        return add({ op: 'outer', a: u, b: v, shape: [nodes[u].shape[0], nodes[v].shape[0]] });
      }
    }
  };

  // The inputs first, used or not: x, then s_prev for every state (their gradients are dx and dprev).
  scope.set('x', add({ op: 'x', shape: [D] }));
  for (const st of spec.states) scope.set(`${st}_prev`, add({ op: 'prev', state: st, shape: [H] }));
  const assigned: { name: string; node: number }[] = [];
  for (const line of lines) {
    const target = { offset: line.targetOffset, length: line.target.length };
    const name = line.target;
    if (name === 'x') fail(`'x' is the input: assign another name`, target);
    if (stateSet.has(name) && RESERVED.has(name)) fail(`'${name}' is a reserved name for a state: choose another`, target);
    if (paramShape.has(name)) fail(`'${name}' is a parameter: it is learned, not assigned`, target);
    if (/_prev$/.test(name) && stateSet.has(name.slice(0, -5))) fail(`'${name}' is the previous step's state: assign ${name.slice(0, -5)} instead`, target);
    try {
      checkCalls(line.expr, []);
    } catch (err) {
      if (err instanceof ExprError) fail(err.reason, { offset: err.offset, length: err.length });
      throw err;
    }
    let node = build(line.expr);
    const root = nodes[node].op;
    // A name for an input, a parameter or a number gets a value of its own (a state or gate is a step's own vector).
    if (root === 'x' || root === 'prev' || root === 'param' || root === 'const') node = add({ op: '*', a: node, b: add({ op: 'const', value: 1, shape: [] }), shape: nodes[node].shape });
    if (stateSet.has(name) && !same(nodes[node].shape, [H])) {
      fail(`the state '${name}' must be a vector [${H}] (H), but this is ${shapeText(nodes[node].shape)}`, target);
    }
    scope.set(name, node);
    assigned.push({ name, node });
    const held = nodes.reduce((a, n) => a + (n.op === 'x' || n.op === 'prev' || n.op === 'param' ? 0 : n.shape.reduce((x, y) => x * y, 1)), 0);
    if (held > MAX_STEP_VALUES) fail(`this step would hold ${held} numbers up to here (a trace keeps every step's); the limit is ${MAX_STEP_VALUES}: avoid large matrices such as outer() in the forward equations`, line.expr);
  }
  const missing = spec.states.find((s) => !assignedOn.has(s));
  if (missing !== undefined) throw new EquationError({ message: `the state '${missing}' is never assigned: add a line ${missing} = ...`, offset: text.length, length: 0, state: missing });
  const states = Object.fromEntries(spec.states.map((s) => [s, scope.get(s) as number]));
  return { nodes, assigned, states, gates: assigned.map((a) => a.name).filter((n) => !stateSet.has(n)) };
}

/** The shape of a @ b, or a reason. Vectors act as columns on the right and rows on the left. */
function matmulShape(a: number[], b: number[], fail: (m: string) => never): number[] {
  if (a.length === 0 || b.length === 0) return fail(`'@' multiplies matrices and vectors; use '*' with a number`);
  const [ar, ac] = a.length === 2 ? a : [1, a[0]];
  const [br, bc] = b.length === 2 ? b : [b[0], 1];
  if (ac !== br) return fail(`cannot multiply ${shapeText(a)} @ ${shapeText(b)}: inner sizes ${ac} and ${br} differ`);
  if (a.length === 1 && b.length === 1) return [];
  if (a.length === 1) return [bc];
  if (b.length === 1) return [ar];
  return [ar, bc];
}
