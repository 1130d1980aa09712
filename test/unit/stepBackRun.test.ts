/**
 * The GRU's (both variants) and the tanh RNN's backward sweeps in wasm (Cell.backwardRun: a block of
 * steps a call) give the bits of the sweep step by step (the cell's backward under backwardRange),
 * record by record: odd
 * shapes, runs longer than a block, chunk truncation cutting inside and at a block's edge, a mean
 * loss's scaled dz, steps without a target, and a run starting mid-sequence with a gradient arriving.
 */
import { describe, expect, it } from 'vitest';
import { forwardPass } from '../../src/engine/bptt';
import { makeCell, Rng } from '../../src/engine';
import type { CellState } from '../../src/engine/cells';
import { withParams } from '../../src/engine/linalg';
import { expectSweepsAgree, SWEEP_CASES } from './helpers/backwardRun';
import { randomProblem } from './helpers/randomProblem';

const rng = new Rng(5);

const kinds = [{ cell: 'gru', variant: 'classic' }, { cell: 'gru', variant: 'pytorch' }, { cell: 'rnn', activation: 'tanh' }] as const;

describe("the GRU's and the tanh RNN's backward sweeps in wasm give the step-by-step bits", () => {
  for (const kind of kinds) for (const { H, D, K, T, truncate, k, reduction } of SWEEP_CASES) {
    it(`${JSON.stringify(kind)} H=${H} D=${D} K=${K} T=${T} truncate ${truncate}${truncate === 'chunks' ? ` k=${k}` : ''}, ${reduction}`, () => {
      const problem = randomProblem({ ...kind, H, D, K, T, seed: H + K, scale: 0.5, nullRate: 0.2, reduction, bptt: { truncate, k } });
      const cell = makeCell(problem.config);
      // The whole sequence from zeros, and a run from step 13 on with a gradient arriving at its end.
      const arriving: CellState = { h: Float64Array.from({ length: H }, () => rng.normal()) };
      withParams(problem.params, () => expectSweepsAgree(problem, cell, () => ({ h: new Float64Array(H) }), arriving));
    });
  }

  it('is not offered where the products would run in JavaScript, or for the RNN without tanh', () => {
    const gru = { cell: 'gru' } as const, rnn = { cell: 'rnn', activation: 'tanh' } as const;
    for (const o of [{ ...gru, H: 4, K: 3 }, { ...gru, H: 40, K: 64 }, { ...gru, H: 64, K: 8 }, { ...rnn, H: 40, K: 64 }, { ...rnn, H: 64, K: 8 }, { cell: 'rnn', activation: 'relu', H: 64, K: 64 } as const]) {
      const problem = randomProblem({ D: 6, T: 4, ...o });
      const cell = makeCell(problem.config);
      const fwd = forwardPass(cell, problem.config, problem.params, problem.sequence, problem.s0);
      const z = { h: new Float64Array(o.H) };
      expect(cell.backwardRun!(problem.params, o.K, fwd.caches, fwd.outs.map((s) => s.dz), 0, 0, z), JSON.stringify(o)).toBeNull();
    }
  });
});
