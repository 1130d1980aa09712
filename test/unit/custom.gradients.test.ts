/**
 * Reverse mode through every operator and function a custom cell may use: property-based, on random
 * sizes (H, D) and values, BPTT's gradients against central finite differences of the loss, and one
 * step's d(state_prev) and dx against finite differences of the step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck, makeCell, Rng, type CellState, type CustomCellSpec } from '../../src/engine';
import { randomProblem } from './helpers/randomProblem';
import { diff6 } from './helpers/finiteDiff';

const PARAMS: CustomCellSpec['params'] = { A: ['H', 'D'], B: ['H', 'H'], M: ['D', 'H'], v: ['H'], w: ['H'] };

/** Each operator or function inside a cell h = tanh(...), or a two-state cell. */
const CELLS: Record<string, string> = {
  '+': 'h = tanh(A @ x + B @ h_prev + v)',
  '-': 'h = tanh(A @ x - B @ h_prev - v)',
  '*': 'h = tanh(v * h_prev + w * (A @ x))',
  '/': 'h = tanh((A @ x) / (2 + v * v) + v / (1.5 + h_prev * h_prev))',
  'unary -': 'h = tanh(-(A @ x) + -v * h_prev)',
  'number * vector': 'h = tanh(0.5 * (B @ h_prev) + (A @ x) * 2 - 1)',
  '@ matrix-vector': 'h = tanh(B @ h_prev + A @ x)',
  '@ vector-matrix': 'h = tanh(x @ M + h_prev @ B)',
  '@ matrix-matrix': 'h = tanh((B @ transpose(B)) @ h_prev + A @ x)',
  '@ vector-vector (dot)': 'h = tanh((v @ h_prev) * w + A @ x)',
  sigmoid: 'h = sigmoid(A @ x + B @ h_prev)',
  tanh: 'h = tanh(A @ x + B @ h_prev)',
  relu: 'h = tanh(relu(A @ x + B @ h_prev + v))',
  exp: 'h = tanh(exp(0.3 * (A @ x + B @ h_prev)))',
  log: 'h = tanh(log(1.5 + v * v + h_prev * h_prev) + A @ x)',
  sqrt: 'h = tanh(sqrt(1 + (A @ x) * (A @ x)) + B @ h_prev)',
  abs: 'h = tanh(abs(A @ x + v) + B @ h_prev)',
  softplus: 'h = tanh(softplus(A @ x + B @ h_prev))',
  sum: 'h = tanh(sum(A @ x) * v + B @ h_prev)',
  mean: 'h = tanh(mean(B @ h_prev) * w + A @ x)',
  norm: 'h = tanh(norm(h_prev + v) * w + A @ x)',
  max: 'h = tanh(max(A @ x + h_prev) * v + B @ h_prev)',
  min: 'h = tanh(min(A @ x - h_prev) * v + B @ h_prev)',
  transpose: 'h = tanh(transpose(B) @ h_prev + transpose(M) @ x)',
  outer: 'h = tanh(outer(v, h_prev) @ w + A @ x)',
  'two states, gates reused': 'f = sigmoid(B @ h_prev + v)\nc = f * c_prev + (1 - f) * tanh(A @ x)\nh = tanh(c) * f',
  'a name for a parameter and an input': 'u = v\nk = x\nh = tanh(A @ k + u * h_prev)',
};

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
