/**
 * The single-sequence trace's faster paths keep every number's bits: the output layer formed for a
 * block of steps at once, the gradient sums' biases from the packed vectors and one-step runs as
 * packed products. And a trace's records stay its own: building later traces (whose vectors come
 * from the same pools) leaves an earlier trace's records as they were; the GRU's and the RNN's
 * runners serve the records their step would give, whatever state a step is asked from.
 */
import { describe, expect, it } from 'vitest';
import { usingWasm, withParams } from '../../src/engine/linalg';
import { backwardPass, forwardPass } from '../../src/engine/bptt';
import { addRange, addStep, OUTPUT_TERMS } from '../../src/engine/gradSum';
import { outputStep } from '../../src/engine/output';
import { zerosLike } from '../../src/engine/params';
import { makeCell, runTrace, type CellState, type Problem, type StepCache } from '../../src/engine';
import { randomProblem } from './helpers/randomProblem';

const bits = (v: Float64Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, 2 * v.length));

/** Every Float64Array and number under a record, by path, as bits (numbers by Object.is). */
function flatten(x: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (x instanceof Float64Array) out.set(path, bits(x));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) flatten(v, `${path}.${k}`, out);
  else out.set(path, x);
  return out;
}

const KINDS = [
  { cell: 'gru', variant: 'classic' },
  { cell: 'gru', variant: 'pytorch' },
  { cell: 'rnn', activation: 'tanh' },
  { cell: 'lstm' },
] as const;

describe('the output layer of a forward pass: every step as outputStep forms it alone', () => {
  it('runs its products in wasm here', () => expect(usingWasm()).toBe(true));
  for (const kind of KINDS) {
    it(`${JSON.stringify(kind)}: z, y, dL/dz and L_t bit for bit over 300 steps (more than one block)`, () => {
      const problem = randomProblem({ ...kind, H: 48, D: 9, K: 64, T: 300, seed: 4, scale: 0.3, nullRate: 0.1 });
      const { config, params: p, sequence } = problem;
      withParams(p, () => {
        const fwd = forwardPass(makeCell(config), config, p, sequence, problem.s0);
        fwd.caches.forEach((cache, i) => {
          const alone = outputStep(p, config.K, config.H, config.output, config.loss, cache.h, sequence.targets[i]);
          const out = fwd.outs[i];
          for (const k of ['z', 'y', 'dz'] as const) expect(bits(out[k]), `${k} at ${i + 1}`).toEqual(bits(alone[k]));
          expect(Object.is(out.loss, alone.loss), `L at ${i + 1}`).toBe(true);
        });
      });
    });
  }
});

describe('gradient sums over a run of steps', () => {
  for (const kind of KINDS) {
    it(`${JSON.stringify(kind)}: biases as addStep adds them step by step; a one-step run gives addStep's bits in every parameter`, () => {
      const problem = randomProblem({ ...kind, H: 40, D: 33, K: 64, T: 40, seed: 6, scale: 0.4 });
      const { config, params: p } = problem;
      const c = makeCell(config);
      const terms = [...c.terms, ...OUTPUT_TERMS];
      withParams(p, () => {
        const fwd = forwardPass(c, config, p, problem.sequence, problem.s0);
        const bwd = backwardPass(c, config, problem.bptt, p, fwd);
        for (const [lo, hi] of [[3, 40], [17, 18], [0, 1], [39, 40]]) {
          const run = zerosLike(p), steps = zerosLike(p);
          addRange(terms, fwd.caches, bwd, lo, hi, run);
          for (let i = lo; i < hi; i++) addStep(terms, fwd.caches[i], bwd[i], steps);
          const biases = Object.keys(p).filter((k) => k.startsWith('b_'));
          expect(biases.length).toBeGreaterThan(1);
          for (const k of hi - lo === 1 ? Object.keys(p) : biases) expect(bits(run[k].data), `${k} over ${lo}..${hi}`).toEqual(bits(steps[k].data));
        }
      });
    });
  }
});

describe('a later trace leaves an earlier one alone', () => {
  const problemOf = (kind: (typeof KINDS)[number], seed: number): Problem => randomProblem({ ...kind, H: 64, D: 16, K: 20, T: 70, seed, scale: 0.5 });
  for (const kind of KINDS) {
    it(`${JSON.stringify(kind)}: every record and gradient of the first trace unchanged after two more`, () => {
      const first = runTrace(problemOf(kind, 1));
      const recordsOf = () => {
        const all = new Map<string, unknown>();
        for (let t = 1; t <= first.T; t++) {
          flatten(first.forward(t), `forward ${t}`, all);
          flatten(first.backward(t), `backward ${t}`, all);
        }
        flatten(first.grads, 'grads', all);
        flatten(first.accumulated(35), 'accumulated 35', all);
        flatten(first.hiddenStates(), 'h', all);
        return all;
      };
      const before = recordsOf();
      const later = [runTrace(problemOf(kind, 2)), runTrace(problemOf(kind, 3))];
      // The later traces hold other numbers: had they reused the first one's vectors, it would show.
      expect(bits(later[0].forward(5).h)).not.toEqual(bits(first.forward(5).h));
      const after = recordsOf();
      expect(after.size).toBe(before.size);
      for (const [k, v] of before) expect(after.get(k), k).toEqual(v);
    });
  }
});

describe("the GRU's and the tanh RNN's runners: their steps in wasm blocks, served ahead", () => {
  for (const kind of KINDS.filter((k) => k.cell !== 'lstm')) {
    it(`${JSON.stringify(kind)}: forward's records from whatever state each step is asked from (in order, from a copy mid-block, out of order)`, () => {
      const problem = randomProblem({ ...kind, H: 64, D: 40, T: 300, seed: 9, scale: 0.5 });
      const cell = makeCell(problem.config);
      const { params: p, sequence } = problem;
      const same = (got: StepCache, want: StepCache, what: string): void => {
        for (const part of ['pre', 'gates', 'aux'] as const) {
          expect(Object.keys(got[part])).toEqual(Object.keys(want[part]));
          for (const k of Object.keys(want[part])) expect(bits(got[part][k]), `${part}.${k} ${what}`).toEqual(bits(want[part][k]));
        }
        expect(bits(got.h), `h ${what}`).toEqual(bits(want.h));
        expect(got.x).toBe(want.x);
      };
      withParams(p, () => {
        const runner = cell.runner!(p, sequence.inputs, 0, 300);
        expect(runner).not.toBeNull();
        const states: CellState[] = [problem.s0];
        for (let i = 0; i < 300; i++) {
          // Mid-block, a copy of the state: not the one the block ran from, so a new block starts there.
          const prev = i === 150 ? { h: Float64Array.from(states[i].h) } : states[i];
          const got = runner!.step(i, prev);
          expect(got.prev).toBe(prev);
          same(got, cell.forward(p, sequence.inputs[i], prev), `at ${i}`);
          states.push(got.state);
        }
        for (const i of [20, 19, 299, 0]) same(runner!.step(i, states[i]), cell.forward(p, sequence.inputs[i], states[i]), `asked again at ${i}`);
        runner!.release();
      });
    });
  }
});
