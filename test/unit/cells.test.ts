/**
 * The cell contract: every cell's one-step backward against central differences of its forward,
 * for dL/ds_{t-1} of every state and dL/dx_t; and each cell's description against what it does.
 */
import { describe, expect, it } from 'vitest';
import { makeCell, Rng, unroll, type CellState, type ModelConfig } from '../../src/engine';
import { randomProblem } from './helpers/randomProblem';
import { diff6 } from './helpers/finiteDiff';

const CELLS: Partial<ModelConfig>[] = [
  { cell: 'rnn', activation: 'tanh' },
  { cell: 'rnn', activation: 'sigmoid' },
  { cell: 'lstm' },
  { cell: 'lstm', peephole: true },
  { cell: 'lstm', peephole: true, coupled: true },
  { cell: 'gru', variant: 'classic' },
  { cell: 'gru', variant: 'pytorch' },
];

/** The step of this file's central differences. */
const EPS = 1e-3;

describe('cell contract', () => {
  for (const c of CELLS) {
    it(`${JSON.stringify(c)}: backward gives d(state_prev) for every state and dx, as finite differences of forward`, () => {
      const p = randomProblem({ ...c, D: 3, H: 4, seed: 11 });
      const cell = makeCell(p.config);
      const rng = new Rng(5);
      const { states } = cell.info;
      expect(states[0]).toBe('h');
      expect(Object.keys(p.s0)).toEqual(states);
      // A random linear functional of every state after the step: L = Σ_s w_s · s_t.
      const w: CellState = Object.fromEntries(states.map((s) => [s, Float64Array.from({ length: 4 }, () => rng.normal())]));
      const x = Float64Array.from({ length: 3 }, () => rng.normal());
      const prev: CellState = Object.fromEntries(states.map((s) => [s, Float64Array.from({ length: 4 }, () => rng.normal() * 0.5)]));
      const L = (): number => {
        const st = cell.forward(p.params, x, prev).state;
        return states.reduce((a, s) => a + st[s].reduce((b, v, i) => b + v * w[s][i], 0), 0);
      };
      const g = cell.backward(p.params, cell.forward(p.params, x, prev), w, true);
      expect(Object.keys(g.dprev)).toEqual(states);
      for (const s of states) for (let i = 0; i < 4; i++) expect(g.dprev[s][i]).toBeCloseTo(diff6(L, prev[s], i, EPS), 8);
      for (let i = 0; i < 3; i++) expect((g.dx as Float64Array)[i]).toBeCloseTo(diff6(L, x, i, EPS), 8);
      // Without withDx nothing is spent on it.
      expect(cell.backward(p.params, cell.forward(p.params, x, prev), w).dx).toBeNull();
    });

    it(`${JSON.stringify(c)}: describes its own parameters, recurrent matrices and gate path`, () => {
      const p = randomProblem({ ...c, D: 3, H: 4 });
      const { info } = makeCell(p.config);
      const cellParams = Object.keys(p.params).filter((n) => n !== 'W_hy' && n !== 'b_y');
      expect(Object.keys(info.shapes)).toEqual(cellParams);
      for (const n of cellParams) expect(info.shapes[n]).toEqual(p.params[n].shape);
      for (const n of info.recurrent) expect(p.params[n].shape).toEqual([4, 4]);
      expect(info.recurrent).toContain(info.mainRecurrent);
      const cache = makeCell(p.config).forward(p.params, p.sequence.inputs[0], p.s0);
      if (info.path) expect(cache.gates[info.path.gate]).toHaveLength(4);
      // Every forward equation assigns a gate, a pre-activation or a state the step computed.
      for (const line of info.equations.forward) {
        const name = line.split('=')[0].trim();
        expect(cache.gates[name] ?? cache.pre[name] ?? cache.state[name], line).toBeDefined();
      }
      expect(info.equations.forward.at(-1)).toMatch(/^h = /);
    });
  }

  it('unroll carries every state and lets a visit replace the state (a truncation cut)', () => {
    const p = randomProblem({ cell: 'lstm', T: 5 });
    const cell = makeCell(p.config);
    const seen: number[] = [];
    const end = unroll(cell, p.params, p.sequence.inputs, p.s0, (_, i) => void seen.push(i), 1, 4);
    expect(seen).toEqual([1, 2, 3]);
    let s = p.s0;
    for (let i = 1; i < 4; i++) s = cell.forward(p.params, p.sequence.inputs[i], s).state;
    expect(Array.from(end.c)).toEqual(Array.from(s.c));
    const cut = unroll(cell, p.params, p.sequence.inputs, p.s0, (_, i) => (i === 3 ? p.s0 : undefined), 0, 4);
    expect(cut).toBe(p.s0);
  });
});
