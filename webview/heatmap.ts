/**
 * Values as colour, with every value also as text: heatmaps of matrices (value in each cell's
 * title and aria-label) and vector rows (value written in the cell, tinted by sign and size).
 */
import type { Matrix } from '../src/protocol';
import { formatNumber } from '../src/format';
import { diverging, divergingRgb, palette } from './colors';
import { el } from './dom';

export interface HeatmapOptions {
  /** The parameter's name, e.g. W_hh. */
  name: string;
  /** What the values are, e.g. "contribution at t = 3"; goes into each cell's title. */
  caption: string;
  /** ±scale at the ends of the colour scale (shared by heatmaps that are compared). */
  scale: number;
  testid: string;
}

/** Index ranges a pooled cell stands for, e.g. "3–5". */
function span(index: number, block: number | undefined, size: number): string {
  if (!block || block === 1) return String(index);
  const first = index * block, last = Math.min(size, first + block) - 1;
  return first === last ? String(first) : `${first}–${last}`;
}

/** Above this many cells a heatmap is drawn on a canvas: thousands of elements would make stepping slow. */
export const DOM_CELLS = 400;

/** The text of cell (i, j): its place in the parameter (a range when pooled) and its value. */
function cellText(m: Matrix, name: string, i: number, j: number, v: number): string {
  const shape = m.shape.length > 1 ? m.shape : [m.shape[0], 1];
  const where = m.shape.length > 1 ? `[${span(i, m.block?.[0], shape[0])}, ${span(j, m.block?.[1], shape[1])}]` : `[${span(i, m.block?.[0], shape[0])}]`;
  return `${name}${where} = ${formatNumber(v)}${m.block ? ` (largest of its ${m.block[0]}×${m.block[1]} block)` : ''}`;
}

/**
 * A grid of coloured cells, one per entry (or per pooled block); a vector is drawn as a column.
 * Small grids are elements, each cell with its value in title and aria-label; large ones a canvas
 * whose title follows the pointer to the cell under it.
 */
export function heatmap(m: Matrix, o: HeatmapOptions): HTMLElement {
  const [rows, cols] = m.grid.length > 1 ? m.grid : [m.grid[0], 1];
  if (rows * cols > DOM_CELLS) return canvasHeatmap(m, o, rows, cols);
  const size = cols <= 8 && rows <= 16 ? ' small' : cols > 24 || rows > 32 ? ' large' : '';
  const grid = el('div', { class: `heatmap${size}`, role: 'img', 'data-testid': o.testid, 'aria-label': `${o.name}, ${o.caption}` });
  grid.style.gridTemplateColumns = `repeat(${cols}, var(--cell))`;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = m.data[i * cols + j];
      const text = cellText(m, o.name, i, j, v);
      const cell = el('div', { class: 'hm-cell', title: `${text} · ${o.caption}`, 'aria-label': text, 'data-row': i, 'data-col': j, 'data-value': formatNumber(v) });
      cell.style.backgroundColor = diverging(v, o.scale);
      grid.append(cell);
    }
  }
  return grid;
}

/** One canvas pixel per cell, scaled up without smoothing: fast for thousands of cells. */
function canvasHeatmap(m: Matrix, o: HeatmapOptions, rows: number, cols: number): HTMLElement {
  const cell = cols > 32 || rows > 32 ? 6 : 8;
  const canvas = el('canvas', {
    class: 'heatmap heatmap-canvas',
    role: 'img',
    'data-testid': o.testid,
    'data-rows': rows,
    'data-cols': cols,
    'aria-label': `${o.name}, ${o.caption}: ${rows}×${cols} cells, colour from ${formatNumber(-o.scale)} to ${formatNumber(o.scale)}; hover for values`,
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
      const [r, g, b] = divergingRgb(m.data[k], o.scale, p);
      img.data[4 * k] = r;
      img.data[4 * k + 1] = g;
      img.data[4 * k + 2] = b;
      img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }
  canvas.addEventListener('mousemove', (e) => {
    const i = Math.floor(e.offsetY / cell), j = Math.floor(e.offsetX / cell);
    if (i < 0 || j < 0 || i >= rows || j >= cols) return;
    canvas.title = `${cellText(m, o.name, i, j, m.data[i * cols + j])} · ${o.caption}`;
  });
  return canvas;
}

/** The colour key of a diverging scale: −scale, 0, +scale. */
export function legend(scale: number): HTMLElement {
  return el(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    el('span', { class: 'num', text: formatNumber(-scale) }),
    el('span', { class: 'legend-bar' }),
    el('span', { class: 'num', text: formatNumber(scale) }),
  );
}

export interface VectorRowOptions {
  /** The row's label, e.g. a sym("h", 3) element. */
  label: Node | string;
  /** Prefix of each cell's data-testid: `${testid}-${i}`. */
  testid: string;
  /** ±scale of the tint; 0 leaves the cells untinted. */
  scale: number;
  /** What the values are for the tooltip, e.g. "h_3". */
  name: string;
  /** Extra class on the row (e.g. "total" for a sum). */
  class?: string;
  /** Text before the label column, e.g. "+" or "=" in a sum. */
  op?: string;
}

/** One labelled row of value cells: the number written out, the colour behind it. */
export function vectorRow(values: ArrayLike<number>, o: VectorRowOptions): HTMLElement {
  const cells = el('div', { class: 'cells', 'data-testid': o.testid });
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const text = formatNumber(v);
    const c = el('span', { class: 'cell num', 'data-testid': `${o.testid}-${i}`, title: `${o.name}[${i}] = ${text}`, text });
    if (o.scale > 0) c.style.backgroundColor = diverging(v, o.scale, 45);
    cells.append(c);
  }
  return el('div', { class: `vrow ${o.class ?? ''}`.trim() }, el('span', { class: 'op', 'aria-hidden': 'true', text: o.op ?? '' }), el('span', { class: 'vlabel' }, o.label), cells);
}
