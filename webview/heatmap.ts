/**
 * Values as colour, with every value also as text. A small matrix is a grid of its numbers, each
 * tinted by sign and size; a larger one a canvas (one pixel per cell, scaled up: fast at any size)
 * with its row and column labels (unit numbers from 1, or tokens) and a title that follows the
 * pointer. Small heatmaps keep their values as elements too, for screen readers.
 */
import type { Matrix } from '../src/protocol';
import { formatNumber, sharedFormat } from '../src/format';
import { diverging, divergingRgb, palette } from './colors';
import { el } from './dom';
import { tokenText } from './tokens';

export interface HeatmapOptions {
  /** The parameter's name, e.g. W_hh. */
  name: string;
  /** What the values are, e.g. "contribution at t = 3"; goes into each cell's title. */
  caption: string;
  /** ±scale at the ends of the colour scale. */
  scale: number;
  /** Colour by log10 |v| over LOG_DECADES below the scale instead of by |v|. */
  log?: boolean;
  testid: string;
  /** Labels of the rows / columns (tokens) when they are not unit numbers. */
  rowLabels?: string[];
  colLabels?: string[];
}

/** Decades of magnitude the log colour scale spans below its top. */
export const LOG_DECADES = 4;

/** Up to this many columns and rows a matrix is written out as numbers. */
const NUMERIC_COLS = 6;
const NUMERIC_ROWS = 8;
/** Up to this many cells the values are also kept as (visually hidden) elements (more would slow each step). */
export const DOM_CELLS = 144;

/** Where v sits on the colour scale, -1..1: linear in v, or in log10 |v| over LOG_DECADES. */
export function colourPosition(v: number, scale: number, log = false): number {
  if (!Number.isFinite(v)) return v;
  if (scale <= 0 || v === 0) return 0;
  if (!log) return Math.max(-1, Math.min(1, v / scale));
  const x = (Math.log10(Math.abs(v)) - (Math.log10(scale) - LOG_DECADES)) / LOG_DECADES;
  return Math.sign(v) * Math.max(0.02, Math.min(1, x));
}

/** 1-based index ranges a pooled cell stands for, e.g. "4–6". */
function span(index: number, block: number | undefined, size: number): string {
  if (!block || block === 1) return String(index + 1);
  const first = index * block, last = Math.min(size, first + block) - 1;
  return first === last ? String(first + 1) : `${first + 1}–${last + 1}`;
}

/** The label of row/column i: its token, or its unit number(s) from 1. */
function axisLabel(i: number, block: number | undefined, size: number, labels?: string[]): string {
  if (labels && (!block || block === 1) && labels[i] !== undefined) return tokenText(labels[i]);
  return span(i, block, size);
}

/** The text of cell (i, j): its place in the parameter (1-based; a range when pooled) and its value. */
function cellText(m: Matrix, o: HeatmapOptions, i: number, j: number, v: number): string {
  const shape = m.shape.length > 1 ? m.shape : [m.shape[0], 1];
  const row = span(i, m.block?.[0], shape[0]);
  const rowTok = o.rowLabels && !m.block ? ` (${tokenText(o.rowLabels[i] ?? '')})` : '';
  const colTok = o.colLabels && !m.block ? ` (${tokenText(o.colLabels[j] ?? '')})` : '';
  const where = m.shape.length > 1 ? `[${row}, ${span(j, m.block?.[1], shape[1])}]` : `[${row}]`;
  return `${o.name}${where}${rowTok}${colTok} = ${formatNumber(v)}${m.block ? ` (largest of its ${m.block[0]}×${m.block[1]} block)` : ''}`;
}

/** A heatmap: numbers for a small matrix, else a canvas with labelled axes. */
export function heatmap(m: Matrix, o: HeatmapOptions): HTMLElement {
  const [rows, cols] = m.grid.length > 1 ? m.grid : [m.grid[0], 1];
  if (cols <= NUMERIC_COLS && rows <= NUMERIC_ROWS && !m.block) return numericGrid(m, o, rows, cols);
  return canvasHeatmap(m, o, rows, cols);
}

/** The matrix written out: a number per cell, tinted, with its row and column labels. */
function numericGrid(m: Matrix, o: HeatmapOptions, rows: number, cols: number): HTMLElement {
  const grid = el('div', { class: 'heatmap numeric', role: 'table', 'data-testid': o.testid, 'aria-label': `${o.name}, ${o.caption}` });
  grid.style.gridTemplateColumns = `auto repeat(${cols}, auto)`;
  const shape = m.shape.length > 1 ? m.shape : [m.shape[0], 1];
  grid.append(el('span', { class: 'hm-corner' }));
  const fmt = sharedFormat(m.data); // one format for the whole matrix, so its numbers line up
  for (let j = 0; j < cols; j++) grid.append(el('span', { class: 'hm-col-label', text: cols === 1 && m.shape.length === 1 ? '' : axisLabel(j, undefined, shape[1], o.colLabels) }));
  for (let i = 0; i < rows; i++) {
    grid.append(el('span', { class: 'hm-row-label', text: axisLabel(i, undefined, shape[0], o.rowLabels) }));
    for (let j = 0; j < cols; j++) {
      const v = m.data[i * cols + j];
      const text = cellText(m, o, i, j, v);
      const cell = el('span', { class: 'hm-cell num', role: 'cell', title: `${text} · ${o.caption}`, 'aria-label': text, 'data-row': i, 'data-col': j, 'data-value': formatNumber(v), text: fmt(v) });
      cell.style.backgroundColor = diverging(colourPosition(v, o.scale, o.log), 1, 55);
      grid.append(cell);
    }
  }
  return grid;
}

/** Pixels per cell: large enough to see, small enough that a card stays about 200 px wide. */
function cellSize(rows: number, cols: number): number {
  const fit = Math.floor(200 / Math.max(rows, cols, 1));
  return Math.max(3, Math.min(16, fit));
}

/** Labels along an axis: every cell when they fit, else at round unit numbers, none closer than `gap` px. */
function axisTicks(n: number, cell: number, gap: number, label: (i: number) => string, unitOf: (i: number) => number): { i: number; text: string }[] {
  if (n * cell >= n * gap) return Array.from({ length: n }, (_, i) => ({ i, text: label(i) }));
  const out: { i: number; text: string }[] = [];
  const every = Math.ceil(gap / cell);
  const raw = Math.max(1, unitOf(Math.min(n - 1, every)) - unitOf(0));
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw) ?? raw;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const u = unitOf(i), next = i + 1 < n ? unitOf(i + 1) : Infinity;
    const round = Math.ceil(u / step) * step;
    if ((i === 0 || (round >= u && round < next)) && (i - last) * cell >= gap) {
      out.push({ i, text: String(i === 0 ? u : round) });
      last = i;
    }
  }
  return out;
}

/** One canvas pixel per cell, scaled up without smoothing; row labels at the left, column labels on top. */
function canvasHeatmap(m: Matrix, o: HeatmapOptions, rows: number, cols: number): HTMLElement {
  const cell = cellSize(rows, cols);
  const shape = m.shape.length > 1 ? m.shape : [m.shape[0], 1];
  const canvas = el('canvas', {
    class: 'heatmap-canvas',
    role: 'img',
    'data-rows': rows,
    'data-cols': cols,
    'aria-label': `${o.name}, ${o.caption}: ${rows}×${cols} cells${m.block ? ` (pooled ${m.block.join('×')})` : ''}, colour from ${formatNumber(-o.scale)} to ${formatNumber(o.scale)}${o.log ? ' on a log scale' : ''}; hover for values`,
    title: `${o.name} · ${o.caption}`,
  });
  canvas.width = cols;
  canvas.height = rows;
  canvas.style.width = `${cols * cell}px`;
  canvas.style.height = `${rows * cell}px`;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(cols, rows);
    const p = palette();
    for (let k = 0; k < rows * cols; k++) {
      const [r, g, b] = divergingRgb(colourPosition(m.data[k], o.scale, o.log), 1, p);
      img.data[4 * k] = r;
      img.data[4 * k + 1] = g;
      img.data[4 * k + 2] = b;
      img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }
  const at = (e: MouseEvent): [number, number] | null => {
    const i = Math.floor(e.offsetY / cell), j = Math.floor(e.offsetX / cell);
    return i < 0 || j < 0 || i >= rows || j >= cols ? null : [i, j];
  };
  canvas.addEventListener('mousemove', (e) => {
    const ij = at(e);
    if (ij) canvas.title = `${cellText(m, o, ij[0], ij[1], m.data[ij[0] * cols + ij[1]])} · ${o.caption}`;
  });
  const unitRow = (i: number): number => i * (m.block?.[0] ?? 1) + 1;
  const unitCol = (j: number): number => j * (m.block?.[1] ?? 1) + 1;
  const rowAxis = el('div', { class: 'hm-axis rows', 'aria-hidden': 'true' });
  rowAxis.style.height = canvas.style.height;
  for (const { i, text } of axisTicks(rows, cell, 12, (i) => (m.block ? String(unitRow(i)) : axisLabel(i, undefined, shape[0], o.rowLabels)), unitRow)) {
    const t = el('span', { class: 'hm-tick', text });
    t.style.top = `${(i + 0.5) * cell}px`;
    rowAxis.append(t);
  }
  const colAxis = el('div', { class: 'hm-axis cols', 'aria-hidden': 'true' });
  colAxis.style.width = canvas.style.width;
  if (cols > 1 || m.shape.length > 1) {
    for (const { i, text } of axisTicks(cols, cell, 22, (j) => (m.block ? String(unitCol(j)) : axisLabel(j, undefined, shape[1], o.colLabels)), unitCol)) {
      const t = el('span', { class: 'hm-tick', text });
      t.style.left = `${(i + 0.5) * cell}px`;
      colAxis.append(t);
    }
  }
  const hidden = rows * cols <= DOM_CELLS ? valueList(m, o, rows, cols) : null;
  return el(
    'div',
    { class: 'heatmap canvas', 'data-testid': o.testid, 'data-rows': rows, 'data-cols': cols },
    el('span', { class: 'hm-corner' }),
    colAxis,
    rowAxis,
    canvas,
    hidden,
  );
}

/** The values as elements nobody sees but a screen reader (and a test) can read. */
function valueList(m: Matrix, o: HeatmapOptions, rows: number, cols: number): HTMLElement {
  const list = el('div', { class: 'sr-only', role: 'list' });
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = m.data[i * cols + j];
      const text = cellText(m, o, i, j, v);
      list.append(el('span', { class: 'hm-cell', role: 'listitem', title: `${text} · ${o.caption}`, 'aria-label': text, 'data-value': formatNumber(v), text }));
    }
  }
  return list;
}

/** The colour key of a diverging scale: −scale, 0, +scale (log: ±10^-LOG_DECADES·scale … ±scale). */
export function legend(scale: number, log = false, testid?: string): HTMLElement {
  return el(
    'div',
    { class: 'legend', 'aria-hidden': 'true', 'data-testid': testid },
    el('span', { class: 'num', text: formatNumber(-scale) }),
    el('span', { class: 'legend-bar' }),
    el('span', { class: 'num', text: log ? `±${formatNumber(scale * Math.pow(10, -LOG_DECADES))}` : '0' }),
    el('span', { class: 'legend-bar pos' }),
    el('span', { class: 'num', text: formatNumber(scale) }),
    log ? el('span', { class: 'muted', text: 'log |v|' }) : null,
  );
}
