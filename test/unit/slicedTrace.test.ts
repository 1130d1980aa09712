/**
 * The plain trace's passes run in slices of steps with progress between them (the engine worker
 * serves its messages there), and the gradients summed in groups of segments: every step's record
 * and the loss are bit for bit those of one forwardPass and one backwardPass over the whole sequence,
 * the gradients those of the checkpointed trace; progress is called between the slices and the
 * groups; what progress throws ends the build.
 */
import { describe, expect, test } from 'vitest';
import { makeCell, runTrace, type BpttConfig } from '../../src/engine';
import { backwardPass, forwardPass } from '../../src/engine/bptt';
import { sliceSteps } from '../../src/engine/slicedPasses';
import { randomProblem, type RandomOptions } from './helpers/randomProblem';

// H = 200, D = K = 40: a slice is sliceSteps = 299 steps, so T = 700 makes three of them.
const SIZES = { H: 200, D: 40, K: 40, T: 700 };
const cases: [string, RandomOptions, BpttConfig][] = [
  ['lstm, full BPTT', { cell: 'lstm' }, { truncate: 'none', k: 5 }],
  ['gru (pytorch), chunks of 7', { cell: 'gru', variant: 'pytorch' }, { truncate: 'chunks', k: 7 }],
  ['rnn, mean over the steps with a target', { cell: 'rnn', reduction: 'mean', nullRate: 0.3 }, { truncate: 'none', k: 5 }],
  ['lstm, window of 4 (the forward in slices)', { cell: 'lstm' }, { truncate: 'window', k: 4 }],
];

const bits = (v: Float64Array): number[] => Array.from(v);

describe('the plain trace in slices', () => {
  test('a slice is at least 16 steps and at most 4,096, fewer for larger models', () => {
    expect(sliceSteps(SIZES)).toBe(299); // 2^24 / (200 · 280)
    expect(sliceSteps({ H: 1, D: 1, K: 1 })).toBe(4096);
    expect(sliceSteps({ H: 4096, D: 64, K: 64 })).toBe(16);
  });

  for (const [name, o, bptt] of cases) {
    test(`${name}: every record as one pass over the sequence, progress between slices`, () => {
      const problem = { ...randomProblem({ ...o, ...SIZES, seed: 5, scale: 0.3 }), bptt };
      const calls: string[] = [];
      const trace = runTrace(problem, undefined, { progress: (phase, done, total) => void calls.push(`${phase} ${done}/${total}`) });
      expect(trace.checkpointed).toBe(false);
      const window = bptt.truncate === 'window';
      const passes = ['forward 0/700', 'forward 299/700', 'forward 598/700', ...(window ? ['backward 0/700'] : ['backward 0/700', 'backward 299/700', 'backward 598/700'])];
      expect(calls.slice(0, passes.length)).toEqual(passes);
      // window: its loss terms' sweeps (3 backward steps each: every 50 terms is a slice of 149 or
      // more, half the forward's 299), then the steps' own backward (every 149 steps), counted out of 2T.
      const sweeps = window ? [...[50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650], ...[848, 997, 1146, 1295]].map((d) => `backward ${d}/1400`) : [];
      expect(calls.slice(passes.length, passes.length + sweeps.length)).toEqual(sweeps);
      // Then the gradients' sum, segment by segment in groups of about a slice: between the groups.
      expect(calls.slice(passes.length + sweeps.length)).toEqual(['backward 700/700', 'backward 700/700']);

      const cell = makeCell(problem.config);
      const fwd = forwardPass(cell, problem.config, problem.params, problem.sequence, problem.s0);
      const bwd = backwardPass(cell, problem.config, bptt, problem.params, fwd);
      expect(trace.loss).toBe(fwd.loss);
      for (let t = 1; t <= SIZES.T; t++) {
        expect(bits(trace.forward(t).h), `h_${t}`).toEqual(bits(fwd.caches[t - 1].h));
        expect(bits(trace.forward(t).y), `y_${t}`).toEqual(bits(fwd.outs[t - 1].y));
        expect(bits(trace.backward(t).dh), `dh_${t}`).toEqual(bits(bwd[t - 1].dh));
        expect(bits(trace.backward(t).dh_from_future), `dh_from_future_${t}`).toEqual(bits(bwd[t - 1].dhFromFuture));
      }
      // The gradients against the checkpointed trace's (its own segments; window has no checkpointed trace).
      if (window) return;
      const checkpointed = runTrace(problem, undefined, { checkpointed: true });
      for (const k of Object.keys(trace.grads)) expect(bits(trace.grads[k].data), k).toEqual(bits(checkpointed.grads[k].data));
    });
  }

  test('what progress throws ends the build, in the forward or the backward', () => {
    const problem = randomProblem({ cell: 'lstm', ...SIZES, seed: 2 });
    for (const stopAt of ['forward 299', 'backward 299']) {
      const seen: string[] = [];
      const build = (): unknown =>
        runTrace(problem, undefined, {
          progress: (phase, done) => {
            seen.push(`${phase} ${done}`);
            if (`${phase} ${done}` === stopAt) throw new Error('cancelled');
          },
        });
      expect(build).toThrow('cancelled');
      expect(seen[seen.length - 1]).toBe(stopAt);
    }
  });
});
