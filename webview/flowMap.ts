/**
 * The flow map: ||dL_t/dh_k|| as a t-by-k heatmap (rows: loss terms L_t, columns: steps k), each
 * cell coloured by its ratio to the row's diagonal ||dL_t/dh_t|| on a diverging log scale centred at
 * ×1 with fixed decades (cold: the gradient shrank on its way back, hot: it grew), so a vanishing
 * and an exploding model look different at a glance. The pairs a truncation drops are hatched, the
 * cursor's row and cell outlined; a click moves the cursor to the row's t. Small maps are elements
 * with each value in title and aria-label; large ones a canvas with ticks, whose title follows the
 * pointer.
 */
import type { Cursor, FlowMapView } from '../src/protocol';
import { formatNumber } from '../src/format';
import { RATIO_DECADES, ratioColor, ratioRgb, resolveRgb } from './colors';
import { el, sym } from './dom';

export interface FlowMapPart {
  element: HTMLElement;
  /** Moves the cursor's highlight: row t, and in the backward phase column k = t and cell (t, t). */
  update(cursor: Cursor): void;
}

/** Above this many cells the map is drawn on a canvas. */
export const FLOW_DOM_CELLS = 1600;

/** The cell's ratio to its row's diagonal, or null (none sent, or no value). */
const ratioAt = (m: FlowMapView, i: number, j: number): number | null => m.ratios?.[i]?.[j] ?? null;

const SUP: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
const superscript = (n: number): string => [...String(n)].map((c) => SUP[c] ?? c).join('');

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

function cellText(m: FlowMapView, i: number, j: number): string {
  const t = m.rows[i], v = m.norms[i][j];
  const k = kText(m, j, t);
  const what = m.block > 1 && m.cols[j] + m.block - 1 > m.cols[j] ? `max ‖dL_${t}/dh_k‖ over k = ${k}` : `‖dL_${t}/dh_${k}‖`;
  if (v === null) return `${what}: ${m.cols[j] > t ? 'k > t, no path' : 'not computed (no target at t, or beyond the bound)'}`;
  const r = ratioAt(m, i, j);
  const rel = r === null ? '' : ` · ${factorText(r)} of ‖dL_${t}/dh_${t}‖`;
  return `${what} = ${formatNumber(v)}${rel}${m.dropped?.[i][j] ? ' · dropped by the truncation' : ''} · click: cursor to t = ${t}`;
}

/** Index of the column that holds step k, or -1. */
function colOf(m: FlowMapView, k: number): number {
  const j = Math.floor((k - (m.cols[0] ?? 1)) / m.block);
  return j >= 0 && j < m.cols.length ? j : -1;
}

function legend(m: FlowMapView): HTMLElement {
  const items: (HTMLElement | null)[] = [
    el(
      'span',
      { class: 'fm-key', 'data-testid': 'flow-range', title: `colour: ‖dL_t/dh_k‖ / ‖dL_t/dh_t‖ on a log scale, ${RATIO_DECADES} decades either side of ×1` },
      el('span', { class: 'muted', text: 'shrinks' }),
      el('span', { class: 'num', text: `×10${superscript(-RATIO_DECADES)}` }),
      el('span', { class: 'fm-ramp', 'aria-hidden': 'true' }),
      el('span', { class: 'num', text: `×10${superscript(RATIO_DECADES)}` }),
      el('span', { class: 'muted', text: 'grows' }),
      el('span', { class: 'muted', text: '(of ‖dL_t/dh_t‖)' }),
    ),
    m.dropped ? el('span', { class: 'fm-key' }, el('span', { class: 'fm-swatch dropped', 'aria-hidden': 'true' }), 'dropped by truncation') : null,
    el('span', { class: 'fm-key' }, el('span', { class: 'fm-swatch cursor', 'aria-hidden': 'true' }), 'cursor'),
  ];
  return el('div', { class: 'fm-legend' }, items);
}

/** The verdict in plain words above the map: the factor per step back and vanishing / exploding. */
function verdictLine(m: FlowMapView): HTMLElement | null {
  const v = m.verdict;
  if (!v) return null;
  return el(
    'p',
    { class: `fm-verdict ${v.kind}`, 'data-testid': 'flow-verdict', 'data-kind': v.kind, 'data-factor': v.factor === null ? '' : String(v.factor), title: 'The gradient’s factor per step back: the geometric mean over every row of ‖dL_t/dh_k‖ / ‖dL_t/dh_t‖ at its farthest k, per step' },
    el('strong', { text: v.text }),
  );
}

/**
 * The map for one flow; `width` is the px the map may take (its slot's width, 0 when not laid out
 * yet): a canvas map sizes its cells to fit it, a DOM map's columns shrink to fit by CSS.
 */
export function flowMapPart(m: FlowMapView, onPick: (t: number) => void, width = 0): FlowMapPart {
  const nRows = m.rows.length, nCols = m.cols.length;
  const big = nRows * nCols > FLOW_DOM_CELLS;
  const grid = big ? canvasGrid(m, onPick, width) : domGrid(m, onPick);
  const note = el('p', { class: 'fm-offmap muted', 'data-testid': 'flow-offmap', hidden: true });
  const element = el(
    'div',
    { class: 'fm' },
    verdictLine(m),
    el('div', { class: 'fm-axes' }, el('span', { class: 'fm-ylabel muted' }, 'rows: loss term ', sym('L', 't')), el('span', { class: 'fm-xlabel muted' }, 'columns: earlier step ', sym('h', 'k'))),
    note,
    el('div', { class: 'fm-scroll' }, grid.element),
    legend(m),
  );
  return {
    element,
    update(cursor) {
      grid.update(cursor);
      // A bounded map shows the most recent rows: say where the cursor's row is when it is not among them.
      const shown = m.rows.includes(cursor.t);
      note.hidden = shown || m.rows.length === 0;
      note.textContent = shown ? '' : `Row t = ${cursor.t} is not on this map (rows t = ${m.rows[0]}…${m.rows[m.rows.length - 1]} shown); step towards t = ${m.rows[0]} or click a row.`;
    },
  };
}

/** One element per cell, with the row's t at the left and the columns' k below. */
function domGrid(m: FlowMapView, onPick: (t: number) => void): FlowMapPart {
  const nCols = m.cols.length;
  const size = nCols <= 16 && m.rows.length <= 24 ? ' small' : nCols > 48 ? ' large' : '';
  const grid = el('div', { class: `fm-grid${size}`, role: 'table', 'data-testid': 'flow-map', 'aria-label': 'Gradient flow map: ‖dL_t/dh_k‖ for each loss term L_t (rows) and step k (columns)' });
  // Columns shrink (to 4 px) to fit the section's width before it scrolls: a long row stays whole in view.
  grid.style.gridTemplateColumns = `auto repeat(${nCols}, minmax(4px, var(--fcell)))`;
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
        'data-ratio': ratioAt(m, i, j) === null ? '' : factorText(ratioAt(m, i, j) as number),
        title: text,
        'aria-label': text,
      });
      const ratio = ratioAt(m, i, j);
      if (v !== null && ratio !== null) c.style.backgroundColor = ratioColor(ratio);
      if (v !== null) c.addEventListener('click', () => onPick(t));
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

/** One canvas pixel per cell, scaled up; dropped cells darkened; ticks on both axes; the cursor's row banded and its cell boxed. */
function canvasGrid(m: FlowMapView, onPick: (t: number) => void, width: number): FlowMapPart {
  const nRows = m.rows.length, nCols = m.cols.length;
  // Cells as large as fit the slot's width less the row ticks (640 px before layout) and 520 px of
  // height (the scroller's), at least 3 px.
  const across = width > 0 ? Math.max(120, width - 48) : 640;
  const cell = Math.max(3, Math.min(8, Math.floor(across / Math.max(nCols, 1)), Math.floor(520 / Math.max(nRows, 1))));
  const canvas = el('canvas', {
    class: 'fm-canvas',
    role: 'img',
    'data-testid': 'flow-map',
    'data-rows': nRows,
    'data-cols': nCols,
    'aria-label': `Gradient flow map: ${nRows} rows (L_t, t = ${m.rows[0]}…${m.rows[nRows - 1]}) by ${nCols} columns (k), coloured by the ratio to the diagonal; hover for values, click to move the cursor`,
    title: 'Gradient flow map: hover for values, click to move the cursor',
  });
  canvas.width = nCols;
  canvas.height = nRows;
  canvas.style.width = `${nCols * cell}px`;
  canvas.style.height = `${nRows * cell}px`;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const zero = resolveRgb('var(--bptt-zero)');
    const colours = { cold: resolveRgb('var(--bptt-cold)'), hot: resolveRgb('var(--bptt-hot)'), one: resolveRgb('var(--bptt-one)') };
    const img = ctx.createImageData(nCols, nRows);
    for (let i = 0; i < nRows; i++) {
      for (let j = 0; j < nCols; j++) {
        const v = m.norms[i][j], p = 4 * (i * nCols + j);
        const ratio = ratioAt(m, i, j);
        let rgb: [number, number, number] = v !== null && ratio !== null ? ratioRgb(ratio, colours) : zero;
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
  canvas.addEventListener('click', (e) => {
    const i = Math.floor(e.offsetY / cell);
    if (i >= 0 && i < nRows) onPick(m.rows[i]);
  });
  const box = el('span', { class: 'fm-cursor-box', 'aria-hidden': 'true' });
  const band = el('span', { class: 'fm-row-band', 'aria-hidden': 'true' });
  const rowLabel = el('span', { class: 'fm-row-label num', 'aria-hidden': 'true' });
  // Ticks: about one per 40 px on each axis, at round steps.
  const tickStep = (n: number, px: number): number => {
    const raw = Math.max(1, (n * 40) / Math.max(px, 1));
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw) ?? raw;
  };
  const yTicks = el('div', { class: 'fm-yticks', 'aria-hidden': 'true' });
  const xTicks = el('div', { class: 'fm-xticks', 'aria-hidden': 'true' });
  /** Ticks at the ends and at multiples of the step, none closer than 28 px to a neighbour. */
  const ticks = (values: number[], width: number, step: number, place: (tick: HTMLElement, index: number) => void, into: HTMLElement): void => {
    const n = values.length;
    // A cell standing for values v … v + width - 1 carries the multiple of step among them, if any.
    const labels = values.map((v, i) => (i === 0 || i === n - 1 ? v : Math.ceil(v / step) * step <= v + width - 1 ? Math.ceil(v / step) * step : null));
    const wanted = labels.map((l) => l !== null);
    let lastPx = -Infinity;
    const endPx = (n - 1) * cell;
    values.forEach((_v, i) => {
      if (!wanted[i]) return;
      const px = i * cell;
      if (i !== n - 1 && (px - lastPx < 28 || endPx - px < 28)) return;
      const tick = el('span', { class: 'fm-tick num', text: String(labels[i]) });
      place(tick, i);
      into.append(tick);
      lastPx = px;
    });
  };
  ticks(m.rows, 1, tickStep(m.rows[nRows - 1] - m.rows[0] + 1, nRows * cell), (tick, i) => (tick.style.top = `${(i + 0.5) * cell}px`), yTicks);
  ticks(m.cols, m.block, tickStep(nCols * m.block, nCols * cell), (tick, j) => (tick.style.left = `${(j + 0.5) * cell}px`), xTicks);
  xTicks.style.width = canvas.style.width;
  yTicks.style.height = canvas.style.height;
  const wrap = el('div', { class: 'fm-canvas-frame' }, yTicks, el('div', { class: 'fm-canvas-wrap' }, canvas, band, box, rowLabel), el('span'), xTicks);
  return {
    element: wrap,
    update(cursor) {
      const i = m.rows.indexOf(cursor.t), j = colOf(m, cursor.t);
      band.hidden = rowLabel.hidden = i < 0;
      band.style.top = `${i * cell - 1}px`;
      band.style.height = `${cell + 2}px`;
      band.style.width = canvas.style.width;
      rowLabel.style.top = `${(i + 0.5) * cell}px`;
      rowLabel.textContent = `t = ${cursor.t}`;
      box.hidden = i < 0 || j < 0;
      box.style.top = `${i * cell}px`;
      box.style.left = `${j * cell}px`;
      box.style.width = box.style.height = `${cell}px`;
      canvas.dataset.cursor = i >= 0 && j >= 0 ? `${cursor.t}-${m.cols[j]}` : '';
    },
  };
}
