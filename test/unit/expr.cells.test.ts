/**
 * The built-in cells' equations, run through the expression language: forward lines give the cell's own
 * states, and backward lines give dL/ds_{t-1} and each parameter's one-step gradient as central
 * differences of the cell's forward. This checks the evaluator on real equations (and the equations' text).
 */
import { describe, expect, it } from 'vitest';
import { makeCell, Rng, type CellState, type Tensor } from '../../src/engine';
import { evaluate, mapScope, parseAssignments, type ExprValue } from '../../src/engine/expr';
import { BUILTIN_FORMS, randomProblem } from './helpers/randomProblem';

const D = 3;
const H = 4;
const vector = (data: Float64Array): Tensor => ({ shape: [data.length], data });
const dataOf = (v: ExprValue | undefined): Float64Array => {
  if (typeof v !== 'object') throw new Error(`expected a tensor, got ${String(v)}`);
  return v.data;
};

/** Fourth-order central difference of f along coordinate i of v (v is restored). */
function diff(f: () => number, v: Float64Array, i: number, e = 1e-3): number {
  const v0 = v[i];
  const at = (d: number): number => ((v[i] = v0 + d), f());
  const r = (8 * (at(e) - at(-e)) - (at(2 * e) - at(-2 * e))) / (12 * e);
  v[i] = v0;
  return r;
}

/** Runs an equations block over `values`, adding each assigned name; returns the names assigned, in order. */
function run(lines: string[], values: Map<string, ExprValue>): string[] {
  const text = lines.join('\n');
  const assigned: string[] = [];
  for (const a of parseAssignments(text)) {
    values.set(a.target, evaluate(a.expr, mapScope(values)));
    assigned.push(a.target);
  }
  return assigned;
}

describe('built-in cells through the expression language', () => {
  for (const c of BUILTIN_FORMS) {
    it(`${JSON.stringify(c)}: forward equations give the cell's states; backward ones its gradients`, () => {
      const p = randomProblem({ ...c, D, H, seed: 3 });
      const cell = makeCell(p.config);
      const { states, equations } = cell.info;
      const rng = new Rng(9);
      const x = Float64Array.from({ length: D }, () => rng.normal());
      const prev: CellState = Object.fromEntries(states.map((s) => [s, Float64Array.from({ length: H }, () => rng.normal() * 0.5)]));
      const w: CellState = Object.fromEntries(states.map((s) => [s, Float64Array.from({ length: H }, () => rng.normal())]));
      const cellParams = Object.keys(cell.info.shapes);

      const values = new Map<string, ExprValue>([['x', vector(x)]]);
      for (const name of cellParams) values.set(name, p.params[name]);
      for (const s of states) values.set(`${s}_prev`, vector(prev[s]));
      run(equations.forward, values);
      const step = cell.forward(p.params, x, prev);
      for (const s of states) {
        const got = dataOf(values.get(s));
        step.state[s].forEach((v, i) => expect(got[i], `${s}[${i}]`).toBeCloseTo(v, 12));
      }

      // L = Σ_s w_s · s_t: dL/dh_t = w_h arrives as dh, dL/dc_t from step t+1 as dc_next.
      values.set('dh', vector(w.h));
      for (const s of states.slice(1)) values.set(`d${s}_next`, vector(w[s]));
      const assigned = run(equations.backward, values);
      const L = (): number => {
        const st = cell.forward(p.params, x, prev).state;
        return states.reduce((a, s) => a + st[s].reduce((b, v, i) => b + v * w[s][i], 0), 0);
      };
      for (const s of states) {
        expect(assigned).toContain(`d${s}_prev`);
        const got = dataOf(values.get(`d${s}_prev`));
        for (let i = 0; i < H; i++) expect(got[i], `d${s}_prev[${i}]`).toBeCloseTo(diff(L, prev[s], i), 7);
      }
      const withGrad = cellParams.filter((name) => assigned.includes(`d${name}`));
      // Every parameter multiplied by a matrix product has its gradient line (peephole weights may not).
      expect(cellParams.filter((n) => !withGrad.includes(n) && !n.startsWith('w_c'))).toEqual([]);
      for (const name of withGrad) {
        const got = dataOf(values.get(`d${name}`));
        const param = p.params[name].data;
        expect(got.length, name).toBe(param.length);
        for (let i = 0; i < param.length; i++) expect(got[i], `d${name}[${i}]`).toBeCloseTo(diff(L, param, i), 7);
      }
    });
  }
});
