/**
 * A Pratt parser for the expression language. Precedence, low to high: `||`, `&&`, comparisons (not chained),
 * `+ -`, `* /`, `@`, unary `- !`, then postfix `a[i]` and calls `f(args)`. Binary operators are left-associative.
 */
import { ExprError, MAX_DEPTH, MAX_EXPRESSION_LENGTH, type BinaryOp, type ExprNode } from './ast';
import { tokenize, type Token } from './tokenizer';

/** Binding power of each binary operator (higher binds tighter). */
export const BINARY_PRECEDENCE: ReadonlyMap<string, number> = new Map<BinaryOp, number>([
  ['||', 1],
  ['&&', 2],
  ['==', 3], ['!=', 3], ['<', 3], ['<=', 3], ['>', 3], ['>=', 3],
  ['+', 4], ['-', 4],
  ['*', 5], ['/', 5],
  ['@', 6],
]);
/** Precedence of the comparisons, which do not chain (`a < b < c` is an error). */
export const COMPARISON_PRECEDENCE = 3;
/** Unary `-` and `!` bind tighter than every binary operator. */
export const UNARY_PRECEDENCE = 7;

/** Parses one expression; throws ExprError (with `line` too when `src` has several lines). */
export function parseExpression(src: string): ExprNode {
  if (src.length > MAX_EXPRESSION_LENGTH) {
    throw new ExprError(`expression too long: ${src.length} characters (at most ${MAX_EXPRESSION_LENGTH})`, MAX_EXPRESSION_LENGTH, src.length - MAX_EXPRESSION_LENGTH, src);
  }
  return parseTokens(src, tokenize(src), 0);
}

/** Parses tokens[first..] (tokens of `text`) as one whole expression: anything left over is an error. */
export function parseTokens(text: string, tokens: Token[], first: number): ExprNode {
  const p = new Parser(text, tokens, first);
  const { node } = p.expression(0, 1);
  p.expectEnd();
  return node;
}

/** A node with its height (levels of nesting below and including it). */
interface Parsed {
  node: ExprNode;
  height: number;
}

const show = (t: Token): string => (t.kind === 'end' ? 'the end' : `'${t.text}'`);

class Parser {
  constructor(private readonly text: string, private readonly tokens: Token[], private pos: number) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.tokens[this.pos];
    return t.kind === 'op' && t.text === text;
  }

  private error(reason: string, t: Token): ExprError {
    return new ExprError(reason, t.start, Math.max(1, t.end - t.start), this.text);
  }

  /** Throws unless the next token is the operator `text`; returns it. */
  private expect(text: string): Token {
    if (!this.isOp(text)) throw this.error(`expected '${text}'`, this.peek());
    return this.next();
  }

  /** A node built from children: its height must stay within MAX_DEPTH. */
  private built(node: ExprNode, childHeight: number, at: Token): Parsed {
    const height = childHeight + 1;
    if (height > MAX_DEPTH) throw this.error(`expression nested too deeply (more than ${MAX_DEPTH} levels)`, at);
    return { node, height };
  }

  /** The whole input has been read. */
  expectEnd(): void {
    const t = this.peek();
    if (t.kind === 'end') return;
    if (t.kind === 'op' && t.text === '=') throw this.error(`unexpected '=': did you mean '=='?`, t);
    if (t.kind === 'op') throw this.error(`unexpected ${show(t)}`, t);
    throw this.error(`expected an operator before ${show(t)}`, t);
  }

  /** Binary operators of precedence >= minPrec over unary operands. */
  expression(minPrec: number, depth: number): Parsed {
    let left = this.unary(depth);
    let afterComparison = false;
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'op' ? BINARY_PRECEDENCE.get(t.text) : undefined;
      if (prec === undefined || prec < minPrec) return left;
      if (prec === COMPARISON_PRECEDENCE && afterComparison) {
        throw this.error(`comparisons cannot be chained: join them with && (a < b && b < c)`, t);
      }
      this.next();
      const right = this.expression(prec + 1, depth + 1);
      const node: ExprNode = { kind: 'binary', op: t.text as BinaryOp, left: left.node, right: right.node, start: left.node.start, end: right.node.end, opStart: t.start };
      left = this.built(node, Math.max(left.height, right.height), t);
      afterComparison = prec === COMPARISON_PRECEDENCE;
    }
  }

  /** `-x`, `!x`, or a postfix expression. Every level of nesting passes here, so depth is checked here. */
  private unary(depth: number): Parsed {
    const t = this.peek();
    if (depth > MAX_DEPTH) throw this.error(`expression nested too deeply (more than ${MAX_DEPTH} levels)`, t);
    if (t.kind === 'op' && (t.text === '-' || t.text === '!')) {
      this.next();
      const arg = this.unary(depth + 1);
      return this.built({ kind: 'unary', op: t.text, arg: arg.node, start: t.start, end: arg.node.end }, arg.height, t);
    }
    return this.postfix(depth);
  }

  /** A primary followed by any number of `[index]`. */
  private postfix(depth: number): Parsed {
    let target = this.primary(depth);
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && t.text === '[') {
        this.next();
        const index = this.expression(0, depth + 1);
        const close = this.expect(']');
        const node: ExprNode = { kind: 'index', target: target.node, index: index.node, start: target.node.start, end: close.end };
        target = this.built(node, Math.max(target.height, index.height), t);
      } else if (t.kind === 'op' && t.text === '(') {
        throw this.error(`unexpected '(': only a function name can be called, as in norm(h)`, t);
      } else {
        return target;
      }
    }
  }

  /** A number, a string, a name, a call `f(a, b)` or a parenthesized expression. */
  private primary(depth: number): Parsed {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { node: { kind: 'number', value: t.value as number, start: t.start, end: t.end }, height: 1 };
      case 'string':
        return { node: { kind: 'string', value: t.value as string, start: t.start, end: t.end }, height: 1 };
      case 'name':
        return this.isOp('(') ? this.call(t, depth) : { node: { kind: 'name', name: t.text, start: t.start, end: t.end }, height: 1 };
      case 'end':
        throw this.error('expected an expression', t);
      case 'op':
        if (t.text === '(') {
          const inner = this.expression(0, depth + 1);
          this.expect(')');
          return inner;
        }
        if (t.text === '=') throw this.error(`unexpected '=': did you mean '=='?`, t);
        throw this.error(`expected an expression, found ${show(t)}`, t);
    }
  }

  /** `fn(arg, ...)`, the name already read and '(' next. */
  private call(name: Token, depth: number): Parsed {
    this.next();
    const args: ExprNode[] = [];
    let height = 0;
    if (!this.isOp(')')) {
      for (;;) {
        const arg = this.expression(0, depth + 1);
        args.push(arg.node);
        height = Math.max(height, arg.height);
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        if (this.isOp(')')) break;
        throw this.error(`expected ',' or ')'`, this.peek());
      }
    }
    const close = this.next();
    return this.built({ kind: 'call', fn: name.text, args, start: name.start, end: close.end }, height, name);
  }
}
