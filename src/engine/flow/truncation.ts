/** Which (t, k) pairs a truncation cuts, and the share of the gradient's norm it loses. */
import type { BpttConfig, Params, Problem } from '../types';
import { runTrace } from '../trace';
import { recurrentCount, TRUNCATION_BUDGET } from './budget';
import type { FlowProgress } from './slices';

/**
 * Whether the truncation cuts L_t off from h_k (k <= t). window k: L_t reaches h_j for j >= t-k+1;
 * chunks of k: the chunks are 1..k, k+1..2k, ..., and L_t reaches only its own chunk.
 */
export function truncationCuts(bptt: BpttConfig, t: number, k: number): boolean {
  switch (bptt.truncate) {
    case 'none':
      return false;
    case 'window':
      return k < t - bptt.k + 1;
    case 'chunks':
      return Math.floor((k - 1) / bptt.k) !== Math.floor((t - 1) / bptt.k);
  }
}

/** dropped[i][k-1] for the given rows and k = 1..T (false above the diagonal); null without truncation. */
export function droppedPairs(bptt: BpttConfig, rows: number[], T: number): boolean[][] | null {
  if (bptt.truncate === 'none') return null;
  return rows.map((t) => Array.from({ length: T }, (_, i) => i + 1 <= t && truncationCuts(bptt, t, i + 1)));
}

export interface TruncationLoss {
  /** ‖g_full - g_truncated‖_2 / ‖g_full‖_2 over all parameters (0 when g_full = 0). */
  share: number;
  fullNorm: number;
  truncatedNorm: number;
}

function flat(g: Params): Float64Array[] {
  return Object.keys(g)
    .sort()
    .map((name) => g[name].data);
}

/**
 * The share of the full gradient's norm that the spec's truncation loses: null without truncation,
 * undefined when two full traces (forward, backward, parameter gradients) would exceed `budget`.
 * progress: between the traces' slices (the full trace's steps count first, then the truncated one's).
 */
export function truncationLoss(problem: Problem, budget = TRUNCATION_BUDGET, progress?: FlowProgress): TruncationLoss | null | undefined {
  if (problem.bptt.truncate === 'none') return null;
  const { H, D, K } = problem.config;
  const perStep = 3 * recurrentCount(problem.config) * H * (H + D) + 3 * K * H; // forward, backward, gradients
  if (2 * problem.sequence.inputs.length * perStep > budget) return undefined;
  const T = problem.sequence.inputs.length;
  // Each trace's forward then backward, T steps each: 4T in all.
  const passes = (first: number) =>
    progress ? { progress: (phase: 'forward' | 'backward', done: number, total: number) => progress('truncation', first + (phase === 'backward' ? T : 0) + Math.round((done / Math.max(1, total)) * T), 4 * T) } : {};
  const full = flat(runTrace({ ...problem, bptt: { truncate: 'none', k: problem.bptt.k } }, undefined, passes(0)).grads);
  const trunc = flat(runTrace(problem, undefined, passes(2 * T)).grads);
  let f2 = 0, t2 = 0, d2 = 0;
  full.forEach((a, p) => {
    const b = trunc[p];
    for (let i = 0; i < a.length; i++) {
      f2 += a[i] * a[i];
      t2 += b[i] * b[i];
      d2 += (a[i] - b[i]) * (a[i] - b[i]);
    }
  });
  const fullNorm = Math.sqrt(f2);
  return { share: fullNorm > 0 ? Math.sqrt(d2) / fullNorm : 0, fullNorm, truncatedNorm: Math.sqrt(t2) };
}
