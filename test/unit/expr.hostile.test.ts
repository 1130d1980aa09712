/** Hostile input to the expression language: JavaScript escapes, prototype names, and inputs at every bound. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluate, ExprError, formatExpression, MAX_DEPTH, MAX_EVAL_DEPTH, mapScope, parseAssignments, parseExpression, type ExprNode,
} from '../../src/engine/expr';
import { caught, vec } from './helpers/expr';

const scope = mapScope({ x: vec(1, 2, 3) });

describe('hostile expressions', () => {
  it.each([
    ['constructor.constructor("return 1")()', "unexpected character '.' (there is no property access) at column 12"],
    ['constructor["constructor"]("return 1")()', "unexpected '(': only a function name can be called, as in norm(h) at column 27"],
    ['x.__proto__', "unexpected character '.' (there is no property access) at column 2"],
    ['`${1}`', "unexpected character '`' at column 1"],
    ['x; 1', "unexpected character ';' at column 2"],
    ['x = 1', "unexpected '=': did you mean '=='? at column 3"],
    ['this', "unknown name 'this' at column 1"],
    ['globalThis', "unknown name 'globalThis' at column 1"],
    ['__proto__', "unknown name '__proto__' at column 1"],
    ['constructor', "unknown name 'constructor' at column 1"],
    ['prototype', "unknown name 'prototype' at column 1"],
    ['valueOf', "unknown name 'valueOf' at column 1"],
    ['x["length"]', 'an index must be a number, got string at column 3'],
    ['x["constructor"]', 'an index must be a number, got string at column 3'],
    ['constructor(1)', "unknown function 'constructor' at column 1"],
    ['__defineGetter__(x, x)', "unknown function '__defineGetter__' at column 1"],
    ['eval("1")', "unknown function 'eval' at column 1"],
    ['Function("return 1")', "unknown function 'Function' at column 1"],
  ])('%s', (src, message) => {
    const e = caught(() => evaluate(parseExpression(src), scope));
    expect(e.message).toBe(message);
  });

  it('leaves Object.prototype as it was', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const src of ['__proto__', 'constructor', '__proto__(x)', 'grad(__proto__)', 'x[0]']) {
      try {
        evaluate(parseExpression(src), scope);
      } catch (e) {
        expect(e).toBeInstanceOf(ExprError);
      }
    }
    parseAssignments('__proto__ = 1\nconstructor = 2');
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });

  it('an equations block may assign __proto__ and constructor once each, like any name', () => {
    expect(parseAssignments('__proto__ = 1\nconstructor = 2').map((a) => a.target)).toEqual(['__proto__', 'constructor']);
    expect(caught(() => parseAssignments('__proto__ = 1\n__proto__ = 2')).message).toBe("'__proto__' is already assigned on line 1 at line 2, column 1");
  });

  it('random 10,000-character inputs end in a tree or a positioned ExprError', () => {
    const alphabet = fc.constantFrom('(', ')', '[', ']', 'a', '1', '-', '!', '+', '@', ' ', ',', 'f(', '"', '<');
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 10_000, maxLength: 10_000 }), (parts) => {
        const src = parts.join('').slice(0, 10_000);
        try {
          parseExpression(src);
        } catch (e) {
          if (!(e instanceof ExprError)) throw e;
          expect(e.offset).toBeLessThanOrEqual(src.length);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('the deepest parsed tree evaluates and formats', () => {
    const src = 'abs('.repeat(MAX_DEPTH - 2) + '-x' + ')'.repeat(MAX_DEPTH - 2);
    const node = parseExpression(src);
    expect([...(evaluate(node, scope) as { data: Float64Array }).data]).toEqual([1, 2, 3]);
    expect(formatExpression(node)).toBe(src);
  });

  it('a built tree too deep to evaluate gives an ExprError, not a stack overflow', () => {
    let node: ExprNode = { kind: 'number', value: 1, start: 0, end: 1 };
    for (let i = 0; i < 100_000; i++) node = { kind: 'unary', op: '-', arg: node, start: 0, end: 1 };
    expect(caught(() => evaluate(node, scope)).reason).toBe(`expression nested too deeply (more than ${MAX_EVAL_DEPTH} levels)`);
  });

  it('refuses products that would allocate more than 4,000,000 elements, before allocating', () => {
    const big = mapScope({ u: vec(...new Array<number>(3000).fill(1)), C: { shape: [3000, 1], data: new Float64Array(3000) }, R: { shape: [1, 3000], data: new Float64Array(3000) } });
    expect(caught(() => evaluate(parseExpression('outer(u, u)'), big)).message).toBe('the result would have 9000000 elements (at most 4000000) at column 1');
    expect(caught(() => evaluate(parseExpression('C @ R'), big)).message).toBe('the result would have 9000000 elements (at most 4000000) at column 3');
    expect(evaluate(parseExpression('R @ C'), big)).toEqual({ shape: [1, 1], data: Float64Array.of(0) });
  });
});
