/**
 * The flow map: ||dL_t/dh_k|| as a t-by-k heatmap on a log colour scale (rows: loss terms L_t,
 * columns: steps k), the pairs a truncation drops hatched, the cursor's cell outlined. Small maps
 * are elements with each value in title and aria-label; large ones a canvas whose title follows
 * the pointer.
 */
import type { Cursor, FlowMapView } from '../src/protocol';
import { formatNumber } from '../src/format';
import { resolveRgb, sequential, sequentialRgb } from './colors';
import { el, sym } from './dom';

export interface FlowMapPart {
  element: HTMLElement;
  /** Moves the cursor's highlight: row t, and in the backward phase column k = t and cell (t, t). */
  update(cursor: Cursor): void;
}

/** Above this many cells the map is drawn on a canvas. */
export const FLOW_DOM_CELLS = 1600;

/** The log10 range of the finite positive norms (display mapping only). */
function logRange(m: FlowMapView): { lo: number; hi: number; min: number; max: number } | null {
  let min = Infinity, max = -Infinity;
  for (const row of m.norms) for (const v of row) if (v !== null && v > 0) (min = Math.min(min, v)), (max = Math.max(max, v));
  if (!(min <= max)) return null;
  return { lo: Math.log10(min), hi: Math.log10(max), min, max };
}

/** Where a value sits on the log scale, 0..1. */
const share = (v: number, r: { lo: number; hi: number }): number => (v <= 0 ? 0 : r.hi > r.lo ? (Math.log10(v) - r.lo) / (r.hi - r.lo) : 1);

/** The pair (or pooled range) a column stands for. */
function kText(m: FlowMapView, j: number, t: number): string {
  const k0 = m.cols[j];
  const k1 = Math.min(k0 + m.block - 1, m.T, t);
  return k1 > k0 ? `${k0}…${k1}` : String(k0);
}

function cellText(m: FlowMapView, i: number, j: number): string {
  const t = m.rows[i], v = m.norms[i][j];
  const k = kText(m, j, t);
  const what = m.block > 1 && m.cols[j] + m.block - 1 > m.cols[j] ? `max ‖dL_${t}/dh_k‖ over k = ${k}` : `‖dL_${t}/dh_${k}‖`;
  if (v === null) return `${what}: ${m.cols[j] > t ? 'k > t, no path' : 'not computed (no target at t, or beyond the bound)'}`;
  return `${what} = ${formatNumber(v)}${m.dropped?.[i][j] ? ' · dropped by the truncation' : ''}`;
}

/** Index of the column that holds step k, or -1. */
function colOf(m: FlowMapView, k: number): number {
  const j = Math.floor((k - (m.cols[0] ?? 1)) / m.block);
  return j >= 0 && j < m.cols.length ? j : -1;
}

function legend(m: FlowMapView, r: ReturnType<typeof logRange>): HTMLElement {
  const items: (HTMLElement | null)[] = [
    r
      ? el(
          'span',
          { class: 'fm-key', 'data-testid': 'flow-range' },
          el('span', { class: 'num', text: formatNumber(r.min) }),
          el('span', { class: 'fm-ramp', 'aria-hidden': 'true' }),
          el('span', { class: 'num', text: formatNumber(r.max) }),
          el('span', { class: 'muted', text: ' log scale' }),
        )
      : el('span', { class: 'muted', text: 'no norms to show' }),
    m.dropped ? el('span', { class: 'fm-key' }, el('span', { class: 'fm-swatch dropped', 'aria-hidden': 'true' }), 'dropped by truncation') : null,
    el('span', { class: 'fm-key' }, el('span', { class: 'fm-swatch cursor', 'aria-hidden': 'true' }), 'cursor'),
  ];
  return el('div', { class: 'fm-legend' }, items);
}

export function flowMapPart(m: FlowMapView): FlowMapPart {
  const r = logRange(m);
  const nRows = m.rows.length, nCols = m.cols.length;
  const big = nRows * nCols > FLOW_DOM_CELLS;
  const grid = big ? canvasGrid(m, r) : domGrid(m, r);
  const element = el(
    'div',
    { class: 'fm' },
    el('div', { class: 'fm-axes' }, el('span', { class: 'fm-ylabel muted' }, 'rows: ', sym('L', 't')), el('span', { class: 'fm-xlabel muted' }, 'columns: ', sym('h', 'k'))),
    el('div', { class: 'fm-scroll' }, grid.element),
    legend(m, r),
  );
  return { element, update: grid.update };
}

/** One element per cell, with the row's t at the left and the columns' k below. */
function domGrid(m: FlowMapView, r: ReturnType<typeof logRange>): FlowMapPart {
  const nCols = m.cols.length;
  const size = nCols <= 16 && m.rows.length <= 24 ? ' small' : nCols > 48 ? ' large' : '';
  const grid = el('div', { class: `fm-grid${size}`, role: 'table', 'data-testid': 'flow-map', 'aria-label': 'Gradient flow map: ‖dL_t/dh_k‖ for each loss term L_t (rows) and step k (columns)' });
  grid.style.gridTemplateColumns = `auto repeat(${nCols}, var(--fcell))`;
  const cells: HTMLElement[][] = [];
  const rowHeads: HTMLElement[] = [];
  m.rows.forEach((t, i) => {
    const head = el('span', { class: 'fm-t num', role: 'rowheader', text: String(t) });
    rowHeads.push(head);
    const row: HTMLElement[] = [];
    const line = el('div', { class: 'fm-row', role: 'row' }, head);
    for (let j = 0; j < nCols; j++) {
      const v = m.norms[i][j];
      const text = cellText(m, i, j);
      const c = el('span', {
        class: `fm-cell${v === null ? (m.cols[j] > t ? ' upper' : ' na') : ''}${m.dropped?.[i][j] ? ' dropped' : ''}`,
        role: 'cell',
        'data-testid': `flow-${t}-${m.cols[j]}`,
        'data-value': v === null ? '' : formatNumber(v),
        title: text,
        'aria-label': text,
      });
      if (v !== null && r) c.style.backgroundColor = sequential(share(v, r));
      row.push(c);
      line.append(c);
    }
    cells.push(row);
    grid.append(line);
  });
  // The columns' k below; when there are many, every few.
  const every = Math.max(1, Math.ceil(nCols / 24));
  const foot = el('div', { class: 'fm-row fm-foot', 'aria-hidden': 'true' }, el('span', { class: 'fm-t' }));
  m.cols.forEach((k, j) => foot.append(el('span', { class: 'fm-k num', text: j % every === 0 || j === nCols - 1 ? String(k) : '' })));
  grid.append(foot);

  let marked: HTMLElement[] = [];
  return {
    element: grid,
    update(cursor) {
      for (const e of marked) e.classList.remove('cur-row', 'cur-col', 'cursor');
      marked = [];
      const i = m.rows.indexOf(cursor.t);
      const j = colOf(m, cursor.t);
      if (i >= 0) for (const c of [rowHeads[i], ...cells[i]]) c.classList.add('cur-row'), marked.push(c);
      if (cursor.phase === 'backward' && j >= 0) for (let a = 0; a < cells.length; a++) cells[a][j].classList.add('cur-col'), marked.push(cells[a][j]);
      if (i >= 0 && j >= 0) {
        cells[i][j].classList.add('cursor');
        marked.push(cells[i][j]);
      }
      grid.dataset.cursor = i >= 0 && j >= 0 ? `${cursor.t}-${m.cols[j]}` : '';
    },
  };
}

/** One canvas pixel per cell, scaled up; dropped cells darkened; an outline box for the cursor. */
function canvasGrid(m: FlowMapView, r: ReturnType<typeof logRange>): FlowMapPart {
  const nRows = m.rows.length, nCols = m.cols.length;
  // Cells as large as fit about 640 × 520 px (the scroller's height), at least 3 px.
  const cell = Math.max(3, Math.min(8, Math.floor(640 / Math.max(nCols, 1)), Math.floor(520 / Math.max(nRows, 1))));
  const canvas = el('canvas', {
    class: 'fm-canvas',
    role: 'img',
    'data-testid': 'flow-map',
    'data-rows': nRows,
    'data-cols': nCols,
    'aria-label': `Gradient flow map: ${nRows} rows (L_t, t = ${m.rows[0]}…${m.rows[nRows - 1]}) by ${nCols} columns (k)${r ? `, log colour from ${formatNumber(r.min)} to ${formatNumber(r.max)}` : ''}; hover for values`,
    title: 'Gradient flow map: hover for values',
  });
  canvas.width = nCols;
  canvas.height = nRows;
  canvas.style.width = `${nCols * cell}px`;
  canvas.style.height = `${nRows * cell}px`;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const zero = resolveRgb('var(--bptt-zero)');
    const colours = { flow: resolveRgb('var(--bptt-flow)'), hot: resolveRgb('var(--bptt-flow-hot)'), zero };
    const img = ctx.createImageData(nCols, nRows);
    for (let i = 0; i < nRows; i++) {
      for (let j = 0; j < nCols; j++) {
        const v = m.norms[i][j], p = 4 * (i * nCols + j);
        let rgb: [number, number, number] = v !== null && r ? sequentialRgb(share(v, r), colours) : zero;
        if (m.dropped?.[i][j]) rgb = rgb.map((c, q) => Math.round(c * 0.45 + zero[q] * 0.55)) as [number, number, number];
        img.data.set([...rgb, 255], p);
      }
    }
    ctx.putImageData(img, 0, 0);
  }
  canvas.addEventListener('mousemove', (e) => {
    const i = Math.floor(e.offsetY / cell), j = Math.floor(e.offsetX / cell);
    if (i >= 0 && j >= 0 && i < nRows && j < nCols) canvas.title = cellText(m, i, j);
  });
  const box = el('span', { class: 'fm-cursor-box', 'aria-hidden': 'true' });
  const wrap = el('div', { class: 'fm-canvas-wrap' }, canvas, box);
  return {
    element: wrap,
    update(cursor) {
      const i = m.rows.indexOf(cursor.t), j = colOf(m, cursor.t);
      box.hidden = i < 0 || j < 0;
      box.style.top = `${i * cell}px`;
      box.style.left = `${j * cell}px`;
      box.style.width = box.style.height = `${cell}px`;
      canvas.dataset.cursor = i >= 0 && j >= 0 ? `${cursor.t}-${m.cols[j]}` : '';
    },
  };
}
