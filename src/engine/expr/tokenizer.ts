/** Splits expression source into tokens: numbers, strings, names and operators, each with its offsets. */
import { ExprError } from './ast';

export type TokenKind = 'number' | 'string' | 'name' | 'op' | 'end';

/** One token; `text` is the operator or name, `value` the number or string contents. */
export interface Token {
  kind: TokenKind;
  text: string;
  value?: number | string;
  start: number;
  end: number;
}

/** Operators, longest first so `<=` wins over `<`. A lone `=` is a token so the parser can explain it. */
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '+', '-', '*', '/', '@', '<', '>', '!', '(', ')', '[', ']', ',', '='];

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

/** What a character is called in an error: printable ones quoted, others by code point. */
function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 32 || code === 127 || code > 126 ? `character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `character '${ch}'`;
}

/**
 * Tokens of `text` between `from` and `to` (offsets stay relative to the whole text), ending with an `end` token.
 * Throws ExprError positioned against `text`.
 */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (isDigit(c) || (c === 46 && i + 1 < to && isDigit(text.charCodeAt(i + 1)))) {
      i = readNumber(text, i, to, tokens);
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (j < to && isNameChar(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'name', text: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (c === 34 || c === 39) {
      const quote = text[i];
      let j = i + 1;
      while (j < to && text[j] !== quote && text[j] !== '\n') j++;
      if (j >= to || text[j] !== quote) throw new ExprError(`unterminated string: expected a closing ${quote}`, i, j - i, text);
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value: text.slice(i + 1, j), start: i, end: j + 1 });
      i = j + 1;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i) && i + o.length <= to);
      if (op === undefined) {
        const ch = String.fromCodePoint(text.codePointAt(i) ?? c);
        const hint = ch === '&' ? ": expected '&&'" : ch === '|' ? ": expected '||'" : ch === '.' ? ' (there is no property access)' : '';
        throw new ExprError(`unexpected ${describeChar(ch)}${hint}`, i, ch.length, text);
      }
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: '', start: to, end: to });
  return tokens;
}

/** Reads digits [. digits] [e [+-] digits] (or .digits ...) at i; pushes the token and returns the next offset. */
function readNumber(text: string, i: number, to: number, tokens: Token[]): number {
  let j = i;
  while (j < to && isDigit(text.charCodeAt(j))) j++;
  if (j < to && text[j] === '.') {
    j++;
    while (j < to && isDigit(text.charCodeAt(j))) j++;
  }
  if (j < to && (text[j] === 'e' || text[j] === 'E')) {
    let k = j + 1;
    if (k < to && (text[k] === '+' || text[k] === '-')) k++;
    if (k >= to || !isDigit(text.charCodeAt(k))) throw new ExprError('expected digits in the exponent', j, k - j, text);
    while (k < to && isDigit(text.charCodeAt(k))) k++;
    j = k;
  }
  if (j < to && isNameChar(text.charCodeAt(j))) throw new ExprError(`unexpected '${text[j]}' after a number`, j, 1, text);
  const literal = text.slice(i, j);
  const value = Number(literal);
  if (!Number.isFinite(value)) throw new ExprError(`number ${literal} is too large`, i, j - i, text);
  tokens.push({ kind: 'number', text: literal, value, start: i, end: j });
  return j;
}
