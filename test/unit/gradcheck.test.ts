/**
 * BPTT against central finite differences, on random small problems covering every cell, variant,
 * activation, output, loss, reduction and truncation (property-based: fast-check draws the cases).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { gradcheck, runTrace, type Activation, type BpttConfig, type CellKind, type OutputKind } from '../../src/engine';
import { randomProblem, type RandomOptions } from './helpers/randomProblem';

const TOL = 1e-7;

function expectGradcheck(o: RandomOptions): void {
  const problem = randomProblem(o);
  for (const r of gradcheck(problem)) {
    expect.soft(r.maxRelError, `${r.name} at [${r.index}] analytic ${r.analytic} numeric ${r.numeric}`).toBeLessThanOrEqual(TOL);
  }
}

const cellArb = fc.oneof(
  fc.record({ cell: fc.constant<CellKind>('rnn'), activation: fc.constantFrom<Activation>('tanh', 'sigmoid', 'identity') }),
  fc.record({ cell: fc.constant<CellKind>('lstm'), peephole: fc.boolean(), coupled: fc.boolean() }),
  fc.record({ cell: fc.constant<CellKind>('gru'), variant: fc.constantFrom('classic' as const, 'pytorch' as const) }),
);
const headArb = fc.oneof(
  fc.record({ loss: fc.constant('cross-entropy' as const), output: fc.constant<OutputKind>('softmax'), soft: fc.boolean() }),
  fc.record({ loss: fc.constant('mse' as const), output: fc.constantFrom<OutputKind>('softmax', 'identity', 'tanh', 'sigmoid') }),
);
const bpttArb: fc.Arbitrary<BpttConfig> = fc.record({
  truncate: fc.constantFrom('none' as const, 'chunks' as const, 'window' as const),
  k: fc.integer({ min: 1, max: 4 }),
});

describe('gradients match central finite differences', () => {
  test('random cells, heads, reductions and truncations', () => {
    fc.assert(
      fc.property(
        cellArb,
        headArb,
        bpttArb,
        fc.record({
          reduction: fc.constantFrom('sum' as const, 'mean' as const),
          nullRate: fc.constantFrom(0, 0.4),
          D: fc.integer({ min: 1, max: 3 }),
          H: fc.integer({ min: 1, max: 4 }),
          K: fc.integer({ min: 1, max: 3 }),
          T: fc.integer({ min: 1, max: 7 }),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
        }),
        (cell, head, bptt, rest) => expectGradcheck({ ...cell, ...head, ...rest, bptt }),
      ),
      { numRuns: 60, seed: 20261123 },
    );
  });

  // relu is not differentiable at 0: keep pre-activations away from the kink so the difference is fair.
  test('relu rnn, away from the kink', () => {
    let checked = 0;
    for (let seed = 1; checked < 5 && seed < 200; seed++) {
      const o: RandomOptions = { activation: 'relu', seed, T: 5 };
      const t = runTrace(randomProblem(o));
      let margin = Infinity;
      for (let s = 1; s <= t.T; s++) for (const a of t.forward(s).pre.a) margin = Math.min(margin, Math.abs(a));
      if (margin < 0.2) continue;
      expectGradcheck(o);
      checked++;
    }
    expect(checked).toBe(5);
  });

  test.each<[string, RandomOptions]>([
    ['lstm peephole + coupled, window k=2', { cell: 'lstm', peephole: true, coupled: true, bptt: { truncate: 'window', k: 2 }, T: 8 }],
    ['gru pytorch, chunks k=3, mean, null targets', { cell: 'gru', variant: 'pytorch', bptt: { truncate: 'chunks', k: 3 }, reduction: 'mean', nullRate: 0.5, T: 9 }],
    ['sigmoid rnn, sigmoid output, mse', { activation: 'sigmoid', output: 'sigmoid', loss: 'mse', T: 8 }],
    ['wider lstm', { cell: 'lstm', D: 4, H: 6, K: 5, T: 10 }],
  ])('%s', (_, o) => expectGradcheck(o));
});

describe('the trace is consistent with itself', () => {
  const cases: RandomOptions[] = [
    { cell: 'rnn' },
    { cell: 'lstm', peephole: true },
    { cell: 'gru', variant: 'pytorch', bptt: { truncate: 'chunks', k: 2 } },
    { cell: 'lstm', bptt: { truncate: 'window', k: 3 }, T: 8 },
  ];

  test.each(cases)('dh = dh_from_output + dh_from_future; running sums add up (%o)', (o) => {
    const trace = runTrace(randomProblem(o));
    const names = Object.keys(trace.grads);
    const running = Object.fromEntries(names.map((n) => [n, new Float64Array(trace.grads[n].data.length)]));
    for (let t = trace.T; t >= 1; t--) {
      const b = trace.backward(t);
      b.dh.forEach((v, i) => expect(v).toBeCloseTo(b.dh_from_output[i] + b.dh_from_future[i], 14));
      const contrib = trace.contribution(t);
      const acc = trace.accumulated(t);
      for (const n of names) {
        running[n].forEach((_, i) => (running[n][i] += contrib[n].data[i]));
        running[n].forEach((v, i) => expect(acc[n].data[i]).toBeCloseTo(v, 12));
      }
    }
    for (const n of names) trace.grads[n].data.forEach((v, i) => expect(trace.accumulated(1)[n].data[i]).toBeCloseTo(v, 12));
    expect(() => trace.forward(0)).toThrow(RangeError);
    expect(() => trace.backward(trace.T + 1)).toThrow(RangeError);
  });

  test('truncation with k >= T is full BPTT', () => {
    for (const truncate of ['chunks', 'window'] as const) {
      const full = runTrace(randomProblem({ cell: 'lstm', T: 5 }));
      const cut = runTrace(randomProblem({ cell: 'lstm', T: 5, bptt: { truncate, k: 5 } }));
      for (const n of Object.keys(full.grads)) full.grads[n].data.forEach((v, i) => expect(cut.grads[n].data[i]).toBeCloseTo(v, 13));
    }
  });

  test('chunks cut the gradient from the future at each chunk end, and nowhere else', () => {
    const trace = runTrace(randomProblem({ T: 7, bptt: { truncate: 'chunks', k: 3 } }));
    for (let t = 1; t <= 7; t++) {
      const norm = Math.hypot(...trace.backward(t).dh_from_future);
      if (t % 3 === 0 || t === 7) expect(norm).toBe(0);
      else expect(norm).toBeGreaterThan(0);
    }
  });

  test('window k=1: no gradient crosses a timestep', () => {
    const trace = runTrace(randomProblem({ cell: 'gru', T: 6, bptt: { truncate: 'window', k: 1 } }));
    for (let t = 1; t <= 6; t++) expect(Math.hypot(...trace.backward(t).dh_from_future)).toBe(0);
  });

  test('the same problem gives the same numbers, bit for bit', () => {
    const a = runTrace(randomProblem({ cell: 'lstm', seed: 9 }));
    const b = runTrace(randomProblem({ cell: 'lstm', seed: 9 }));
    expect(a.loss).toBe(b.loss);
    for (const n of Object.keys(a.grads)) expect(Array.from(a.grads[n].data)).toEqual(Array.from(b.grads[n].data));
  });
});
