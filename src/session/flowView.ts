/**
 * Builds what the panel's "Gradient flow" section shows: the flow map once per trace (bounded and
 * pooled to what a panel can draw), the Jacobian row of the cursor's t, the recurrent matrices'
 * spectra and the clipping preview. Pure: no vscode, so it is tested in Node.
 */
import { clipPreview, flowMap, jacobianRow, recurrentSpectra, type Params, type Problem } from '../engine';
import type { ClipView, FlowData, FlowMapView, JacobianView } from '../protocol';

/** Rows of the map computed at most (the most recent loss terms). */
export const MAX_FLOW_ROWS = 160;
/** Columns sent at most; wider maps are pooled into blocks of consecutive k (largest norm kept). */
export const MAX_FLOW_COLS = 160;
/** The clipping threshold shown first when the spec sets none. */
export const DEFAULT_CLIP = 5;

/** JSON has no NaN or ±Infinity: a norm that is not finite goes as null ("not computed"). */
const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** ||dL_t/dh_k|| over (t, k) as the heatmap shows it: the computed rows, columns pooled past MAX_FLOW_COLS. */
export function flowMapView(problem: Problem, opts: { maxRows?: number; maxCols?: number } = {}): FlowMapView {
  const m = flowMap(problem, { maxRows: opts.maxRows ?? MAX_FLOW_ROWS });
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
  const norms = m.norms.map((row) =>
    pool<number | null, number | null>(row, null, (acc, v) => {
      const f = finiteOrNull(v);
      return f === null ? acc : acc === null ? f : Math.max(acc, f);
    }),
  );
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
  return { T: m.T, rows: m.rows, cols, block, norms, dropped, bounded, truncation: m.truncationLoss };
}

/** ||dh_t/dh_k|| along row t with the bound and the gate path, over the k the engine computed. */
export function jacobianView(problem: Problem, t: number): JacobianView {
  const r = jacobianRow(problem, t);
  // norms[k-1] is NaN for the k a bounded row left out: send only the computed k.
  let kFirst = t;
  while (kFirst > 1 && Number.isFinite(r.norms[kFirst - 2])) kFirst--;
  const slice = <V>(a: V[]): V[] => a.slice(kFirst - 1, t);
  return {
    t,
    ks: Array.from({ length: t - kFirst + 1 }, (_, i) => kFirst + i),
    norms: slice(r.norms),
    bound: slice(r.bound),
    gamma: r.gamma,
    lambda: r.lambda,
    gammaLambda: r.gamma * r.lambda,
    gatePath: r.gatePath ? slice(r.gatePath) : null,
    gateLabel: !r.gatePath ? null : problem.config.cell === 'lstm' ? 'Π f' : problem.config.variant === 'classic' ? 'Π (1 − z)' : 'Π z',
    bounded: r.bounded,
  };
}

/** The clipping preview of a gradient at a threshold (> 0). */
export function clipView(grads: Params, threshold: number): ClipView {
  const c = clipPreview(grads, threshold);
  return { threshold: c.threshold, norm: c.norm, scale: c.scale, clippedNorm: c.clippedNorm, perParam: c.perParam };
}

/** Everything the flow section needs once per trace: the map, the spectra, the clip preview at the spec's threshold. */
export function flowData(problem: Problem, grads: Params): FlowData {
  return {
    map: flowMapView(problem),
    spectral: recurrentSpectra(problem.config, problem.params).perMatrix,
    clip: clipView(grads, problem.train.clip !== null && problem.train.clip > 0 ? problem.train.clip : DEFAULT_CLIP),
  };
}
