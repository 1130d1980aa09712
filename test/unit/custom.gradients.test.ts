/**
 * Reverse mode through every operator and function a custom cell may use: property-based, on random
 * sizes (H, D) and values, BPTT's gradients against central finite differences of the loss, and one
 * step's d(state_prev) and dx against finite differences of the step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck, makeCell, Rng, type CellState } from '../../src/engine';
import { randomProblem } from './helpers/randomProblem';
import { diff6 } from './helpers/finiteDiff';
import { CELLS, PARAMS } from './helpers/customCells';

function problemFor(equations: string, H: number, D: number, seed: number) {
  const states = /c_prev/.test(equations) ? ['h', 'c'] : ['h'];
  return randomProblem({ cell: 'custom', custom: { states, params: PARAMS, equations }, H, D, K: 2, T: 4, seed, scale: 0.5 });
}

/** The step of this file's central differences. */
const EPS = 1e-4;

describe('custom cell gradients, every operator and function', () => {
  for (const [name, equations] of Object.entries(CELLS)) {
    it(`${name}: BPTT and one step's d(state_prev), dx agree with finite differences`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), (H, D, seed) => {
          const p = problemFor(equations, H, D, seed);
          for (const r of gradcheck(p, { eps: 1e-4 })) expect(r.maxRelError, `${r.name} at [${r.index}] H=${H} D=${D} seed=${seed}`).toBeLessThan(1e-6);
          const cell = makeCell(p.config);
          const rng = new Rng(seed);
          const w: CellState = Object.fromEntries(cell.info.states.map((s) => [s, Float64Array.from({ length: H }, () => rng.normal())]));
          const x = Float64Array.from({ length: D }, () => rng.normal());
          const prev: CellState = Object.fromEntries(cell.info.states.map((s) => [s, Float64Array.from({ length: H }, () => rng.normal() * 0.5)]));
          const L = (): number => {
            const st = cell.forward(p.params, x, prev).state;
            return cell.info.states.reduce((a, s) => a + st[s].reduce((b, v, i) => b + v * w[s][i], 0), 0);
          };
          const g = cell.backward(p.params, cell.forward(p.params, x, prev), w, true);
          const close = (a: number, b: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThan(1e-7 * Math.max(1, Math.abs(b)));
          for (const s of cell.info.states) for (let i = 0; i < H; i++) close(g.dprev[s][i], diff6(L, prev[s], i, EPS), `d${s}_prev[${i}]`);
          for (let i = 0; i < D; i++) close((g.dx as Float64Array)[i], diff6(L, x, i, EPS), `dx[${i}]`);
        }),
        { numRuns: 12, seed: 20261130 },
      );
    });
  }
});
