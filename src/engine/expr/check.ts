/** Static checks and queries on a parsed expression, before any value is known. */
import { ExprError, nodeError, type ExprNode } from './ast';
import { isElementwise, isReduction, MATRIX_FUNCTIONS, NAME_FUNCTIONS } from './functions';

/** Calls every node of the tree, parents before children. Iterative: any depth is safe. */
export function walk(node: ExprNode, visit: (n: ExprNode) => void): void {
  const stack: ExprNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as ExprNode;
    visit(n);
    if (n.kind === 'unary') stack.push(n.arg);
    else if (n.kind === 'binary') stack.push(n.right, n.left);
    else if (n.kind === 'index') stack.push(n.index, n.target);
    else if (n.kind === 'call') for (let i = n.args.length - 1; i >= 0; i--) stack.push(n.args[i]);
  }
}

/**
 * Throws ExprError at the first call to an unknown function, with the wrong number of arguments, or
 * (for grad-like functions) with an argument that is not a bare name. `nameFunctions` lists the functions
 * of one name the scope will answer (default: grad, grad_at).
 */
export function checkCalls(node: ExprNode, nameFunctions: readonly string[] = NAME_FUNCTIONS): void {
  walk(node, (n) => {
    if (n.kind !== 'call') return;
    const fixed = isElementwise(n.fn) || isReduction(n.fn) ? 1 : MATRIX_FUNCTIONS.get(n.fn);
    if (fixed === undefined && !nameFunctions.includes(n.fn)) {
      throw new ExprError(`unknown function '${n.fn}'`, n.start, n.fn.length);
    }
    const want = fixed ?? 1;
    if (n.args.length !== want) throw nodeError(`${n.fn}() takes ${want} argument${want === 1 ? '' : 's'}, got ${n.args.length}`, n);
    if (fixed === undefined && n.args[0].kind !== 'name') throw nodeError(`${n.fn}() takes one name, as in ${n.fn}(W_hh)`, n.args[0]);
  });
}

/** The names an expression reads as values, each once, in order of first use (not the names inside grad(...)). */
export function referencedNames(node: ExprNode): string[] {
  const names = new Set<string>();
  const skip = new Set<ExprNode>();
  walk(node, (n) => {
    if (n.kind === 'call' && !isElementwise(n.fn) && !isReduction(n.fn) && !MATRIX_FUNCTIONS.has(n.fn)) n.args.forEach((a) => skip.add(a));
    if (n.kind === 'name' && !skip.has(n)) names.add(n.name);
  });
  return [...names];
}
