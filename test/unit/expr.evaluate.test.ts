/** Evaluating expressions: values computed by hand, every operator and function, and every error's column. */
import { describe, expect, it } from 'vitest';
import { evaluate, mapScope, parseExpression, type ExprScope } from '../../src/engine/expr';
import { caught, mat, plain, vec } from './helpers/expr';

const W = mat([[1, 2, 3], [4, 5, 6]]); // [2,3]
const M = mat([[1, 0], [0, 1], [1, 1]]); // [3,2]
const scope: ExprScope = mapScope(
  { W, M, x: vec(1, 2, 3), u: vec(1, 2), v: vec(3, 4, 5), e: vec(), vec34: vec(3, 4), t: 3, zero: 0, phase: 'backward' },
  (fn, name) => {
    if (fn === 'grad' && name === 'W') return mat([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
    if (fn === 'grad_at' && name === 'W') throw new Error('grad_at needs a timestep in the backward phase');
    return undefined;
  },
);
const run = (src: string): unknown => plain(evaluate(parseExpression(src), scope));

describe('evaluate: values checked by hand', () => {
  it.each<[string, unknown]>([
    // W @ x = [1+4+9, 4+10+18]
    ['W @ x', { shape: [2], data: [14, 32] }],
    ['W @ M', { shape: [2, 2], data: [4, 5, 10, 11] }],
    ['x @ x', 14],
    ['u @ W', { shape: [3], data: [9, 12, 15] }],
    ['transpose(W) @ u', { shape: [3], data: [9, 12, 15] }],
    ['transpose(W)', { shape: [3, 2], data: [1, 4, 2, 5, 3, 6] }],
    ['transpose(x)', { shape: [3], data: [1, 2, 3] }],
    ['outer(u, v)', { shape: [2, 3], data: [3, 4, 5, 6, 8, 10] }],
    ['W @ x + 2 * u', { shape: [2], data: [16, 36] }],
    ['x + 1', { shape: [3], data: [2, 3, 4] }],
    ['1 - x', { shape: [3], data: [0, -1, -2] }],
    ['2 * x', { shape: [3], data: [2, 4, 6] }],
    ['x / 2', { shape: [3], data: [0.5, 1, 1.5] }],
    ['6 / x', { shape: [3], data: [6, 3, 2] }],
    ['x * x', { shape: [3], data: [1, 4, 9] }],
    ['x - v', { shape: [3], data: [-2, -2, -2] }],
    ['v / x', { shape: [3], data: [3, 2, 5 / 3] }],
    ['W * W', { shape: [2, 3], data: [1, 4, 9, 16, 25, 36] }],
    ['-x', { shape: [3], data: [-1, -2, -3] }],
    ['-W[1]', { shape: [3], data: [-4, -5, -6] }],
    ['W[1]', { shape: [3], data: [4, 5, 6] }],
    ['W[1][2]', 6],
    ['x[t - 1]', 3],
    ['grad(W)[1][0]', 0.4],
    ['1 + 2 * 3 - 4 / 8', 6.5],
    ['(1 + 2) * 3', 9],
    ['-2 * -3', 6],
    ['1 / zero', Infinity],
    ['norm(u @ W)', Math.sqrt(81 + 144 + 225)],
    ['norm(vec34)', 5],
    ['norm(W)', Math.sqrt(91)],
    ['norm(-3)', 3],
    ['sum(W)', 21],
    ['mean(W)', 3.5],
    ['max(W)', 6],
    ['min(W - 10)', -9],
    ['sum(7)', 7],
    ['sum(e)', 0],
    ['sigmoid(0)', 0.5],
    ['tanh(0)', 0],
    ['relu(x - 2)', { shape: [3], data: [0, 0, 1] }],
    ['exp(0)', 1],
    ['log(1)', 0],
    ['sqrt(x * x)', { shape: [3], data: [1, 2, 3] }],
    ['abs(1 - x)', { shape: [3], data: [0, 1, 2] }],
    ['softplus(0)', Math.LN2],
    ['step(x - 2)', { shape: [3], data: [0, 0, 1] }],
    ['tanh(W)[0][0]', Math.tanh(1)],
  ])('%s', (src, expected) => expect(run(src)).toEqual(expected));

  it('sigmoid and softplus stay finite on both tails', () => {
    expect(run('sigmoid(-1000)')).toBe(0);
    expect(run('sigmoid(1000)')).toBe(1);
    expect(run('softplus(1000)')).toBe(1000);
    expect(run('softplus(-1000)')).toBe(0);
    expect(run('softplus(-30)') as number).toBeCloseTo(Math.exp(-30), 25); // log(1 + e^-30) ≈ e^-30
    expect(run('norm(1e200 * x)')).toBeCloseTo(1e200 * Math.sqrt(14), -186); // no overflow in the squares
  });

  it('does not change the values it reads', () => {
    run('-W');
    run('W * 2');
    run('transpose(W)');
    expect(plain(W)).toEqual({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
  });
});

describe('evaluate: comparisons and logic', () => {
  it.each<[string, boolean]>([
    ['1 < 2', true], ['2 < 2', false], ['2 <= 2', true], ['3 > 2', true], ['2 > 2', false], ['2 >= 2', true],
    ['t == 3', true], ['t != 3', false],
    ['phase == "backward"', true], ["phase == 'forward'", false], ['phase != "forward"', true],
    ['phase == "backward" && t == 3', true],
    ['phase == "backward" && t == 4', false],
    ['t == 4 || phase == "backward"', true],
    ['!(t == 3)', false],
    ['!zero', true], // numbers are true when non-zero
    ['t && 1', true],
    ['t && zero', false],
    ['zero || t', true],
    ['!log(-1)', true], // NaN is false, as in JavaScript
    ['log(-1) || zero', false],
    ['norm(x) < 1e-6', false],
    ['max(abs(W)) >= 6', true],
    ['(1 < 2) == (3 < 4)', true],
  ])('%s is %s', (src, expected) => expect(run(src)).toBe(expected));

  it('&& and || short-circuit: the right side is not evaluated when the left decides', () => {
    expect(run('zero && nope')).toBe(false);
    expect(run('t == 3 || nope[0]')).toBe(true);
    expect(caught(() => run('t == 3 && nope')).message).toBe("unknown name 'nope' at column 11");
  });
});

describe('evaluate: errors are positioned', () => {
  it.each([
    ['x + W', "shapes [3] and [2,3] do not match for '+' at column 3"],
    ['u * x', "shapes [2] and [3] do not match for '*' at column 3"],
    ['W  -  M', "shapes [2,3] and [3,2] do not match for '-' at column 4"],
    ['W @ W', 'cannot multiply [2,3] @ [2,3]: inner sizes 3 and 2 differ at column 3'],
    ['W @ u', 'cannot multiply [2,3] @ [2]: inner sizes 3 and 2 differ at column 3'],
    ['u @ x', 'cannot multiply [2] @ [3]: inner sizes 2 and 3 differ at column 3'],
    ['W @ 2', "'@' needs a vector or a matrix, got number (use '*' to scale by a number) at column 5"],
    ['phase @ x', "'@' needs a vector or a matrix, got string at column 1"],
    ['x < 1', 'cannot compare vector [3] with number: reduce the tensor first, e.g. norm(h) < 1 or max(h) > 0 at column 3'],
    ['W == W', 'cannot compare matrix [2,3] with matrix [2,3]: reduce the tensor first, e.g. norm(h) < 1 or max(h) > 0 at column 3'],
    ['phase < "a"', "'<' compares numbers; strings only compare with == and != at column 7"],
    ['phase == 1', 'cannot compare string with number at column 7'],
    ['(1 < 2) > (1 < 2)', "'>' compares numbers; booleans only compare with == and != at column 9"],
    ['x[3]', 'index 3 out of range for vector [3] (0..2) at column 3'],
    ['W[t - 5]', 'index -2 out of range for matrix [2,3] (0..1) at column 3'],
    ['x[0.5]', 'an index must be a whole number, got 0.5 at column 3'],
    ['x[phase]', 'an index must be a number, got string at column 3'],
    ['x[0][0]', 'cannot index number: only vectors and matrices have elements at column 1'],
    ['phase[0]', 'cannot index string: only vectors and matrices have elements at column 1'],
    ['nope + 1', "unknown name 'nope' at column 1"],
    ['1 + constructor', "unknown name 'constructor' at column 5"],
    ['__proto__', "unknown name '__proto__' at column 1"],
    ['toString', "unknown name 'toString' at column 1"],
    ['hasOwnProperty', "unknown name 'hasOwnProperty' at column 1"],
    ['foo(x)', "unknown function 'foo' at column 1"],
    ['2 * constructor(x)', "unknown function 'constructor' at column 5"],
    ['toString()', "unknown function 'toString' at column 1"],
    ['__proto__(x, 1)', "unknown function '__proto__' at column 1"],
    ['x(0)', "unknown function 'x': 'x' is a value; index it with x[0] at column 1"],
    ['norm(x, x)', 'norm() takes 1 argument, got 2 at column 1'],
    ['tanh()', 'tanh() takes 1 argument, got 0 at column 1'],
    ['outer(x)', 'outer() takes 2 arguments, got 1 at column 1'],
    ['outer(W, x)', 'outer() needs vectors, got matrix [2,3] at column 7'],
    ['transpose(3)', 'transpose() needs a vector or a matrix, got number at column 11'],
    ['grad(W + 1)', 'grad() takes one name, as in grad(W_hh) at column 6'],
    ['grad()', 'grad() takes one name, as in grad(W_hh) at column 1'],
    ['grad(nope)', "unknown name 'nope' in grad() at column 6"],
    ['grad(constructor)', "unknown name 'constructor' in grad() at column 6"],
    ['grad_at(W)', 'grad_at needs a timestep in the backward phase at column 9'],
    ['-phase', "'-' needs a number or a tensor, got string at column 2"],
    ['"a" + 1', "'+' needs a number or a tensor, got string at column 1"],
    ['x + (1 < 2)', "'+' needs a number or a tensor, got boolean at column 6"],
    ['x && 1', "'&&' needs a boolean, got vector [3] (reduce it first, e.g. norm(...) > 0) at column 1"],
    ['!phase', "'!' needs a boolean, got string at column 2"],
    ['tanh(phase)', "'tanh' needs a number or a tensor, got string at column 6"],
    ['mean(e)', 'mean() of an empty tensor at column 6'],
    ['max(e)', 'max() of an empty tensor at column 5'],
  ])('%s', (src, message) => expect(caught(() => run(src)).message).toBe(message));

  it('without nameFunction, grad is an unknown name and other calls unknown functions', () => {
    const bare = mapScope(new Map([['W', W]]));
    expect(caught(() => evaluate(parseExpression('grad(W)'), bare)).message).toBe("unknown name 'W' in grad() at column 6");
    expect(caught(() => evaluate(parseExpression('gradient(W)'), bare)).message).toBe("unknown function 'gradient' at column 1");
  });

  it('a scope may answer other one-name functions', () => {
    const s = mapScope({}, (fn, name) => (fn === 'len' ? name.length : undefined));
    expect(evaluate(parseExpression('len(W_hh) + 1'), s)).toBe(5);
  });
});
