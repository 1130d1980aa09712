/**
 * Property tests (fast-check) for the expression language: parsing never throws anything but ExprError,
 * format/parse round-trips, and random arithmetic evaluates as JavaScript computes it directly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, ExprError, formatExpression, mapScope, parseExpression, type BinaryOp, type ExprNode, type ExprValue } from '../../src/engine/expr';
import { sexpr } from './helpers/expr';

const at = { start: 0, end: 0 };
const NAMES = ['a', 'b', 'c', 'W_hh', 'h_prev', 'x1', '_t'];
const BINARY: BinaryOp[] = ['+', '-', '*', '/', '@', '<', '<=', '>', '>=', '==', '!=', '&&', '||'];
const FUNCTIONS = ['tanh', 'norm', 'outer', 'grad', 'foo'];

/** Any tree the parser could produce (offsets zeroed): numbers are non-negative, strings hold one kind of quote. */
const anyTree: fc.Arbitrary<ExprNode> = fc.letrec<{ node: ExprNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.nat(1000), fc.double({ min: 0, max: 1e30, noNaN: true }), fc.constantFrom(1e-6, 0.5, 1e21, 5e-324)).map((value) => ({ kind: 'number' as const, value, ...at })),
    fc.string({ maxLength: 5 }).filter((s) => !s.includes('\n') && !(s.includes('"') && s.includes("'"))).map((value) => ({ kind: 'string' as const, value, ...at })),
    fc.constantFrom(...NAMES).map((name) => ({ kind: 'name' as const, name, ...at })),
    fc.record({ op: fc.constantFrom('-' as const, '!' as const), arg: tie('node') }).map((r) => ({ kind: 'unary' as const, ...r, ...at })),
    fc.record({ op: fc.constantFrom(...BINARY), left: tie('node'), right: tie('node') }).map((r) => ({ kind: 'binary' as const, ...r, ...at })),
    fc.record({ fn: fc.constantFrom(...FUNCTIONS), args: fc.array(tie('node'), { maxLength: 3 }) }).map((r) => ({ kind: 'call' as const, ...r, ...at })),
    fc.record({ target: tie('node'), index: tie('node') }).map((r) => ({ kind: 'index' as const, ...r, ...at })),
  ),
})).node;

/** Text made of the language's own pieces, so most of it gets deep into the parser before failing. */
const soup = fc
  .array(fc.constantFrom('a', 'h', '1', '.5', '1e', 'e-3', ' ', '(', ')', '[', ']', ',', '+', '-', '*', '/', '@', '<', '<=', '==', '=', '!', '!=', '&&', '||', '&', '"x"', "'", '"', 'norm', 'grad', '#', '.', '\n', '$', 'é'), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('expression properties', () => {
  it('parseExpression throws nothing but ExprError, positioned inside or just past the source', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 40, unit: 'binary' })), (src) => {
        try {
          parseExpression(src);
        } catch (e) {
          if (!(e instanceof ExprError)) throw e;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(src.length);
          expect(e.message).toMatch(/ at (line \d+, )?column \d+$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('format then parse gives back the same tree, and formatting is stable', () => {
    fc.assert(
      fc.property(anyTree, (tree) => {
        const text = formatExpression(tree);
        const back = parseExpression(text);
        expect(sexpr(back)).toBe(sexpr(tree));
        expect(formatExpression(back)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('parse then format then parse keeps the tree for text from the pieces above', () => {
    fc.assert(
      fc.property(soup, (src) => {
        let tree: ExprNode;
        try {
          tree = parseExpression(src);
        } catch {
          return;
        }
        expect(sexpr(parseExpression(formatExpression(tree)))).toBe(sexpr(tree));
      }),
      { numRuns: 3000 },
    );
  });

  it('evaluating any tree throws nothing but ExprError, whatever the names hold', () => {
    const values = fc.constantFrom<ExprValue>(
      0, 2, -1.5, NaN, 'backward', true,
      { shape: [2], data: Float64Array.of(1, -2) },
      { shape: [3], data: Float64Array.of(0.5, 0, 3) },
      { shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) },
      { shape: [3, 2], data: Float64Array.of(1, 0, 0, 1, 1, 1) },
      { shape: [0], data: new Float64Array(0) },
    );
    fc.assert(
      fc.property(anyTree, fc.array(values, { minLength: NAMES.length, maxLength: NAMES.length }), (tree, vals) => {
        const scope = mapScope(new Map(NAMES.map((n, i) => [n, vals[i]])), (fn, name) => (fn === 'grad' && name !== 'x1' ? vals[0] : undefined));
        try {
          evaluate(tree, scope);
        } catch (e) {
          if (!(e instanceof ExprError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  /** A random arithmetic expression over a, b, c and small numbers, as text and as its value computed directly. */
  type Arith = { text: string; value: (env: Record<string, number>) => number };
  const arith: fc.Arbitrary<Arith> = fc.letrec<{ e: Arith }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: 0, max: 20 }).map((n) => ({ text: String(n), value: () => n })),
      fc.constantFrom('a', 'b', 'c').map((n) => ({ text: n, value: (env: Record<string, number>) => env[n] })),
      tie('e').map((x) => ({ text: `-(${x.text})`, value: (env: Record<string, number>) => -x.value(env) })),
      fc.record({ op: fc.constantFrom('+', '-', '*', '/'), l: tie('e'), r: tie('e') }).map(({ op, l, r }) => ({
        text: `(${l.text}) ${op} (${r.text})`,
        value: (env: Record<string, number>) => {
          const x = l.value(env);
          const y = r.value(env);
          return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
        },
      })),
    ),
  })).e;

  it('random arithmetic on numbers evaluates exactly as JavaScript computes it', () => {
    fc.assert(
      fc.property(arith, fc.double({ noNaN: true, min: -100, max: 100 }), fc.double({ noNaN: true, min: -100, max: 100 }), fc.integer({ min: -5, max: 5 }), (e, a, b, c) => {
        const got = evaluate(parseExpression(e.text), mapScope({ a, b, c }));
        expect(Object.is(got, e.value({ a, b, c })) || (Number.isNaN(got) && Number.isNaN(e.value({ a, b, c })))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('random arithmetic on vectors (with scalars broadcast) evaluates element by element as JavaScript does', () => {
    fc.assert(
      fc.property(arith, fc.array(fc.double({ noNaN: true, min: -10, max: 10 }), { minLength: 3, maxLength: 3 }), fc.double({ noNaN: true, min: -10, max: 10 }), (e, av, b) => {
        const c = [1, -2, 0.5];
        const got = evaluate(parseExpression(e.text), mapScope({ a: { shape: [3], data: Float64Array.from(av) }, b, c: { shape: [3], data: Float64Array.from(c) } }));
        for (let i = 0; i < 3; i++) {
          const want = e.value({ a: av[i], b, c: c[i] });
          const v = typeof got === 'number' ? got : (got as { data: Float64Array }).data[i];
          expect(Object.is(v, want) || (Number.isNaN(v) && Number.isNaN(want))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
