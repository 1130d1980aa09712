/**
 * The GRU's (both variants) and the tanh RNN's backward sweeps in wasm (Cell.backwardRun: a block of
 * steps a call) give the bits of the sweep step by step (the cell's backward under backwardRange),
 * record by record: odd
 * shapes, runs longer than a block, chunk truncation cutting inside and at a block's edge, a mean
 * loss's scaled dz, steps without a target, and a run starting mid-sequence with a gradient arriving.
 */
import { describe, expect, it } from 'vitest';
import { backwardRange, forwardPass } from '../../src/engine/bptt';
import { makeCell, Rng } from '../../src/engine';
import type { BackwardStep, Cell, CellState } from '../../src/engine/cells';
import { withParams } from '../../src/engine/linalg';
import { randomProblem } from './helpers/randomProblem';

const rng = new Rng(5);

/** The same cell without its run: backwardRange then steps it one backward at a time. */
function stepwise(cell: Cell): Cell {
  const c = Object.create(cell) as Cell;
  (c as { backwardRun?: unknown }).backwardRun = undefined;
  return c;
}

const bits = (v: Float64Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, 2 * v.length));

function expectSame(a: BackwardStep, b: BackwardStep, t: number): void {
  for (const k of ['dz', 'dhFromOutput', 'dhFromFuture', 'dh'] as const) expect(bits(a[k]), `${k} at ${t}`).toEqual(bits(b[k]));
  for (const part of ['dgates', 'dstate', 'dprev'] as const) {
    expect(Object.keys(a.grad[part]).sort()).toEqual(Object.keys(b.grad[part]).sort());
    for (const k of Object.keys(b.grad[part])) expect(bits(a.grad[part][k]), `${part}.${k} at ${t}`).toEqual(bits(b.grad[part][k]));
  }
  expect(a.grad.dx).toBeNull();
}

const cases = [
  { H: 47, D: 5, K: 45, T: 300, truncate: 'chunks' as const, k: 7, reduction: 'mean' as const },
  { H: 128, D: 64, K: 64, T: 130, truncate: 'none' as const, k: 5, reduction: 'sum' as const },
  { H: 64, D: 9, K: 33, T: 257, truncate: 'chunks' as const, k: 128, reduction: 'sum' as const },
];

const kinds = [{ cell: 'gru', variant: 'classic' }, { cell: 'gru', variant: 'pytorch' }, { cell: 'rnn', activation: 'tanh' }] as const;

describe("the GRU's and the tanh RNN's backward sweeps in wasm give the step-by-step bits", () => {
  for (const kind of kinds) for (const { H, D, K, T, truncate, k, reduction } of cases) {
    it(`${JSON.stringify(kind)} H=${H} D=${D} K=${K} T=${T} truncate ${truncate}${truncate === 'chunks' ? ` k=${k}` : ''}, ${reduction}`, () => {
      const problem = randomProblem({ ...kind, H, D, K, T, seed: H + K, scale: 0.5, nullRate: 0.2, reduction, bptt: { truncate, k } });
      const cell = makeCell(problem.config);
      const p = problem.params;
      withParams(p, () => {
        const fwd = forwardPass(cell, problem.config, p, problem.sequence, problem.s0);
        const dz = fwd.outs.map((o) => o.dz);
        expect(cell.backwardRun!(p, K, fwd.caches, dz, 0, 0, { h: new Float64Array(H) })).not.toBeNull();
        // The whole sequence from zeros, and a run from step 13 on with a gradient arriving at its end.
        const arriving: CellState = { h: Float64Array.from({ length: H }, () => rng.normal()) };
        for (const [t0, end, dNext] of [[0, T, { h: new Float64Array(H) }], [13, T - 11, arriving]] as const) {
          const caches = fwd.caches.slice(t0, end), outs = fwd.outs.slice(t0, end);
          const fast = backwardRange(cell, problem.config, problem.bptt, p, caches, outs, fwd.scale, t0, dNext);
          const slow = backwardRange(stepwise(cell), problem.config, problem.bptt, p, caches, outs, fwd.scale, t0, dNext);
          expect(fast.length).toBe(slow.length);
          fast.forEach((s, i) => expectSame(s, slow[i], t0 + i + 1));
        }
      });
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
