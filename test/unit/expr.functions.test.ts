/** The function table: local derivatives against central finite differences, format, and static checks. */
import { describe, expect, it } from 'vitest';
import { checkCalls, ELEMENTWISE, formatExpression, parseExpression, referencedNames, type ElementwiseName } from '../../src/engine/expr';
import { caught } from './helpers/expr';

/** Points away from kinks (relu, abs at 0) and inside each domain (log, sqrt need x > 0). */
const POINTS: Record<ElementwiseName, number[]> = {
  sigmoid: [-8, -1.5, -0.2, 0, 0.3, 2, 9],
  tanh: [-4, -0.7, 0, 0.1, 1.2, 3],
  relu: [-2, -0.3, 0.4, 5],
  exp: [-3, -0.5, 0, 0.8, 2.5],
  log: [0.05, 0.5, 1, 3, 40],
  sqrt: [0.04, 0.5, 1, 9, 100],
  abs: [-3, -0.2, 0.6, 4],
  softplus: [-20, -2, -0.1, 0, 0.4, 3, 25],
  step: [-2, -0.1, 0.1, 3],
};

describe('ELEMENTWISE', () => {
  it('lists the design\'s element-wise functions and step (for relu\'s derivative)', () => {
    expect(Object.keys(ELEMENTWISE).sort()).toEqual(['abs', 'exp', 'log', 'relu', 'sigmoid', 'softplus', 'sqrt', 'step', 'tanh']);
  });

  it.each(Object.keys(POINTS) as ElementwiseName[])('%s: df(x, f(x)) matches a central difference', (name) => {
    const { f, df } = ELEMENTWISE[name];
    for (const x of POINTS[name]) {
      const h = 1e-5 * Math.max(1, Math.abs(x));
      const numeric = (f(x + h) - f(x - h)) / (2 * h);
      const analytic = df(x, f(x));
      expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('fromY: exactly those whose derivative reads y alone (the batched backward does not keep their input)', () => {
    const fromY = (Object.keys(POINTS) as ElementwiseName[]).filter((n) => ELEMENTWISE[n].fromY);
    expect(fromY.sort()).toEqual(['exp', 'sigmoid', 'sqrt', 'step', 'tanh']);
    for (const name of fromY) {
      const { f, df } = ELEMENTWISE[name];
      for (const x of POINTS[name]) expect(df(NaN, f(x)), `${name}'(${x})`).toBe(df(x, f(x)));
    }
    // The others do read x: the same y from another x changes their derivative (or y alone cannot give it).
    expect(ELEMENTWISE.relu.df(1, 1)).not.toBe(ELEMENTWISE.relu.df(NaN, 1));
    expect(ELEMENTWISE.log.df(2, Math.log(2))).not.toBe(ELEMENTWISE.log.df(NaN, Math.log(2)));
  });

  it('values at known points', () => {
    expect(ELEMENTWISE.sigmoid.f(Math.log(3))).toBeCloseTo(0.75, 15); // 1 / (1 + 1/3)
    expect(ELEMENTWISE.softplus.f(Math.log(3))).toBeCloseTo(Math.log(4), 15);
    expect(ELEMENTWISE.tanh.df(0.5, 0.5)).toBe(0.75); // 1 - y²
    expect(ELEMENTWISE.sigmoid.df(0, 0.25)).toBe(0.1875); // y(1 - y)
    expect(ELEMENTWISE.relu.df(0, 0)).toBe(0);
    expect(ELEMENTWISE.abs.df(-2, 2)).toBe(-1);
    expect([-1, 0, 1e-300, 2].map(ELEMENTWISE.step.f)).toEqual([0, 0, 1, 1]);
  });
});

describe('formatExpression', () => {
  it.each([
    ['a+b*c', 'a + b * c'],
    ['(a+b)*c', '(a + b) * c'],
    ['a-(b-c)', 'a - (b - c)'],
    ['(a-b)-c', 'a - b - c'],
    ['a/(b*c)', 'a / (b * c)'],
    ['W@(x+b)', 'W @ (x + b)'],
    ['(-a)@b', '-a @ b'],
    ['-(a@b)', '-(a @ b)'],
    ['-(a[0])', '-a[0]'],
    ['(-a)[0]', '(-a)[0]'],
    ['!(a&&b)', '!(a && b)'],
    ['(a||b)&&c', '(a || b) && c'],
    ['(a<b)==(c<d)', '(a < b) == (c < d)'],
    ['norm( dh )<0.000001', 'norm(dh) < 1e-6'],
    ['grad( W_hh ) [0][ 1 ]', 'grad(W_hh)[0][1]'],
    ["phase=='backward'&&t==3", 'phase == "backward" && t == 3'],
    ['x == \'say "hi"\'', 'x == \'say "hi"\''],
    ['outer(u,v)', 'outer(u, v)'],
    ['1000 * 0.5 + 2.5e-8', '1000 * 0.5 + 2.5e-8'],
  ])('%s -> %s', (src, text) => expect(formatExpression(parseExpression(src))).toBe(text));
});

describe('checkCalls and referencedNames', () => {
  it('accepts the built-ins and grad-like functions of one name', () => {
    expect(() => checkCalls(parseExpression('norm(tanh(W @ x)) + sum(outer(u, v)) + grad(W)[0][0] + grad_at(W)[0][1]'))).not.toThrow();
  });

  it.each([
    ['1 + foo(x)', ['foo'], "unknown function 'foo' at column 5"],
    ['constructor(x)', [], "unknown function 'constructor' at column 1"],
    ['norm()', [], 'norm() takes 1 argument, got 0 at column 1'],
    ['outer(u)', [], 'outer() takes 2 arguments, got 1 at column 1'],
    ['grad(W + 1)', [], 'grad() takes one name, as in grad(W_hh) at column 6'],
  ])('%s', (src, _extra, message) => expect(caught(() => checkCalls(parseExpression(src))).message).toBe(message));

  it('takes the scope\'s own list of one-name functions', () => {
    expect(() => checkCalls(parseExpression('delta(h)'), ['delta'])).not.toThrow();
    expect(caught(() => checkCalls(parseExpression('grad(h)'), ['delta'])).message).toBe("unknown function 'grad' at column 1");
  });

  it('lists the names read as values, once each, in order', () => {
    expect(referencedNames(parseExpression('W_xh @ x + W_hh @ h_prev + b_h + x[t] + grad(W_hh)[0][0]'))).toEqual(['W_xh', 'x', 'W_hh', 'h_prev', 'b_h', 't']);
  });
});
