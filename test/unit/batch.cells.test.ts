/**
 * Batched steps of custom cells (through their graph) and stacks (layer over layer): the batch's
 * loss, gradient and end states equal the sums and ends of the per-sequence traces (each sequence
 * from its own state), to 1e-12 relative, with and without truncation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeCell, Rng, runTrace, type BpttConfig, type CustomCellSpec, type ModelConfig, type Problem } from '../../src/engine';
import { batchGrads } from '../../src/engine/batch';
import { loadSpec } from '../../src/engine/spec';
import { CELLS, PARAMS } from './helpers/customCells';
import { randomProblem, type RandomOptions } from './helpers/randomProblem';

const close = (got: number, want: number, what: string): void => {
  expect(Math.abs(got - want), `${what}: ${got} against ${want}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
};

/** B problems of one model (seeds differ: inputs, targets), each sequence from its own random state. */
function expectBatchEqualsTraces(o: RandomOptions, B: number, nonzero = true): void {
  const problems = Array.from({ length: B }, (_, b) => randomProblem({ ...o, seed: 21 + b, nullRate: 0.2 }));
  const base = problems[0];
  const cell = makeCell(base.config);
  expect(cell.batch, `${cell.info.label} has a batched step`).toBeTypeOf('function');
  const rng = new Rng(9);
  const s0s = problems.map(() => Object.fromEntries(cell.info.states.map((s) => [s, Float64Array.from({ length: cell.H }, () => rng.normal() * 0.4)])));
  const traces = problems.map((q, b) => runTrace({ ...base, sequence: q.sequence, s0: s0s[b] }));
  const got = batchGrads(base.config, base.bptt, base.params, problems.map((q) => q.sequence), Object.fromEntries(cell.info.states.map((s) => [s, s0s.map((x) => x[s])])));
  close(got.loss, traces.reduce((a, t) => a + t.loss, 0), 'loss');
  for (const name of Object.keys(base.params)) {
    const g = got.grads[name].data;
    const want = new Float64Array(g.length);
    for (const t of traces) t.grads[name].data.forEach((v, i) => (want[i] += v));
    if (nonzero) expect(Math.max(...want.map(Math.abs)), `${name} is not all zeros`).toBeGreaterThan(1e-8);
    for (let i = 0; i < g.length; i++) close(g[i], want[i], `${name}[${i}]`);
  }
  // End states: h from each trace; every state by re-running the cell.
  traces.forEach((t, b) => {
    const hT = t.hiddenStates()[base.sequence.inputs.length];
    for (let j = 0; j < cell.H; j++) close(got.end.h[b][j], hT[j], `end h[${b}][${j}]`);
  });
}

const EXAMPLES = ['indrnn', 'mgu', 'minimalrnn', 'gru-equations', 'lstm-equations'];
const custom = (name: string): CustomCellSpec => {
  const file = `${name}.rnn.yaml`;
  const r = loadSpec(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'), { file, format: 'yaml', readFile: () => '' });
  if (!r.problem?.config.custom) throw new Error(`${file} did not load as a custom cell`);
  return r.problem.config.custom;
};
const NONE: BpttConfig = { truncate: 'none', k: 3 };
const CHUNKS: BpttConfig = { truncate: 'chunks', k: 3 };

describe('custom cells batched through their graph', () => {
  for (const name of EXAMPLES) {
    const spec = custom(name);
    test(`${name}: small, full BPTT, mean reduction`, () => expectBatchEqualsTraces({ cell: 'custom', custom: spec, H: 4, D: 3, K: 5, T: 6, bptt: NONE, reduction: 'mean', scale: 0.5 }, 3));
    // H=37: the products run in wasm; chunks: the gradient from the future cut every 3 steps.
    test(`${name}: H=37, chunks`, () => expectBatchEqualsTraces({ cell: 'custom', custom: spec, H: 37, D: 9, K: 6, T: 7, bptt: CHUNKS, scale: 0.3 }, 5));
  }
  // Every operator and function, shared nodes (transpose(B), B @ transpose(B)) and vector-matrix products included.
  for (const [name, equations] of Object.entries(CELLS)) {
    test(`operator ${name}`, () => {
      const states = /c_prev/.test(equations) ? ['h', 'c'] : ['h'];
      expectBatchEqualsTraces({ cell: 'custom', custom: { states, params: PARAMS, equations }, H: 5, D: 3, K: 3, T: 5, bptt: CHUNKS, scale: 0.5 }, 4, false);
    });
  }
  // More than the 1024 rows one window of the products' gradients holds: 40 x 30 rows (windows of 25
  // steps and 5), and 1030 sequences (a window a step). c is a state read by a product and by '*'.
  const inPlace = { states: ['h', 'c'], params: { A: PARAMS.A, B: PARAMS.B, v: PARAMS.v }, equations: 'c = tanh(A @ x + B @ h_prev + v)\nh = tanh(B @ c) * c' };
  test('several windows: lstm-equations, T = 30, B = 40, chunks', () =>
    expectBatchEqualsTraces({ cell: 'custom', custom: custom('lstm-equations'), H: 5, D: 3, K: 4, T: 30, bptt: { truncate: 'chunks', k: 7 }, scale: 0.5 }, 40));
  test('several windows, a state read by a product: T = 30, B = 40', () => expectBatchEqualsTraces({ cell: 'custom', custom: inPlace, H: 5, D: 3, K: 4, T: 30, bptt: NONE, scale: 0.5 }, 40));
  test('a window a step: T = 3, B = 1030', () => expectBatchEqualsTraces({ cell: 'custom', custom: inPlace, H: 3, D: 2, K: 3, T: 3, bptt: NONE, scale: 0.5 }, 1030));
});

describe('stacks batched layer over layer', () => {
  const cases: { name: string; o: Partial<ModelConfig>; H: number; D: number }[] = [
    { name: 'rnn, 2 layers', o: { cell: 'rnn', layers: 2 }, H: 6, D: 4 },
    { name: 'lstm, 2 layers, embedding 5', o: { cell: 'lstm', layers: 2, embedding: 5 }, H: 7, D: 6 },
    { name: 'lstm, 1 layer, embedding 5', o: { cell: 'lstm', embedding: 5 }, H: 5, D: 6 },
    { name: 'gru classic, 3 layers', o: { cell: 'gru', variant: 'classic', layers: 3 }, H: 5, D: 3 },
    { name: 'gru pytorch, 2 layers, H=37', o: { cell: 'gru', variant: 'pytorch', layers: 2 }, H: 37, D: 9 },
    { name: 'custom (mgu), 2 layers, embedding 4', o: { cell: 'custom', custom: custom('mgu'), layers: 2, embedding: 4 }, H: 5, D: 6 },
  ];
  for (const c of cases)
    for (const bptt of [NONE, CHUNKS])
      test(`${c.name}, ${bptt.truncate}`, () => expectBatchEqualsTraces({ ...c.o, H: c.H, D: c.D, K: 4, T: 7, bptt, scale: 0.5 }, 3));
});

export type { Problem };
