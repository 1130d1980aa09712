/**
 * Shared by the tests of the cells' backward sweeps in wasm (Cell.backwardRun): a sweep with the
 * run and the same sweep step by step must give every record's bits.
 */
import { expect } from 'vitest';
import { backwardRange, forwardPass } from '../../../src/engine/bptt';
import type { BackwardStep, Cell, CellState } from '../../../src/engine/cells';
import type { Problem } from '../../../src/engine';

/** The same cell without its run: backwardRange then steps it one backward at a time. */
export function stepwise(cell: Cell): Cell {
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

/** Odd shapes, runs longer than a block, chunk truncation cutting inside and at a block's edge, a mean loss. */
export const SWEEP_CASES = [
  { H: 47, D: 5, K: 45, T: 300, truncate: 'chunks' as const, k: 7, reduction: 'mean' as const },
  { H: 128, D: 64, K: 64, T: 130, truncate: 'none' as const, k: 5, reduction: 'sum' as const },
  { H: 64, D: 9, K: 33, T: 257, truncate: 'chunks' as const, k: 128, reduction: 'sum' as const },
];

/**
 * The cell's run is offered here, and the sweep with it equals the sweep step by step, record by
 * record: over the whole sequence from `zeros`, and from step 13 on with `arriving` at its end.
 * Call inside withParams(problem.params, ...).
 */
export function expectSweepsAgree(problem: Problem, cell: Cell, zeros: () => CellState, arriving: CellState): void {
  const p = problem.params;
  const T = problem.sequence.inputs.length;
  const fwd = forwardPass(cell, problem.config, p, problem.sequence, problem.s0);
  const dz = fwd.outs.map((o) => o.dz);
  expect(cell.backwardRun!(p, problem.config.K, fwd.caches, dz, 0, 0, zeros())).not.toBeNull();
  for (const [t0, end, dNext] of [[0, T, zeros()], [13, T - 11, arriving]] as const) {
    const caches = fwd.caches.slice(t0, end), outs = fwd.outs.slice(t0, end);
    const fast = backwardRange(cell, problem.config, problem.bptt, p, caches, outs, fwd.scale, t0, dNext);
    const slow = backwardRange(stepwise(cell), problem.config, problem.bptt, p, caches, outs, fwd.scale, t0, dNext);
    expect(fast.length).toBe(slow.length);
    fast.forEach((s, i) => expectSame(s, slow[i], t0 + i + 1));
  }
}
