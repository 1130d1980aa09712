/**
 * What a flow map's cell says, shared by its two drawings (elements, canvas): its value and ratio
 * to the row's diagonal as text, the column that holds a step. Formatting only.
 */
import type { Cursor, FlowMapView } from '../src/protocol';
import { formatNumber } from '../src/format';

export interface FlowMapPart {
  element: HTMLElement;
  /** Moves the cursor's highlight: row t, and in the backward phase column k = t and cell (t, t). */
  update(cursor: Cursor): void;
}

/** The cell's ratio to its row's diagonal, or null (none sent, or no value). */
export const ratioAt = (m: FlowMapView, i: number, j: number): number | null => m.ratios?.[i]?.[j] ?? null;

/** A ratio as a factor, e.g. ×0.125, ×3.4e+5. */
export function factorText(r: number): string {
  if (r === 0) return '×0';
  return r >= 0.001 && r < 1000 ? `×${Number(r.toPrecision(3))}` : `×${r.toExponential(1)}`;
}

/** The pair (or pooled range) a column stands for. */
function kText(m: FlowMapView, j: number, t: number): string {
  const k0 = m.cols[j];
  const k1 = Math.min(k0 + m.block - 1, m.T, t);
  return k1 > k0 ? `${k0}…${k1}` : String(k0);
}

export function cellText(m: FlowMapView, i: number, j: number): string {
  const t = m.rows[i], v = m.norms[i][j];
  const k = kText(m, j, t);
  const what = m.block > 1 && m.cols[j] + m.block - 1 > m.cols[j] ? `max ‖dL_${t}/dh_k‖ over k = ${k}` : `‖dL_${t}/dh_${k}‖`;
  if (v === null) return `${what}: ${m.cols[j] > t ? 'k > t, no path' : 'not computed (no target at t, or beyond the bound)'}`;
  const r = ratioAt(m, i, j);
  const rel = r === null ? '' : ` · ${factorText(r)} of ‖dL_${t}/dh_${t}‖`;
  return `${what} = ${formatNumber(v)}${rel}${m.dropped?.[i][j] ? ' · dropped by the truncation' : ''} · click: cursor to t = ${t}`;
}

/** Index of the column that holds step k, or -1. */
export function colOf(m: FlowMapView, k: number): number {
  const j = Math.floor((k - (m.cols[0] ?? 1)) / m.block);
  return j >= 0 && j < m.cols.length ? j : -1;
}

