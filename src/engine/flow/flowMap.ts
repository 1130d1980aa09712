/**
 * The flow map: ‖dL_t/dh_k‖_2 for each loss term L_t and each earlier step k, by full BPTT of L_t
 * alone (one backward sweep per row through the cells' own backward), exact up to floating point.
 * A cell with more states (lstm h_k and c_k) carries them all back: dL_t/dh_k is the h-part (c_k fixed).
 */
import type { Problem } from '../types';
import { norm2, withParams } from '../linalg';
import { zeroState, type CellState } from '../cells';
import { backwardCost, DEFAULT_MAX_ROWS, FLOW_BUDGET } from './budget';
import { droppedPairs, truncationLoss, type TruncationLoss } from './truncation';
import { outputGradient, stateOfLayer, stepCaches, trajectory } from './unroll';
import { slicer, type FlowProgress } from './slices';

export interface FlowMap {
  T: number;
  /** 1-based t of each computed row, ascending: all rows when cheap enough, else the most recent ones. */
  rows: number[];
  /**
   * norms[i][k-1] = ‖dL_t/dh_k‖_2 (t = rows[i], k = 1..T) for k <= t; null for k > t, a whole row of
   * null when L_t has no target, and null for k < t - span + 1 when the span was bounded (see bounded).
   * dL_t/dh_k includes the reduction's scale (1/N for mean). Full BPTT (not truncated).
   */
  norms: (number | null)[][];
  /** Why not every pair was computed, e.g. "the most recent 200 of 1000 rows", else null. */
  bounded: string | null;
  /** Each row's span: norms[i][k-1] was computed for t - span + 1 <= k <= t (span >= T: all k). */
  span: number;
  /** With truncation: dropped[i][k-1] = true when the spec's truncation cuts (rows[i], k); null without. */
  dropped: boolean[][] | null;
  /** With truncation: share = ‖g_full - g_truncated‖_2 / ‖g_full‖_2 over all parameters; else null. */
  truncationLoss: TruncationLoss | null;
}

export interface FlowMapOptions {
  /** Rows computed at most, the most recent ones (default 256). */
  maxRows?: number;
  /** Steps back each row covers at most (default: as the work budget allows). */
  maxSpan?: number;
  /** A stack's layer whose h the map is about, 1 = bottom (default: the top one, which the output reads). */
  layer?: number;
  /** Called between slices of the work (a worker serves its messages there); may throw to stop. */
  progress?: FlowProgress;
}

/**
 * Rows and span within the budget: all T rows in full when sum_t t backward steps fit; else the most
 * recent min(T, maxRows) rows, each back as far as the budget allows; if that is fewer steps than
 * rows, a square of floor(sqrt(steps)) rows by as many steps.
 */
export function flowBounds(T: number, stepBudget: number, maxRows: number, maxSpan: number): { R: number; S: number } {
  let R = Math.max(1, Math.min(T, maxRows));
  let S = Math.min(T, maxSpan);
  const work = (r: number, s: number): number => r * s; // an upper bound of the steps swept
  if (work(R, S) > stepBudget) {
    S = Math.floor(stepBudget / R);
    if (S < R) R = S = Math.max(1, Math.floor(Math.sqrt(stepBudget)));
  }
  return { R, S: Math.max(1, S) };
}

/** ‖dL_t/dh_k‖_2 over (t, k), bounded work: at most ~1e8 multiply-adds after one forward pass. */
export function flowMap(problem: Problem, opts: FlowMapOptions = {}): FlowMap {
  return withParams(problem.params, () => flowMapOf(problem, opts)); // the matrices stay in wasm memory for the sweeps
}

function flowMapOf(problem: Problem, opts: FlowMapOptions = {}): FlowMap {
  const T = problem.sequence.inputs.length;
  const { config, params: p } = problem;
  const stepBudget = Math.max(1, Math.floor(FLOW_BUDGET / backwardCost(config)));
  const { R, S } = flowBounds(T, stepBudget, opts.maxRows ?? DEFAULT_MAX_ROWS, opts.maxSpan ?? Infinity);
  const rows = Array.from({ length: R }, (_, i) => T - R + 1 + i);
  const first = rows[0] ?? 1;
  const traj = trajectory(problem, opts.progress);
  const { cell, scale } = traj;
  const cost = backwardCost(config);
  // A lower layer's dL_t/dh_k is its total at step k (from the layer above and from k+1): one backward step more.
  const hName = stateOfLayer(problem, 'h', opts.layer);
  const lower = hName !== 'h';
  const from = Math.max(1, first - S + (lower ? 1 : 2)); // the earliest step a sweep goes back through
  const tick = slicer(opts.progress, 'map', R);
  const saved = stepCaches(problem, traj, from, T, (c) => tick(c, 0));
  const cacheAt = (t: number) => saved[t - from];

  const norms = rows.map((t, i) => {
    const row: (number | null)[] = new Array(T).fill(null);
    let dh = outputGradient(problem, p, traj.states[t].h, t, scale);
    if (!dh) return row;
    let d: CellState = { ...zeroState(cell), h: dh };
    const kMin = Math.max(1, t - S + 1);
    if (lower) {
      for (let j = t; j >= kMin; j--) {
        const g = cell.backward(p, cacheAt(j), d);
        row[j - 1] = norm2(g.dstate[hName]);
        d = g.dprev;
        tick(cost, i);
      }
      return row;
    }
    row[t - 1] = norm2(dh);
    for (let j = t; j > kMin; j--) {
      // dL_t/ds_{j-1} from dL_t/ds_j for every state s: one step of the cell's backward.
      d = cell.backward(p, cacheAt(j), d).dprev;
      row[j - 2] = norm2(d.h);
      tick(cost, i);
    }
    return row;
  });

  const parts: string[] = [];
  if (R < T) parts.push(`the most recent ${R} of ${T} rows`);
  if (S < T) parts.push(`each row back to k >= t-${S - 1}`);
  const loss = truncationLoss(problem, undefined, opts.progress);
  if (loss === undefined) parts.push('the truncation loss not computed (two full traces exceed the work bound)');
  const bounded = parts.length > 0 ? `${parts.join('; ')} (work bounded to ~${FLOW_BUDGET.toExponential(0)} multiply-adds)` : null;
  return { T, rows, norms, bounded, span: S, dropped: droppedPairs(problem.bptt, rows, T), truncationLoss: loss ?? null };
}
