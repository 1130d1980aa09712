/**
 * Jacobian norms along one row t: ‖dh_t/dh_k‖_2 for k <= t beside the notes' bound (γλ)^(t-k), and
 * for gated cells the path through the cell state (products of f, of 1 - z, or of z).
 *
 * dh_t/dh_k is the Jacobian of h_t with respect to h_k along every path through the recurrence,
 * with everything else at step k held fixed: rnn and gru carry only h, so it is the product
 * Π_{j=k+1..t} dh_j/dh_{j-1} (rnn: diag(f'(a_j)) W_hh); lstm carries (h, c), so it is the h-block
 * ∂h_t/∂h_k of the product of the (h, c) state Jacobians (c_k held fixed, paths through every
 * c_j, j > k, included). Formed exactly: its rows e_iᵀ ∂h_t/∂(h_k, c_k) are carried back one step
 * at a time by the cells' own backward (a vector-Jacobian product), then the spectral norm of the
 * H×H block is sqrt(λmax) of its Gram matrix (tridiagonalisation and bisection).
 */
import { withParams } from '../linalg';
import type { ModelConfig, Problem } from '../types';
import { cellInfo, zeroState, type CellState } from '../cells';
import { backwardCost, DEFAULT_MAX_SPAN, JACOBIAN_BUDGET } from './budget';
import { stackedRecurrentNorm } from './recurrent';
import { matrixSpectralNorm } from './spectral';
import { stateOfLayer, stepCaches, trajectory } from './unroll';
import { slicer, type FlowProgress } from './slices';

export interface JacobianRow {
  t: number;
  /**
   * norms[k-1] = ‖dh_t/dh_k‖_2 (spectral norm) for k = 1..t (k = t gives 1). NaN for the k the
   * bound left out (k < t - span + 1; see bounded): JSON.stringify writes those as null.
   */
  norms: number[];
  /** bound[k-1] = (gamma * lambda)^(t-k), the notes' bound (for gated cells a reference curve, not a bound). */
  bound: number[];
  /** max f' of the recurrence's nonlinearity: tanh 1, sigmoid 1/4, relu 1, identity 1; lstm and gru 1 (tanh' of the candidate). */
  gamma: number;
  /** rnn ‖W_hh‖_2; lstm ‖[W_hi; W_hf; W_hg; W_ho]‖_2 (W_hi absent when coupled); gru ‖[W_hr; W_hz; W_hn]‖_2. */
  lambda: number;
  /**
   * lstm: gatePath[k-1] = max over units of Π_{j=k+1..t} f_j (the cell-state path); gru classic:
   * max over units of Π (1 - z_j); gru pytorch: Π z_j; rnn null. k = t gives 1 (the empty product).
   */
  gatePath: number[] | null;
  /** Set when the row was bounded, e.g. "k >= t-199"; else null. */
  bounded: string | null;
}

/** γ = max f' of the recurrence's nonlinearity (gated cells: the candidate's tanh, 1), as the cell says. */
export function gammaOf(config: ModelConfig): number {
  return cellInfo(config).gamma;
}

/** Steps back a row may cover: the budget over (backward on H vectors + Gram + tridiagonalisation). */
export function jacobianSpan(config: ModelConfig): number {
  const H = config.H;
  const perStep = H * backwardCost(config) + 2.5 * H * H * H;
  return Math.max(1, Math.floor(JACOBIAN_BUDGET / perStep));
}

/** ‖dh_t/dh_k‖_2 along row t, the bound (γλ)^(t-k), and the gates' path; at most maxSpan steps back. */
export function jacobianRow(problem: Problem, t: number, opts: JacobianOptions = {}): JacobianRow {
  return withParams(problem.params, () => jacobianRowOf(problem, t, opts)); // the matrices stay in wasm memory for the sweeps
}

/** maxSpan: steps back at most; layer: a stack's layer whose h_t and h_k the row relates (default the top); progress: between slices (may throw to stop). */
export interface JacobianOptions {
  maxSpan?: number;
  layer?: number;
  progress?: FlowProgress;
}

function jacobianRowOf(problem: Problem, t: number, opts: JacobianOptions = {}): JacobianRow {
  const T = problem.sequence.inputs.length;
  if (!Number.isInteger(t) || t < 1 || t > T) throw new RangeError(`timestep ${t} is outside 1..${T}`);
  const { config, params: p } = problem;
  const H = config.H;
  const span = Math.max(1, Math.min(t, opts.maxSpan ?? DEFAULT_MAX_SPAN, jacobianSpan(config)));
  const kMin = t - span + 1;

  const traj = trajectory(problem, opts.progress);
  const { cell } = traj;
  const path = cell.info.path;
  const tick = slicer(opts.progress, 'jacobian', t - kMin);
  const saved = stepCaches(problem, traj, kMin + 1, t, (cost) => tick(cost, 0));
  // A stack's layer l: dh^l_t/dh^l_k runs through layer l's own recurrence (the layers below feed it, none feeds back).
  const hName = stateOfLayer(problem, 'h', opts.layer);
  const sfx = hName.slice(1);
  const layerInfo = cell.info.layers?.[(opts.layer ?? cell.info.layers.length) - 1];

  const norms = new Array<number>(t).fill(NaN);
  norms[t - 1] = 1;
  // rows[i].s = e_iᵀ ∂h_t/∂s_j for every state s (h; lstm also c), for j = t down to kMin.
  let rows: CellState[] = Array.from({ length: H }, (_, i) => {
    const e = zeroState(cell);
    e[hName][i] = 1;
    return e;
  });
  const block = new Float64Array(H * H);
  const step = backwardCost(config);
  for (let j = t; j > kMin; j--) {
    const cache = saved[j - kMin - 1];
    rows = rows.map((r) => {
      const d = cell.backward(p, cache, r).dprev;
      tick(step, t - j);
      return d;
    });
    rows.forEach((r, i) => block.set(r[hName], i * H));
    norms[j - 2] = matrixSpectralNorm(block, H, H, (cost) => tick(cost, t - j + 1));
  }

  const lambda = stackedRecurrentNorm(config, p, layerInfo?.recurrent);
  const gamma = gammaOf(config);
  const bound = Array.from({ length: t }, (_, i) => Math.pow(gamma * lambda, t - (i + 1)));
  let gatePath: number[] | null = null;
  if (path && sfx) {
    // A lower layer's gate, from the steps re-run above (k < kMin left out, NaN like norms).
    const gates: Float64Array[] = new Array(t);
    saved.forEach((c, i) => (gates[kMin + i] = c.gates[path.gate + sfx]));
    gatePath = gatePathOf(gates, t, H, path.complement, kMin);
  } else if (path && traj.pathGates) gatePath = gatePathOf(traj.pathGates, t, H, path.complement);
  return { t, norms, bound, gamma, lambda, gatePath, bounded: kMin > 1 ? `k >= t-${span - 1}` : null };
}

/** gatePath[k-1] = max over units of Π_{j=k+1..t} g_j (or 1 - g_j), for k >= kMin (NaN below). */
function gatePathOf(gates: Float64Array[], t: number, H: number, complement: boolean, kMin = 1): number[] {
  const out = new Array<number>(t).fill(NaN);
  const prod = new Float64Array(H).fill(1);
  out[t - 1] = 1;
  for (let j = t; j >= kMin + 1; j--) {
    const g = gates[j - 1];
    let m = 0;
    for (let u = 0; u < H; u++) {
      prod[u] *= complement ? 1 - g[u] : g[u];
      m = Math.max(m, prod[u]);
    }
    out[j - 2] = m;
  }
  return out;
}
