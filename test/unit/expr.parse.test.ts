/** The expression parser: trees, precedence, offsets, and every syntax error with its exact column. */
import { describe, expect, it } from 'vitest';
import { ExprError, MAX_DEPTH, parseExpression } from '../../src/engine/expr';
import { caught, tree } from './helpers/expr';

describe('parseExpression: trees', () => {
  it.each([
    ['1', '1'],
    ['1e-6', '0.000001'],
    ['.5', '0.5'],
    ['2.5E+3', '2500'],
    ['"backward"', '"backward"'],
    ["'forward'", '"forward"'],
    ['W_hh', 'W_hh'],
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['W @ x + b', '(+ (@ W x) b)'],
    ['2 * W @ x', '(* 2 (@ W x))'],
    ['A @ B @ x', '(@ (@ A B) x)'],
    ['-a @ b', '(@ (- a) b)'],
    ['-a[0]', '(- (index a 0))'],
    ['--a', '(- (- a))'],
    ['!a && b', '(&& (! a) b)'],
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c', '(|| (&& a b) c)'],
    ['a < b && c >= d', '(&& (< a b) (>= c d))'],
    ['a + 1 <= b * 2', '(<= (+ a 1) (* b 2))'],
    ['a == b != c'.replace(' != c', ''), '(== a b)'],
    ['phase == "backward" && t == 3', '(&& (== phase "backward") (== t 3))'],
    ['norm(dh) < 1e-6', '(< (call norm dh) 0.000001)'],
    ['grad(W_hh)[0][1]', '(index (index (call grad W_hh) 0) 1)'],
    ['W_hh[1][2]', '(index (index W_hh 1) 2)'],
    ['h[t - 1]', '(index h (- t 1))'],
    ['(a + b)[0]', '(index (+ a b) 0)'],
    ['outer(u, v)', '(call outer u v)'],
    ['f()', '(call f)'],
    ['max(abs(x - y))', '(call max (call abs (- x y)))'],
    [' \t a \n + b ', '(+ a b)'],
  ])('%s', (src, expected) => expect(tree(src)).toBe(expected));

  it('records 0-based start and end offsets (end exclusive) and the operator offset', () => {
    const n = parseExpression('norm(dh) < 1e-6');
    expect(n).toMatchObject({ kind: 'binary', start: 0, end: 15, opStart: 9 });
    if (n.kind !== 'binary') throw new Error('binary expected');
    expect(n.left).toMatchObject({ kind: 'call', fn: 'norm', start: 0, end: 8 });
    expect(n.right).toMatchObject({ kind: 'number', value: 1e-6, start: 11, end: 15 });
    const idx = parseExpression(' h[ 2 ] ');
    expect(idx).toMatchObject({ kind: 'index', start: 1, end: 7, target: { start: 1, end: 2 }, index: { start: 4, end: 5 } });
    // Parentheses are not nodes: the inner node keeps its own offsets.
    expect(parseExpression('(a)')).toMatchObject({ kind: 'name', start: 1, end: 2 });
    expect(parseExpression('-x')).toMatchObject({ kind: 'unary', start: 0, end: 2, arg: { start: 1, end: 2 } });
  });
});

describe('parseExpression: errors name their column and what was expected', () => {
  it.each([
    ['(a + b', "expected ')' at column 7"],
    ['norm(h', "expected ',' or ')' at column 7"],
    ['norm(h,', 'expected an expression at column 8'],
    ['h[0', "expected ']' at column 4"],
    ['1 +', 'expected an expression at column 4'],
    ['', 'expected an expression at column 1'],
    ['a b', "expected an operator before 'b' at column 3"],
    ['a )', "unexpected ')' at column 3"],
    ['* a', "expected an expression, found '*' at column 1"],
    ['h = 1', "unexpected '=': did you mean '=='? at column 3"],
    ['a & b', "unexpected character '&': expected '&&' at column 3"],
    ['a | b', "unexpected character '|': expected '||' at column 3"],
    ['a.b', "unexpected character '.' (there is no property access) at column 2"],
    ['a $ b', "unexpected character '$' at column 3"],
    ['a ≤ b', 'unexpected character U+2264 at column 3'],
    ['"abc', 'unterminated string: expected a closing " at column 1'],
    ["x == 'a", "unterminated string: expected a closing ' at column 6"],
    ['1e', 'expected digits in the exponent at column 2'],
    ['1e+', 'expected digits in the exponent at column 2'],
    ['2x', "unexpected 'x' after a number at column 2"],
    ['1e999', 'number 1e999 is too large at column 1'],
    ['a < b < c', 'comparisons cannot be chained: join them with && (a < b && b < c) at column 7'],
    ['a == b == c', 'comparisons cannot be chained: join them with && (a < b && b < c) at column 8'],
    ['f(x)(y)', "unexpected '(': only a function name can be called, as in norm(h) at column 5"],
    ['(f)(x)', "unexpected '(': only a function name can be called, as in norm(h) at column 4"],
  ])('%s', (src, message) => {
    const e = caught(() => parseExpression(src));
    expect(e).toBeInstanceOf(ExprError);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe(message);
    expect(e.column).toBe(Number(/column (\d+)$/.exec(message)?.[1]));
    expect(e.offset).toBe(e.column - 1);
    expect(e.line).toBeUndefined();
  });

  it('carries the reason apart from the position, and the length of the offending text', () => {
    const e = caught(() => parseExpression('x + 1e999'));
    expect(e.reason).toBe('number 1e999 is too large');
    expect([e.offset, e.length, e.column]).toEqual([4, 5, 5]);
  });

  it('gives a line and a column within it for multi-line input', () => {
    const e = caught(() => parseExpression('a +\n  (b'));
    expect([e.line, e.column]).toEqual([2, 5]);
    expect(e.message).toBe("expected ')' at line 2, column 5");
  });

  it('comparisons chain once parenthesized', () => expect(tree('(a < b) == c')).toBe('(== (< a b) c)'));
});

describe('parseExpression: bounds', () => {
  it('accepts 10,000 characters and refuses 10,001 with a positioned error', () => {
    const ok = 'a' + ' '.repeat(9_999);
    expect(tree(ok)).toBe('a');
    const e = caught(() => parseExpression(ok + ' '));
    expect(e.message).toBe('expression too long: 10001 characters (at most 10000) at column 10001');
  });

  it(`accepts nesting ${MAX_DEPTH} deep and refuses one more, without a stack overflow`, () => {
    expect(tree('('.repeat(MAX_DEPTH - 1) + 'a' + ')'.repeat(MAX_DEPTH - 1))).toBe('a');
    const e = caught(() => parseExpression('('.repeat(MAX_DEPTH) + 'a' + ')'.repeat(MAX_DEPTH)));
    expect(e.message).toBe(`expression nested too deeply (more than ${MAX_DEPTH} levels) at column ${MAX_DEPTH + 1}`);
  });

  it.each([
    ['parentheses', '('.repeat(5_000) + ')'.repeat(5_000)],
    ['unary minus', '-'.repeat(9_999) + '1'],
    ['indexing', 'h' + '[0]'.repeat(3_000)],
    ['calls', 'abs('.repeat(1_999) + 'x' + ')'.repeat(1_999)],
    ['a long chain', Array(5_000).fill('1').join('+')],
    ['right-nested operators', Array(2_499).fill('a*(').join('') + '1' + ')'.repeat(2_499)],
  ])('refuses 10,000 characters of %s with a positioned ExprError', (_what, src) => {
    expect(src.length).toBeLessThanOrEqual(10_000);
    const e = caught(() => parseExpression(src));
    expect(e.reason).toBe(`expression nested too deeply (more than ${MAX_DEPTH} levels)`);
    expect(e.column).toBeGreaterThan(1);
  });

  it('a chain of 100 terms is fine: the depth counts tree levels', () => {
    expect(() => parseExpression(Array(MAX_DEPTH).fill('x').join(' + '))).not.toThrow();
    expect(caught(() => parseExpression(Array(MAX_DEPTH + 2).fill('x').join(' + '))).reason).toMatch(/nested too deeply/);
  });
});
