/**
 * The forward pass as the flow views need it, the cells run directly. One pass keeps only the
 * states (h_t, c_t) and the gate the state path goes through (lstm f, gru z): O(T·H) memory. The
 * steps a backward sweep reads are then re-run from the saved state before them, so a long
 * sequence never holds every step's cache, and the flow map and a Jacobian row on the same
 * problem share one forward pass (memoised per Problem, checked against its parameters).
 */
import type { Params, Problem } from '../types';
import { makeCell, unroll, type Cell, type CellState, type StepCache } from '../cells';
import { outputStep } from '../output';
import { forwardCost, slicer, type FlowProgress } from './slices';

export interface Trajectory {
  cell: Cell;
  /** states[t] = every state at t, for t = 0..T (states[0] = the initial state). */
  states: CellState[];
  /** The gate of the cell's state path at each step (lstm f, gru z; rnn none): pathGates[t-1] for t = 1..T. */
  pathGates: Float64Array[] | null;
  /** 1 for a summed loss, 1/N for the mean over the N steps that have a target. */
  scale: number;
}

/** 1 for sum, 1/N for mean over the N steps with a target (the reduction BPTT differentiates). */
export function reductionScale(problem: Problem): number {
  if (problem.config.reduction === 'sum') return 1;
  const n = problem.sequence.targets.reduce((a, t) => a + (t === null ? 0 : 1), 0);
  return n > 0 ? 1 / n : 1;
}

/** Everything the forward pass depends on, as numbers: a memo is reused only while these agree. */
function fingerprint(problem: Problem): Float64Array {
  const parts: ArrayLike<number>[] = [...Object.values(problem.params).map((t) => t.data), ...Object.values(problem.s0), [problem.sequence.inputs.length]];
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[o++] = p[i];
  return out;
}

const memo = new WeakMap<Problem, { inputs: Float64Array[]; print: Float64Array; traj: Trajectory }>();

function samePrint(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The forward pass over t = 1..T, keeping states and path gates; memoised per problem. progress: between slices (may throw: nothing is kept). */
export function trajectory(problem: Problem, progress?: FlowProgress): Trajectory {
  const print = fingerprint(problem);
  const hit = memo.get(problem);
  if (hit && hit.inputs === problem.sequence.inputs && samePrint(hit.print, print)) return hit.traj;
  const cell = makeCell(problem.config);
  const T = problem.sequence.inputs.length;
  const gate = cell.info.path?.gate ?? null;
  const states: CellState[] = [problem.s0];
  const pathGates: Float64Array[] | null = gate ? new Array(T) : null;
  const tick = slicer(progress, 'forward', T);
  const cost = forwardCost(problem.config);
  unroll(cell, problem.params, problem.sequence.inputs, problem.s0, (cache, i) => {
    states.push(cache.state);
    if (pathGates && gate) pathGates[i] = cache.gates[gate];
    tick(cost, i + 1);
  });
  const traj: Trajectory = { cell, states, pathGates, scale: reductionScale(problem) };
  memo.set(problem, { inputs: problem.sequence.inputs, print, traj });
  return traj;
}

/**
 * Seeds the memo with a forward pass already run (a plain trace's caches, computed with the
 * problem's own parameters), so the flow map and Jacobian rows reuse it instead of running another.
 */
export function seedTrajectory(problem: Problem, caches: readonly StepCache[]): void {
  if (caches.length !== problem.sequence.inputs.length) throw new RangeError(`seedTrajectory: ${caches.length} caches for T = ${problem.sequence.inputs.length}`);
  const cell = makeCell(problem.config);
  const gate = cell.info.path?.gate ?? null;
  const states: CellState[] = [problem.s0, ...caches.map((c) => c.state)];
  const pathGates = gate ? caches.map((c) => c.gates[gate]) : null;
  memo.set(problem, { inputs: problem.sequence.inputs, print: fingerprint(problem), traj: { cell, states, pathGates, scale: reductionScale(problem) } });
}

/** The caches of steps from..to (caches[t - from]), re-run from the saved state at from - 1; tick(multiply-adds) after each step. */
export function stepCaches(problem: Problem, traj: Trajectory, from: number, to: number, tick?: (cost: number) => void): StepCache[] {
  const out: StepCache[] = [];
  const cost = forwardCost(problem.config);
  unroll(traj.cell, problem.params, problem.sequence.inputs, traj.states[from - 1], (cache) => {
    out.push(cache);
    tick?.(cost);
  }, from - 1, to);
  return out;
}

/**
 * A state of a stack's layer under the stack's names: the top layer's plain (h, c), a lower layer
 * l's with _l{l} (h_l1). Without a layer, or for a single cell, the plain name.
 */
export function stateOfLayer(problem: Problem, state: string, layer: number | undefined): string {
  const L = problem.config.layers ?? 1;
  if (layer === undefined || L <= 1) return state;
  if (!Number.isInteger(layer) || layer < 1 || layer > L) throw new RangeError(`layer ${layer} is outside 1..${L}`);
  return layer === L ? state : `${state}_l${layer}`;
}

/** dL_t/dh_t through the output at t, after reduction scaling: W_hyᵀ · scale · dz_t; null without a target. */
export function outputGradient(problem: Problem, p: Params, h: Float64Array, t: number, scale: number): Float64Array | null {
  const { config } = problem;
  const target = problem.sequence.targets[t - 1];
  if (target === null) return null;
  const { dz } = outputStep(p, config.K, config.H, config.output, config.loss, h, target);
  const dh = new Float64Array(config.H);
  const W = p.W_hy.data; // W_hy: [K,H]; dh = W_hyᵀ · dz
  for (let k = 0; k < config.K; k++) {
    const g = dz[k] * scale;
    if (g === 0) continue;
    for (let j = 0; j < config.H; j++) dh[j] += W[k * config.H + j] * g;
  }
  return dh;
}
