/**
 * Builds what the panel's "Gradient flow" section shows: the flow map once per trace (bounded and
 * pooled to what a panel can draw), the Jacobian row of the cursor's t, the recurrent matrices'
 * spectra and the clipping preview. Pure: no vscode, so it is tested in Node.
 */
import { cellInfo, clipPreview, flowMap, jacobianRow, recurrentSpectra, type FlowPhase, type FlowProgress, type Params, type Problem } from '../engine';
import type { ClipView, FlowData, FlowMapView, FlowVerdict, JacobianView } from '../protocol';

/** Rows of the map computed at most (the most recent loss terms). */
export const MAX_FLOW_ROWS = 160;
/** Columns sent at most; wider maps are pooled into blocks of consecutive k (largest norm kept). */
export const MAX_FLOW_COLS = 160;
/** The clipping threshold shown first when the spec sets none. */
export const DEFAULT_CLIP = 5;

/** λ's matrix: ‖W_hh‖₂ for one recurrent matrix, ‖[W_hi; W_hf; ...]‖₂ for several stacked. */
export function lambdaName(recurrent: string[]): string {
  return recurrent.length === 1 ? `‖${recurrent[0]}‖₂` : `‖[${recurrent.join('; ')}]‖₂`;
}

/** JSON has no NaN or ±Infinity: a norm that is not finite goes as null ("not computed"). */
const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** ||dL_t/dh_k|| over (t, k) as the heatmap shows it: the computed rows, columns pooled past MAX_FLOW_COLS. */
export function flowMapView(problem: Problem, opts: { maxRows?: number; maxCols?: number; layer?: number; progress?: FlowProgress } = {}): FlowMapView {
  const m = flowMap(problem, { maxRows: opts.maxRows ?? MAX_FLOW_ROWS, layer: opts.layer, progress: opts.progress });
  const maxCols = opts.maxCols ?? MAX_FLOW_COLS;
  // Columns from the earliest k any row reached up to T (earlier k were never computed).
  const kFirst = m.rows.length ? Math.max(1, m.rows[0] - m.span + 1) : 1;
  const width = m.T - kFirst + 1;
  const block = Math.max(1, Math.ceil(width / maxCols));
  const cols = Array.from({ length: Math.ceil(width / block) }, (_, j) => kFirst + j * block);
  const pool = <V, R>(row: V[], init: R, fold: (acc: R, v: V) => R): R[] =>
    cols.map((k0) => {
      let acc = init;
      for (let k = k0; k < Math.min(m.T + 1, k0 + block); k++) acc = fold(acc, row[k - 1]);
      return acc;
    });
  // Pooling and ratios pass over every row's T entries: the hook between rows too (T = 100,000 rows are long).
  const between = (i: number): void => opts.progress?.('pooling', i, 2 * m.rows.length);
  const norms = m.norms.map((row, i) => {
    between(i);
    return pool<number | null, number | null>(row, null, (acc, v) => {
      const f = finiteOrNull(v);
      return f === null ? acc : acc === null ? f : Math.max(acc, f);
    });
  });
  // A pooled cell counts as dropped when truncation cuts every pair it stands for (k <= t).
  const dropped = m.dropped
    ? m.dropped.map((row, i) => {
        const t = m.rows[i];
        return cols.map((k0) => {
          const last = Math.min(t, m.T, k0 + block - 1);
          if (k0 > last) return false;
          for (let k = k0; k <= last; k++) if (!row[k - 1]) return false;
          return true;
        });
      })
    : null;
  const bounded = [m.bounded, block > 1 ? `columns pooled: each stands for ${block} steps k and shows their largest norm` : null].filter(Boolean).join('; ') || null;
  // Each pair against its row's diagonal ||dL_t/dh_t||: how much of L_t's gradient is left k steps back.
  const ratios = m.norms.map((row, i) => {
    between(m.rows.length + i);
    const diag = row[m.rows[i] - 1];
    const r = row.map((v) => (v !== null && diag !== null && diag > 0 && Number.isFinite(v) ? v / diag : null));
    return pool<number | null, number | null>(r, null, (acc, v) => (v === null || !Number.isFinite(v) ? acc : acc === null ? v : Math.max(acc, v)));
  });
  const verdict = flowVerdict(m.rows, m.norms);
  const layer = stackLayer(problem, opts.layer);
  // In a stack the map is about one layer's h: the verdict says which.
  if (layer !== null) verdict.text = `layer ${layer}: ${verdict.text}`;
  return { T: m.T, rows: m.rows, cols, block, norms, ratios: ratios.map((r) => r.map(finiteOrNull)), dropped, bounded, truncation: m.truncationLoss, verdict, ...(layer !== null ? { layer } : {}) };
}

/** A stack's layer (the top one when none is given), or null for a single cell. */
function stackLayer(problem: Problem, layer: number | undefined): number | null {
  const L = problem.config.layers ?? 1;
  return L > 1 ? (layer ?? L) : null;
}

/** Below this factor per step back the gradient is called vanishing, above its inverse exploding. */
export const STEADY = 0.9;

/**
 * The factor the gradient is multiplied by per step back, averaged over every row at its farthest
 * reach: exp(sum_t log(||dL_t/dh_k_t|| / ||dL_t/dh_t||) / sum_t (t - k_t)), a geometric mean
 * weighted by distance, so long rows count more than short ones. With W_hh a scaled rotation
 * (examples/linear-rnn-rho-*) every ratio is rho^(t-k) and the factor is rho exactly.
 */
export function flowVerdict(rows: number[], norms: (number | null)[][]): FlowVerdict {
  let logSum = 0, steps = 0, farthest = 0, zero = false;
  rows.forEach((t, i) => {
    const row = norms[i], diag = row[t - 1];
    if (diag === null || !(diag > 0) || !Number.isFinite(diag)) return;
    let k = 1;
    while (k < t && (row[k - 1] === null || !Number.isFinite(row[k - 1] as number))) k++;
    if (k >= t) return;
    const v = row[k - 1] as number;
    if (v <= 0) zero = true;
    else logSum += Math.log(v / diag);
    steps += t - k;
    farthest = Math.max(farthest, t - k);
  });
  if (steps === 0) return { factor: null, kind: 'unknown', steps: 0, text: 'not enough steps with a target to tell whether the gradient vanishes or explodes' };
  const factor = zero ? 0 : Math.exp(logSum / steps);
  const kind = factor < STEADY ? 'vanishing' : factor > 1 / STEADY ? 'exploding' : 'steady';
  const f = factor === 0 ? '0' : factor >= 0.01 && factor < 100 ? factor.toFixed(2) : factor.toExponential(1);
  const over = factor > 0 && farthest > 1 ? `; ${farthest} steps back: ×${fmtFactor(Math.pow(factor, farthest))}` : '';
  const what = kind === 'vanishing' ? 'vanishing' : kind === 'exploding' ? 'exploding' : 'neither vanishing nor exploding';
  return { factor, kind, steps: farthest, text: `×${f} per step back: ${what}${over}` };
}

const fmtFactor = (v: number): string => (v === 0 ? '0' : v >= 0.01 && v < 1000 ? String(Number(v.toPrecision(3))) : v.toExponential(1).replace('e+', 'e'));

/** What each part of the flow data is called while it computes. */
const PHASE_NAMES: Record<FlowPhase, string> = {
  forward: 'the forward pass',
  map: 'the flow map',
  truncation: 'the truncation loss (two traces)',
  pooling: 'the flow map',
  spectra: 'the spectra',
  jacobian: 'the Jacobian row',
};

/** How far the flow data are, in words: "the forward pass, 40%". */
export function flowProgressText(phase: FlowPhase, done: number, total: number): string {
  const pct = total > 0 ? Math.min(100, Math.max(0, Math.floor((100 * done) / total))) : 0;
  return `${PHASE_NAMES[phase]}, ${pct}%`;
}

/** What the flow views say for a cell without an [H, H] recurrent matrix, as `bptt flow` does. */
export const NO_BOUND = 'no [H, H] recurrent matrix, so no λ and no bound (γλ)^(t−k): the measured norms alone';

/** ||dh_t/dh_k|| along row t with the bound and the gate path, over the k the engine computed; progress: between slices (may throw to stop). */
export function jacobianView(problem: Problem, t: number, layer?: number, progress?: FlowProgress): JacobianView {
  const l = stackLayer(problem, layer);
  const r = jacobianRow(problem, t, { ...(l !== null ? { layer: l } : {}), progress });
  const whole = cellInfo(problem.config);
  // A stack's layer: its own recurrent matrices and gate path.
  const info = l !== null && whole.layers ? whole.layers[l - 1] : whole;
  const path = info.path;
  // A cell without an [H, H] recurrent matrix (IndRNN's u is a vector) has no λ, so no bound (γλ)^(t−k): said, not drawn as 0.
  const noBound = info.recurrent.length === 0 ? NO_BOUND : undefined;
  // norms[k-1] is NaN for the k a bounded row left out: send only the computed k.
  let kFirst = t;
  while (kFirst > 1 && Number.isFinite(r.norms[kFirst - 2])) kFirst--;
  const slice = <V>(a: V[]): V[] => a.slice(kFirst - 1, t);
  return {
    t,
    ks: Array.from({ length: t - kFirst + 1 }, (_, i) => kFirst + i),
    norms: slice(r.norms),
    bound: noBound ? [] : slice(r.bound),
    gamma: r.gamma,
    lambda: r.lambda,
    gammaLambda: r.gamma * r.lambda,
    gatePath: r.gatePath ? slice(r.gatePath) : null,
    gateLabel: r.gatePath ? (path?.label ?? null) : null,
    gateWhat: r.gatePath ? (path?.what ?? null) : null,
    gateSummary: r.gatePath && path && kFirst < t ? gateSummary(path.label, path.what, t, kFirst, r.gatePath[kFirst - 1]) : null,
    lambdaName: lambdaName(info.recurrent),
    ...(noBound ? { noBound } : {}),
    bounded: r.bounded,
    ...(l !== null ? { layer: l } : {}),
  };
}

/**
 * The gate path in one sentence: its product over the row's farthest reach and the factor per step
 * back that makes it (the geometric mean), judged as flowVerdict judges the whole gradient.
 */
export function gateSummary(label: string, what: string, t: number, k: number, product: number): string {
  const steps = t - k;
  const per = product > 0 ? Math.pow(product, 1 / steps) : 0;
  const fate = per >= STEADY ? 'stays open: the gradient survives along it' : 'closes: the gradient fades along it too';
  return `${label} over the ${steps} step${steps === 1 ? '' : 's'} back to k = ${k}: ${fmtFactor(product)} (largest unit), ×${fmtFactor(per)} per step; the ${what} ${fate}`;
}

/** The clipping preview of a gradient at a threshold (> 0). */
export function clipView(grads: Params, threshold: number): ClipView {
  const c = clipPreview(grads, threshold);
  return { threshold: c.threshold, norm: c.norm, scale: c.scale, clippedNorm: c.clippedNorm, perParam: c.perParam };
}

/**
 * Everything the flow section needs once per trace: the map, the spectra, the clip preview at the
 * spec's threshold. progress: between slices of the work (a worker serves its messages there); may throw to stop.
 */
export function flowData(problem: Problem, grads: Params, layer?: number, progress?: FlowProgress): FlowData {
  const l = stackLayer(problem, layer);
  return {
    map: flowMapView(problem, { layer: l ?? undefined, progress }),
    // A stack's layer: its own recurrent matrices' spectra.
    spectral: recurrentSpectra(problem.config, problem.params, l ?? undefined, progress).perMatrix,
    clip: clipView(grads, problem.train.clip !== null && problem.train.clip > 0 ? problem.train.clip : DEFAULT_CLIP),
  };
}
