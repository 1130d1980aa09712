/**
 * A cell without a torch.nn module (the notes' variants, custom cells) in the exported script: its
 * forward equations, one Python line each, translated node by node from the expression language (the same operators in torch; nothing
 * is evaluated here). Autograd differentiates them, so the backward lines are not needed.
 */
import { parseAssignments, type ExprNode } from '../expr';
import type { CustomCellSpec } from '../types';
import { pyNumber } from './python';

const CALLS: Record<string, (a: string[]) => string> = {
  sigmoid: (a) => `torch.sigmoid(${a[0]})`,
  tanh: (a) => `torch.tanh(${a[0]})`,
  relu: (a) => `torch.relu(${a[0]})`,
  exp: (a) => `torch.exp(${a[0]})`,
  log: (a) => `torch.log(${a[0]})`,
  sqrt: (a) => `torch.sqrt(${a[0]})`,
  abs: (a) => `torch.abs(${a[0]})`,
  softplus: (a) => `torch.nn.functional.softplus(${a[0]})`,
  step: (a) => `(${a[0]} > 0).double()`,
  sum: (a) => `torch.sum(${a[0]})`,
  mean: (a) => `torch.mean(${a[0]})`,
  max: (a) => `torch.max(${a[0]})`,
  min: (a) => `torch.min(${a[0]})`,
  norm: (a) => `torch.linalg.norm(${a[0]})`,
  transpose: (a) => `${a[0]}.T`,
  outer: (a) => `torch.outer(${a[0]}, ${a[1]})`,
};

/** Python's keywords and the script's own names: a cell's name among them gets a trailing _. */
const TAKEN = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield P p torch json state step run l H D K T L E X'.split(' '),
);
const py = (name: string): string => (TAKEN.has(name) ? `${name}_` : name);

/** The body of `step(x, state[, l])` for a custom cell; `param` writes a parameter reference. */
export function customStep(spec: CustomCellSpec, param: (name: string) => string, stacked: boolean): string {
  const states = spec.states;
  const params = new Set(Object.keys(spec.params));
  // Python's precedence: + - below * / @ (one level, left to right) below unary minus.
  const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '@': 2 };
  const prec = (n: ExprNode): number => (n.kind === 'binary' ? (PREC[n.op] ?? 0) : n.kind === 'unary' ? 3 : 4);
  const expr = (n: ExprNode): string => {
    switch (n.kind) {
      case 'number':
        return pyNumber(n.value);
      case 'name':
        if (params.has(n.name)) return param(n.name);
        return py(n.name);
      case 'unary':
        if (n.op === '-') return prec(n.arg) < 3 ? `-(${expr(n.arg)})` : `-${expr(n.arg)}`;
        break;
      case 'binary':
        if (n.op in PREC) {
          // The tree's grouping, kept: a child of lower precedence, or of equal precedence on the right, in parentheses.
          const l = prec(n.left) < PREC[n.op] ? `(${expr(n.left)})` : expr(n.left);
          const r = prec(n.right) <= PREC[n.op] ? `(${expr(n.right)})` : expr(n.right);
          return `${l} ${n.op} ${r}`;
        }
        break;
      case 'call':
        if (CALLS[n.fn]) return CALLS[n.fn](n.args.map(expr));
        break;
    }
    throw new Error(`the custom cell's equation uses ${n.kind === 'call' ? `${n.fn}()` : n.kind === 'binary' || n.kind === 'unary' ? `the operator ${n.op}` : `a ${n.kind}`}, which the PyTorch export does not write`);
  };
  const unpack = `    ${states.map((s) => py(`${s}_prev`)).join(', ')} = state`;
  const lines = parseAssignments(spec.equations).map((a) => `    ${py(a.target)} = ${expr(a.expr)}`);
  const ret = states.length === 1 ? `${py(states[0])}` : `(${states.map(py).join(', ')})`;
  return `def step(x, state${stacked ? ', l' : ''}):
    """The cell's equations, one line each."""
${unpack}
${lines.join('\n')}
    return h, ${ret}`;
}
