/**
 * The checkpointed trace's tape of h (hTape.ts): the standard LSTM's replay from it (Cell.replayer:
 * a block's affine part as one product, the gates step by step) gives unroll's records bit for bit,
 * and a trace built with the tape equals one built without and the plain trace, record by record.
 */
import { describe, expect, it } from 'vitest';
import { makeCell, Rng, runTrace } from '../../src/engine';
import { advance, unroll, type StepCache } from '../../src/engine/cells';
import { CheckpointedTrace } from '../../src/engine/checkpointedTrace';
import { HTape } from '../../src/engine/hTape';
import { withParams } from '../../src/engine/linalg';
import { randomProblem } from './helpers/randomProblem';

const rng = new Rng(17);
const bits = (v: Float64Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, 2 * v.length));

function expectSameStep(a: StepCache, b: StepCache, at: string): void {
  expect(a.x).toBe(b.x);
  for (const k of ['i', 'f', 'g', 'o']) {
    expect(bits(a.pre[k]), `pre ${k} ${at}`).toEqual(bits(b.pre[k]));
    expect(bits(a.gates[k]), `gate ${k} ${at}`).toEqual(bits(b.gates[k]));
  }
  for (const k of ['h', 'c']) {
    expect(bits(a.state[k]), `${k} ${at}`).toEqual(bits(b.state[k]));
    expect(bits(a.prev[k]), `prev ${k} ${at}`).toEqual(bits(b.prev[k]));
  }
  expect(bits(a.h)).toEqual(bits(b.h));
  expect(bits(a.aux.tanh_c), `tanh(c) ${at}`).toEqual(bits(b.aux.tanh_c));
}

describe("the LSTM's replay from a tape of h gives unroll's records", () => {
  for (const [H, D, T] of [[65, 33, 300], [128, 64, 40], [47, 45, 9]]) {
    it(`H=${H} D=${D} T=${T}, from step 3, across replay blocks`, () => {
      const problem = randomProblem({ cell: 'lstm', H, D, T, seed: H, scale: 0.5 });
      const cell = makeCell(problem.config), p = problem.params, { inputs } = problem.sequence;
      const s0 = { h: Float64Array.from({ length: H }, () => rng.normal()), c: Float64Array.from({ length: H }, () => rng.normal()) };
      withParams(p, () => {
        const tape = new Float64Array((T - 3) * H);
        advance(cell, p, inputs, s0, () => false, () => undefined, 3, T, (i0, hs) => tape.set(hs, (i0 - 3) * H));
        const want: StepCache[] = [];
        unroll(cell, p, inputs, s0, (cache) => void want.push(cache), 3, T);
        want.forEach((s, i) => expect(bits(tape.subarray(i * H, (i + 1) * H)), `tape row ${i}`).toEqual(bits(s.h)));
        const replay = cell.replayer!(p);
        expect(replay).not.toBeNull();
        const got = replay!(inputs, s0, tape, 3, T);
        expect(got.length).toBe(want.length);
        got.forEach((s, i) => expectSameStep(s, want[i], `at step ${i + 4}`));
      });
    });
  }

  it('is not offered for the variants, other cells or where the step runs in JavaScript', () => {
    for (const o of [{ cell: 'lstm' as const, H: 4, D: 3 }, { cell: 'lstm' as const, H: 64, D: 64, peephole: true }, { cell: 'lstm' as const, H: 64, D: 64, coupled: true }]) {
      const problem = randomProblem({ T: 3, ...o });
      expect(makeCell(problem.config).replayer!(problem.params), JSON.stringify(o)).toBeNull();
    }
    const gru = randomProblem({ cell: 'gru', H: 64, D: 64, T: 3 });
    expect(HTape.forBuild(makeCell(gru.config), gru.params, [1], 3)).toBeNull();
    const lstm = randomProblem({ cell: 'lstm', H: 64, D: 64, T: 3 });
    expect(HTape.forBuild(makeCell(lstm.config), lstm.params, [1], 3)).not.toBeNull();
    expect(HTape.forBuild(makeCell(lstm.config), lstm.params, [1], 3, 8 * 3 * 64 - 1)).toBeNull(); // over the budget
  });
});

describe('a checkpointed trace built with the tape equals one built without, and the plain trace', () => {
  for (const bptt of [{ truncate: 'none' as const, k: 5 }, { truncate: 'chunks' as const, k: 9 }]) {
    it(`lstm H=65 D=33 K=40 T=130, truncate ${bptt.truncate}`, () => {
      const problem = randomProblem({ cell: 'lstm', H: 65, D: 33, K: 40, T: 130, seed: 4, scale: 0.5, nullRate: 0.2, bptt });
      const taped = withParams(problem.params, () => new CheckpointedTrace(problem, problem.params, { cacheSegments: 2 }));
      const stepped = withParams(problem.params, () => new CheckpointedTrace(problem, problem.params, { cacheSegments: 2, tapeBudgetBytes: 0 }));
      const plain = runTrace(problem, undefined, { checkpointed: false });
      for (const other of [stepped, plain]) {
        expect(taped.loss).toBe(other.loss);
        for (const k of Object.keys(other.grads)) expect(bits(taped.grads[k].data), k).toEqual(bits(other.grads[k].data));
        expect(taped.stepLosses()).toEqual(other.stepLosses());
        expect(taped.dhNorms()).toEqual(other.dhNorms());
        for (const t of [130, 1, 57, 12, 99]) {
          const a = taped.forward(t), b = other.forward(t);
          for (const k of ['i', 'f', 'g', 'o']) expect(bits(a.gates[k]), `${k} at ${t}`).toEqual(bits(b.gates[k]));
          expect(bits(a.h)).toEqual(bits(b.h));
          expect(bits(a.z)).toEqual(bits(b.z));
          expect(bits(taped.backward(t).dh)).toEqual(bits(other.backward(t).dh));
          const x = taped.accumulated(t), y = other.accumulated(t);
          for (const k of Object.keys(y)) expect(bits(x[k].data), `${k} at ${t}`).toEqual(bits(y[k].data));
        }
      }
    });
  }
});
