/**
 * The checkpointed trace (state every ~sqrt(T) steps, segments recomputed on demand) against the
 * plain trace: the same records, contributions, running sums and gradients, bit for bit.
 */
import { describe, expect, test } from 'vitest';
import { norm2, runTrace, Trace, type BpttConfig, type Params, type Problem } from '../../src/engine';
import { CheckpointedTrace } from '../../src/engine/checkpointedTrace';
import { randomProblem, type RandomOptions } from './helpers/randomProblem';

const cells: RandomOptions[] = [
  { cell: 'rnn', activation: 'tanh' },
  { cell: 'rnn', activation: 'relu' },
  { cell: 'lstm' },
  { cell: 'lstm', peephole: true },
  { cell: 'lstm', peephole: true, coupled: true },
  { cell: 'gru', variant: 'classic' },
  { cell: 'gru', variant: 'pytorch' },
];
const truncations: BpttConfig[] = [
  { truncate: 'none', k: 5 },
  { truncate: 'chunks', k: 3 },
  { truncate: 'chunks', k: 4 },
];

function sameArrays(a: Float64Array | undefined, b: Float64Array | undefined, what: string): void {
  expect(a === undefined, what).toBe(b === undefined);
  if (a && b) expect(Array.from(a), what).toEqual(Array.from(b));
}

function sameRecords(a: Record<string, Float64Array>, b: Record<string, Float64Array>, what: string): void {
  expect(Object.keys(a), what).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) sameArrays(a[k], b[k], `${what}.${k}`);
}

function sameParams(a: Params, b: Params, what: string): void {
  expect(Object.keys(a), what).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) {
    expect(a[k].shape, `${what} ${k}`).toEqual(b[k].shape);
    sameArrays(a[k].data, b[k].data, `${what} ${k}`);
  }
}

function compare(problem: Problem, plain: Trace, ck: { T: number; loss: number; grads: Params } & Pick<Trace, 'forward' | 'backward' | 'contribution' | 'accumulated' | 'hiddenStates'>, order: number[]): void {
  expect(ck.T).toBe(plain.T);
  expect(ck.loss).toBe(plain.loss);
  sameParams(ck.grads, plain.grads, 'grads');
  for (const t of order) {
    const f = plain.forward(t), g = ck.forward(t);
    expect(g.t).toBe(t);
    expect(g.loss, `loss ${t}`).toBe(f.loss);
    for (const key of ['x', 'h', 'c', 'z', 'y', 'p'] as const) sameArrays(g[key], f[key], `forward(${t}).${key}`);
    sameRecords(g.pre, f.pre, `forward(${t}).pre`);
    sameRecords(g.gates, f.gates, `forward(${t}).gates`);
    const b = plain.backward(t), c = ck.backward(t);
    for (const key of ['dh', 'dh_from_output', 'dh_from_future', 'dc', 'dz'] as const) sameArrays(c[key], b[key], `backward(${t}).${key}`);
    sameRecords(c.dgates, b.dgates, `backward(${t}).dgates`);
    sameParams(ck.contribution(t), plain.contribution(t), `contribution(${t})`);
    sameParams(ck.accumulated(t), plain.accumulated(t), `accumulated(${t})`);
  }
  const hp = plain.hiddenStates(), hc = ck.hiddenStates();
  expect(hc.length).toBe(problem.sequence.inputs.length + 1);
  hp.forEach((h, i) => sameArrays(hc[i], h, `h_${i}`));
}

describe('checkpointed trace equals the plain trace', () => {
  for (const cell of cells) {
    for (const bptt of truncations) {
      // T = 11: stride 3, segments [1,2] [3,5] [6,8] [9,11]; T = 16: a one-step last segment.
      for (const T of [1, 2, 11, 16]) {
        test(`${JSON.stringify(cell)} ${bptt.truncate}/${bptt.k} T=${T}`, () => {
          const problem = randomProblem({ ...cell, T, bptt, seed: 3 + T, nullRate: 0.2 });
          const plain = runTrace(problem, undefined, { checkpointed: false });
          expect(plain.checkpointed).toBe(false);
          const ck = new CheckpointedTrace(problem, problem.params, { cacheSegments: 2 });
          const down = Array.from({ length: T }, (_, i) => T - i);
          // A scattered order, to go through segment evictions and recomputes.
          const scattered = Array.from({ length: T }, (_, i) => 1 + ((i * 7) % T));
          compare(problem, plain, ck, [...down, ...scattered]);
          compare(problem, plain, runTrace(problem, undefined, { checkpointed: true }), scattered);
          // Running sums kept at every other checkpoint, and at none but T + 1: rebuilt on demand.
          const bytes = 8 * Object.values(problem.params).reduce((a, p) => a + p.data.length, 0);
          const half = new CheckpointedTrace(problem, problem.params, { cacheSegments: 1, sumBudgetBytes: 2 * bytes });
          compare(problem, plain, half, [...down, ...scattered]);
          const none = new CheckpointedTrace(problem, problem.params, { sumBudgetBytes: 1 });
          expect(none.sumEvery).toBeGreaterThanOrEqual(Math.floor(T / none.stride));
          compare(problem, plain, none, scattered);
          expect(ck.dhNorms()).toEqual(Array.from({ length: T }, (_, i) => norm2(plain.backward(i + 1).dh)));
        });
      }
    }
  }

  test('mean reduction and a longer sequence', () => {
    const problem = randomProblem({ cell: 'lstm', T: 50, H: 5, reduction: 'mean', nullRate: 0.3, bptt: { truncate: 'chunks', k: 7 } });
    const plain = runTrace(problem, undefined, { checkpointed: false });
    const ck = new CheckpointedTrace(problem);
    compare(problem, plain, ck, [50, 1, 25, 49, 2, 36, 37, 13]);
    expect(ck.stepLosses()).toEqual(Array.from({ length: 50 }, (_, i) => plain.forward(i + 1).loss));
  });

  test('runTrace checkpoints above the size threshold, and window is refused there', () => {
    const big = randomProblem({ cell: 'rnn', T: 20, H: 4 });
    expect(runTrace(big).checkpointed).toBe(false);
    expect(runTrace(big, undefined, { checkpointed: true }).checkpointed).toBe(true);
    expect(() => runTrace({ ...big, bptt: { truncate: 'window', k: 3 } }, undefined, { checkpointed: true })).toThrow(/window/);
  });

  test('out-of-range timesteps throw', () => {
    const ck = new CheckpointedTrace(randomProblem({ T: 5 }));
    expect(() => ck.forward(0)).toThrow(RangeError);
    expect(() => ck.backward(6)).toThrow(RangeError);
    expect(() => ck.accumulated(1.5)).toThrow(RangeError);
  });
});
