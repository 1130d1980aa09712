/** Each optimizer's update against a hand computation (three steps), and global-norm clipping. */
import { describe, expect, it } from 'vitest';
import { applyUpdate, clipGradients, createOptimizer, globalNorm, type OptimizerKind, type Params } from '../../src/engine';

const tensor = (shape: number[], values: number[]) => ({ shape, data: Float64Array.from(values) });
const params = (): Params => ({ a: tensor([2], [1, -2]), W: tensor([1, 1], [0.5]) });
const grads: Params[] = [
  { a: tensor([2], [0.1, -0.2]), W: tensor([1, 1], [1]) },
  { a: tensor([2], [0.3, 0]), W: tensor([1, 1], [-1]) },
  { a: tensor([2], [-0.2, 0.4]), W: tensor([1, 1], [0.5]) },
];

// Computed by hand (a scalar loop per entry, in Python): [a0, a1, W] after steps 1, 2, 3 with lr 0.1.
const expected: Record<OptimizerKind, number[][]> = {
  // θ -= lr g
  sgd: [
    [0.99, -1.98, 0.4],
    [0.96, -1.98, 0.5],
    [0.98, -2.02, 0.45],
  ],
  // v = 0.9 v + g; θ -= lr v
  momentum: [
    [0.99, -1.98, 0.4],
    [0.951, -1.962, 0.41],
    [0.9359, -1.9858, 0.369],
  ],
  // G += g²; θ -= lr g / (√G + 1e-8)
  adagrad: [
    [0.900000009999999, -1.9000000049999997, 0.400000001],
    [0.8051316831949475, -1.9000000049999997, 0.47071067861865473],
    [0.858583930148861, -1.9894427220999913, 0.4373773455075436],
  ],
  // m, v with β1 0.9, β2 0.999, bias-corrected; θ -= lr m̂ / (√v̂ + 1e-8)
  adam: [
    [0.900000009999999, -1.9000000049999997, 0.4000000009999999],
    [0.8082219022055898, -1.8329941843255584, 0.4052631588421051],
    [0.7824315228897928, -1.866997630047906, 0.38779060562472223],
  ],
};

describe('optimizers against hand computations', () => {
  for (const kind of Object.keys(expected) as OptimizerKind[]) {
    it(`${kind}: three updates`, () => {
      const p = params();
      const opt = createOptimizer(kind, p);
      grads.forEach((g, s) => {
        applyUpdate(opt, 0.1, p, g);
        const got = [p.a.data[0], p.a.data[1], p.W.data[0]];
        got.forEach((v, i) => expect(v).toBeCloseTo(expected[kind][s][i], 14));
        expect(opt.step).toBe(s + 1);
      });
      expect(grads[0].a.data[0]).toBe(0.1); // gradients are not changed
    });
  }

  it('keeps its state as Params-like slots (serialisable)', () => {
    expect(Object.keys(createOptimizer('adam', params()).slots)).toEqual(['m', 'v']);
    expect(Object.keys(createOptimizer('momentum', params()).slots)).toEqual(['v']);
    expect(Object.keys(createOptimizer('adagrad', params()).slots)).toEqual(['G']);
    expect(Object.keys(createOptimizer('sgd', params()).slots)).toEqual([]);
  });
});

describe('global gradient-norm clipping', () => {
  const g = (): Params => ({ a: tensor([2], [3, 0]), W: tensor([1, 1], [4]) }); // ‖g‖ = 5

  it('scales every gradient by clip / ‖g‖ when ‖g‖ > clip, keeping the direction', () => {
    const x = g();
    expect(clipGradients(x, 1)).toEqual({ norm: 5, clipped: true });
    expect(globalNorm(x)).toBeCloseTo(1, 15);
    expect([x.a.data[0], x.a.data[1], x.W.data[0]]).toEqual([0.6000000000000001, 0, 0.8]);
  });

  it('leaves gradients alone at or below the threshold, or with clipping off', () => {
    for (const c of [5, 10, null]) {
      const x = g();
      expect(clipGradients(x, c).clipped).toBe(false);
      expect(Array.from(x.a.data)).toEqual([3, 0]);
    }
  });
});
