/** Equation blocks: one `name = expression` a line, `#` comments and blank lines allowed. */
import { ExprError, MAX_EXPRESSION_LENGTH, type ExprNode } from './ast';
import { parseTokens } from './parser';
import { tokenize } from './tokenizer';

/** Longest equations block accepted, in characters. */
export const MAX_ASSIGNMENTS_LENGTH = 100_000;

/** One line of an equations block. Offsets (targetOffset and the expression's nodes) count from the start of the whole text. */
export interface Assignment {
  target: string;
  targetOffset: number;
  expr: ExprNode;
  /** 1-based line within the text. */
  line: number;
  /** Offset of the line's first character in the text. */
  lineOffset: number;
}

/** Where a line's comment starts (a `#` outside string literals), or the line's end. */
function commentStart(text: string, from: number, to: number): number {
  let quote = '';
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#') {
      return i;
    }
  }
  return to;
}

/**
 * Parses an equations block. Each non-blank line must be `name = expression`; a name may be assigned once.
 * Throws ExprError with `line` and `column` (1-based within `text`).
 */
export function parseAssignments(text: string): Assignment[] {
  // A '\n' appended keeps line numbers in every error, even for a one-line block.
  const where = text.includes('\n') ? text : text + '\n';
  if (text.length > MAX_ASSIGNMENTS_LENGTH) {
    throw new ExprError(`equations too long: ${text.length} characters (at most ${MAX_ASSIGNMENTS_LENGTH})`, MAX_ASSIGNMENTS_LENGTH, text.length - MAX_ASSIGNMENTS_LENGTH, where);
  }
  const out: Assignment[] = [];
  const seen = new Map<string, number>();
  let lineOffset = 0;
  for (let line = 1; lineOffset <= text.length; line++) {
    const nl = text.indexOf('\n', lineOffset);
    const lineEnd = nl < 0 ? text.length : nl;
    const end = commentStart(text, lineOffset, lineEnd);
    if (end - lineOffset > MAX_EXPRESSION_LENGTH) {
      throw new ExprError(`line too long: ${end - lineOffset} characters (at most ${MAX_EXPRESSION_LENGTH})`, lineOffset + MAX_EXPRESSION_LENGTH, end - lineOffset - MAX_EXPRESSION_LENGTH, where);
    }
    const tokens = tokenize(where, lineOffset, end);
    if (tokens.length > 1) out.push(assignment(where, tokens, line, lineOffset, seen));
    if (nl < 0) break;
    lineOffset = nl + 1;
  }
  return out;
}

function assignment(text: string, tokens: ReturnType<typeof tokenize>, line: number, lineOffset: number, seen: Map<string, number>): Assignment {
  const [target, eq] = tokens;
  const at = (reason: string, t: { start: number; end: number }) => new ExprError(reason, t.start, Math.max(1, t.end - t.start), text);
  if (target.kind !== 'name') throw at(`expected a name to assign to, as in h = tanh(a)`, target);
  if (eq.kind !== 'op' || eq.text !== '=') {
    throw at(eq.kind === 'op' && eq.text === '[' ? `the target must be a bare name: ${target.text} = ...` : `expected '=' after '${target.text}'`, eq);
  }
  const before = seen.get(target.text);
  if (before !== undefined) throw at(`'${target.text}' is already assigned on line ${before}`, target);
  seen.set(target.text, line);
  const expr = parseTokens(text, tokens, 2);
  return { target: target.text, targetOffset: target.start, expr, line, lineOffset };
}
