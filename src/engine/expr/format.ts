/** Canonical text of an expression, with the fewest parentheses that parse back to the same tree. */
import type { ExprNode } from './ast';
import { BINARY_PRECEDENCE, COMPARISON_PRECEDENCE, UNARY_PRECEDENCE } from './parser';

/** Postfix indexing and calls bind tightest of all. */
const POSTFIX_PRECEDENCE = UNARY_PRECEDENCE + 1;

/** How tightly the node's outermost operator binds. */
function precedence(node: ExprNode): number {
  if (node.kind === 'binary') return BINARY_PRECEDENCE.get(node.op) ?? 0;
  if (node.kind === 'unary' || (node.kind === 'number' && (node.value < 0 || Object.is(node.value, -0)))) return UNARY_PRECEDENCE;
  return POSTFIX_PRECEDENCE;
}

/** A number as the tokenizer reads it back: `1e-6`, `0.5`, `1000` (a negative one, from a built tree, reads back as unary minus). */
function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  const plain = String(value);
  const exp = value.toExponential().replace('e+', 'e'); // shortest digits that read back exactly
  return Math.abs(value) < 1 && exp.length < plain.length ? exp : plain; // 1e-6, not 0.000001; but 1000, not 1e3
}

/** A string literal: double quotes unless the value holds one. */
function formatString(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/**
 * `W_hh @ h_prev + b_h`, `norm(dh) < 1e-6`: binary operators spaced, calls and indexing tight, parentheses
 * only where precedence or left-associativity needs them (comparisons never chain, so they are wrapped).
 */
export function formatExpression(node: ExprNode): string {
  switch (node.kind) {
    case 'number':
      return formatNumber(node.value);
    case 'string':
      return formatString(node.value);
    case 'name':
      return node.name;
    case 'unary': {
      const arg = formatExpression(node.arg);
      return node.op + (precedence(node.arg) < UNARY_PRECEDENCE ? `(${arg})` : arg);
    }
    case 'binary': {
      const p = precedence(node);
      const lp = precedence(node.left);
      const rp = precedence(node.right);
      const leftParen = lp < p || (p === COMPARISON_PRECEDENCE && lp === p);
      const left = formatExpression(node.left);
      const right = formatExpression(node.right);
      return `${leftParen ? `(${left})` : left} ${node.op} ${rp <= p ? `(${right})` : right}`;
    }
    case 'call':
      return `${node.fn}(${node.args.map(formatExpression).join(', ')})`;
    case 'index': {
      const target = formatExpression(node.target);
      return `${precedence(node.target) < POSTFIX_PRECEDENCE ? `(${target})` : target}[${formatExpression(node.index)}]`;
    }
  }
}
