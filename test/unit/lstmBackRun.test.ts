/**
 * The standard LSTM's backward sweep in wasm (Cell.backwardRun: a block of steps a call) gives the
 * bits of the sweep step by step (LstmCell.backward under backwardRange), record by record: odd
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

describe("the LSTM's backward sweep in wasm gives the step-by-step bits", () => {
  for (const { H, D, K, T, truncate, k, reduction } of SWEEP_CASES) {
    it(`H=${H} D=${D} K=${K} T=${T} truncate ${truncate}${truncate === 'chunks' ? ` k=${k}` : ''}, ${reduction}`, () => {
      const problem = randomProblem({ cell: 'lstm', H, D, K, T, seed: H + K, scale: 0.5, nullRate: 0.2, reduction, bptt: { truncate, k } });
      const cell = makeCell(problem.config);
      // The whole sequence from zeros, and a run from step 13 on with a gradient arriving at its end.
      const arriving: CellState = { h: Float64Array.from({ length: H }, () => rng.normal()), c: Float64Array.from({ length: H }, () => rng.normal()) };
      withParams(problem.params, () => expectSweepsAgree(problem, cell, () => ({ h: new Float64Array(H), c: new Float64Array(H) }), arriving));
    });
  }

  it('is not offered for the variants or where the products would run in JavaScript', () => {
    for (const o of [{ H: 4, K: 3 }, { H: 40, K: 64 }, { H: 64, K: 8 }, { H: 64, K: 64, peephole: true }, { H: 64, K: 64, coupled: true }]) {
      const problem = randomProblem({ cell: 'lstm', D: 6, T: 4, ...o });
      const cell = makeCell(problem.config);
      const fwd = forwardPass(cell, problem.config, problem.params, problem.sequence, problem.s0);
      const z = { h: new Float64Array(o.H), c: new Float64Array(o.H) };
      expect(cell.backwardRun!(problem.params, o.K, fwd.caches, fwd.outs.map((s) => s.dz), 0, 0, z), JSON.stringify(o)).toBeNull();
    }
  });
});
