/** The expression language's tree, values, scope and error: the types every other part shares. */
import type { Tensor } from '../types';

/** Longest source accepted by parseExpression (and longest line in an equations block). */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** Deepest tree accepted: parentheses, operators and calls all count one level each. */
export const MAX_DEPTH = 100;
/** Deepest tree evaluate accepts (trees built by code, not parsed, may be deeper than MAX_DEPTH). */
export const MAX_EVAL_DEPTH = 1_000;
/** Most elements a tensor made by an expression (a product, an outer product) may have: 32 MB of doubles. */
export const MAX_TENSOR_ELEMENTS = 4_000_000;

export type UnaryOp = '-' | '!';
export type BinaryOp = '+' | '-' | '*' | '/' | '@' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';

/** A node of a parsed expression; `start`/`end` are 0-based offsets into the source, end exclusive. */
export type ExprNode =
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'name'; name: string; start: number; end: number }
  | { kind: 'unary'; op: UnaryOp; arg: ExprNode; start: number; end: number }
  /** `opStart`: offset of the operator, where shape errors point (absent on built nodes: the node's start is used). */
  | { kind: 'binary'; op: BinaryOp; left: ExprNode; right: ExprNode; start: number; end: number; opStart?: number }
  | { kind: 'call'; fn: string; args: ExprNode[]; start: number; end: number }
  | { kind: 'index'; target: ExprNode; index: ExprNode; start: number; end: number };

/** What an expression evaluates to: a number, a boolean, a string, or a vector [n] / matrix [r,c]. */
export type ExprValue = number | boolean | string | Tensor;

/** Where names come from. Names are resolved only here, never by property access on JS objects. */
export interface ExprScope {
  /** The value of a bare name, or undefined when the name is unknown. */
  lookup(name: string): ExprValue | undefined;
  /**
   * A function whose one argument is a bare name, such as `grad(W_hh)` or `grad_at(W_hh)`: undefined when
   * `fn` or `name` is unknown. May throw an Error whose message is reported at the argument.
   */
  nameFunction?(fn: string, name: string): ExprValue | undefined;
}

/** Line (1-based) and column (1-based) of a 0-based offset in text. */
export function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * A positioned error in an expression. `reason` says what is wrong (`expected ')'`), `message` adds where
 * (`expected ')' at column 12`, or `at line 2, column 5` for multi-line text).
 */
export class ExprError extends Error {
  /** 1-based column (within `line` when the text has several lines). */
  readonly column: number;
  /** 1-based line, set when the source has more than one line. */
  readonly line?: number;

  /**
   * @param reason what is wrong, without position
   * @param offset 0-based offset of the offending text
   * @param length its length (at least 1 where anything is there to point at)
   * @param text the source, to compute line and column; without it, column = offset + 1
   */
  constructor(readonly reason: string, readonly offset: number, readonly length: number, text?: string) {
    const multiLine = text !== undefined && text.includes('\n');
    const pos = text === undefined ? { line: 1, column: offset + 1 } : locate(text, offset);
    super(multiLine ? `${reason} at line ${pos.line}, column ${pos.column}` : `${reason} at column ${pos.column}`);
    this.name = 'ExprError';
    this.column = pos.column;
    if (multiLine) this.line = pos.line;
  }
}

/** The same error positioned against `text` (for nodes of an equations block, whose offsets span the whole text). */
export function locateError(err: ExprError, text: string): ExprError {
  return new ExprError(err.reason, err.offset, err.length, text);
}

/** An error pointing at a whole node. */
export function nodeError(reason: string, node: ExprNode): ExprError {
  return new ExprError(reason, node.start, Math.max(1, node.end - node.start));
}
