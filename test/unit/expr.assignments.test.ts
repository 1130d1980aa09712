/** Equation blocks: one `name = expression` a line, with comments, blank lines, and positioned errors. */
import { describe, expect, it } from 'vitest';
import { evaluate, ExprError, locateError, mapScope, parseAssignments } from '../../src/engine/expr';
import { caught, sexpr } from './helpers/expr';

const RNN = `# an Elman cell
a = W_xh @ x + W_hh @ h_prev + b_h   # pre-activation

h = tanh(a)
`;

describe('parseAssignments', () => {
  it('reads targets, trees, lines and offsets relative to the whole text', () => {
    const out = parseAssignments(RNN);
    expect(out.map((a) => [a.target, sexpr(a.expr), a.line])).toEqual([
      ['a', '(+ (+ (@ W_xh x) (@ W_hh h_prev)) b_h)', 2],
      ['h', '(call tanh a)', 4],
    ]);
    const [a, h] = out;
    expect(a.lineOffset).toBe(RNN.indexOf('a ='));
    expect(a.targetOffset).toBe(RNN.indexOf('a ='));
    expect(RNN.slice(a.expr.start, a.expr.end)).toBe('W_xh @ x + W_hh @ h_prev + b_h');
    expect(h.lineOffset).toBe(RNN.indexOf('h ='));
    expect(RNN.slice(h.expr.start, h.expr.end)).toBe('tanh(a)');
  });

  it('allows indentation, CRLF line ends, and # inside a string literal', () => {
    const text = '  f = sigmoid(z)\r\n\r\n\tg = phase == "#1" # comment';
    const out = parseAssignments(text);
    expect(out.map((a) => [a.target, a.line, a.targetOffset, a.lineOffset])).toEqual([['f', 1, 2, 0], ['g', 3, 21, 20]]);
    expect(sexpr(out[1].expr)).toBe('(== phase "#1")');
  });

  it('an empty block or one of comments has no assignments', () => {
    expect(parseAssignments('')).toEqual([]);
    expect(parseAssignments('# nothing\n\n   # here\n')).toEqual([]);
  });

  it.each([
    ['h = tanh(a', 1, 11, "expected ',' or ')'"],
    ['a = 1\nh tanh(a)', 2, 3, "expected '=' after 'h'"],
    ['a = 1\nh[0] = 1', 2, 2, 'the target must be a bare name: h = ...'],
    ['a = 1\n\n2 = a', 3, 1, 'expected a name to assign to, as in h = tanh(a)'],
    ['= a', 1, 1, 'expected a name to assign to, as in h = tanh(a)'],
    ['a = b = c', 1, 7, "unexpected '=': did you mean '=='?"],
    ['a =', 1, 4, 'expected an expression'],
    ['a = 1 # x\nb = a\na = 2', 3, 1, "'a' is already assigned on line 1"],
    ['a = x y', 1, 7, "expected an operator before 'y'"],
    ['a = x )', 1, 7, "unexpected ')'"],
    ['a = 1\n  b = x.y', 2, 8, "unexpected character '.' (there is no property access)"],
    ['a = "open', 1, 5, 'unterminated string: expected a closing "'],
    ['a = "open\nb = 1"', 1, 5, 'unterminated string: expected a closing "'],
  ])('%j: line %i, column %i: %s', (text, line, column, reason) => {
    const e = caught(() => parseAssignments(text));
    expect([e.line, e.column, e.reason]).toEqual([line, column, reason]);
    expect(e.message).toBe(`${reason} at line ${line}, column ${column}`);
  });

  it('bounds a line to 10,000 characters and the block to 100,000', () => {
    const long = 'a = ' + 'x + '.repeat(2_500) + 'x';
    expect(caught(() => parseAssignments('b = 1\n' + long)).message).toBe('line too long: 10005 characters (at most 10000) at line 2, column 10001');
    const many = Array.from({ length: 5_000 }, (_, i) => `v${i} = ${i} # ${'-'.repeat(10)}`).join('\n');
    expect(many.length).toBeGreaterThan(100_000);
    expect(caught(() => parseAssignments(many)).reason).toBe(`equations too long: ${many.length} characters (at most 100000)`);
  });

  it('an evaluation error in a block is placed on its line with locateError', () => {
    const text = 'a = 2 * x\n  h = tanh(a) + nope';
    const [, h] = parseAssignments(text);
    const e = caught(() => evaluate(h.expr, mapScope({ a: 1 })));
    expect(e.offset).toBe(text.indexOf('nope'));
    const placed = locateError(e, text);
    expect(placed).toBeInstanceOf(ExprError);
    expect([placed.line, placed.column, placed.offset, placed.length]).toEqual([2, 17, e.offset, 4]);
    expect(placed.message).toBe("unknown name 'nope' at line 2, column 17");
  });
});
