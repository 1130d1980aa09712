/**
 * One labelled vector: up to STRIP_AFTER values each written out with its colour behind it; a
 * longer one as a compact strip (a canvas a pixel per value, scaled) whose title follows the
 * pointer, with its range written beside it, so a 256-wide h_t stays one line.
 */
import { formatNumber, sharedFormat } from '../src/format';
import { diverging, divergingRgb, palette } from './colors';
import { el } from './dom';

/** Vectors longer than this are drawn as a strip. */
export const STRIP_AFTER = 16;

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
  /** The equation name this row shows (h, dh, df, …): hovering that term in an equation lights the row. */
  term?: string;
  /** Labels of the entries (tokens) instead of their 1-based index. */
  labels?: string[];
  /** How the numbers are written (cardFormat of this vector when absent); a sum's rows share one. */
  format?: CardFormat;
}

/** One number format for a card and the width (characters) of its longest number. */
export interface CardFormat {
  format: (v: number) => string;
  chars: number;
}

/**
 * The equations' rule for a matrix, for a card of vectors (one, or a sum's rows): one format chosen
 * from the largest entry (sharedFormat), every cell as wide as the longest number, so the columns
 * line up; the exact value is in each cell's title.
 */
export function cardFormat(...vectors: ArrayLike<number>[]): CardFormat {
  const all = vectors.flatMap((v) => Array.from(v));
  const format = sharedFormat(all);
  let chars = 0;
  for (const v of all.length <= 4 * STRIP_AFTER ? all : []) chars = Math.max(chars, format(v).length);
  return { format, chars };
}

export function vectorRow(values: ArrayLike<number>, o: VectorRowOptions): HTMLElement {
  const body = values.length > STRIP_AFTER ? strip(values, o) : cells(values, o);
  return el('div', { class: `vrow ${o.class ?? ''}`.trim(), 'data-term-for': o.term }, el('span', { class: 'op', 'aria-hidden': 'true', text: o.op ?? '' }), el('span', { class: 'vlabel' }, o.label), body);
}

const entry = (o: VectorRowOptions, i: number): string => `${o.name}[${i + 1}]${o.labels?.[i] !== undefined ? ` (${o.labels[i]})` : ''}`;

function cells(values: ArrayLike<number>, o: VectorRowOptions): HTMLElement {
  const { format: fmt, chars } = o.format ?? cardFormat(values);
  const box = el('div', { class: 'cells', 'data-testid': o.testid });
  box.style.setProperty('--cell-chars', String(chars));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const c = el('span', { class: 'cell num', 'data-testid': `${o.testid}-${i}`, 'data-value': formatNumber(v), title: `${entry(o, i)} = ${formatNumber(v)}`, text: fmt(v) });
    if (o.scale > 0) c.style.backgroundColor = diverging(v, o.scale, 45);
    box.append(c);
  }
  return box;
}

function strip(values: ArrayLike<number>, o: VectorRowOptions): HTMLElement {
  const n = values.length;
  // At most 256 px wide (H = 100: 2 px a value), so a sum card's range still fits beside its longest label.
  const px = Math.max(1, Math.min(4, Math.floor(256 / n)));
  const canvas = el('canvas', { class: 'vstrip-canvas', role: 'img', 'aria-label': `${o.name}: ${n} values; hover for each`, title: `${o.name}: hover for values` });
  canvas.width = n;
  canvas.height = 1;
  canvas.style.width = `${n * px}px`;
  const ctx = canvas.getContext('2d');
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) (lo = Math.min(lo, values[i])), (hi = Math.max(hi, values[i]));
  if (ctx) {
    const img = ctx.createImageData(n, 1);
    const p = palette();
    for (let i = 0; i < n; i++) {
      const [r, g, b] = o.scale > 0 ? divergingRgb(values[i], o.scale, p) : divergingRgb(values[i], Math.max(Math.abs(lo), Math.abs(hi), 1e-300), p);
      img.data.set([r, g, b, 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
  }
  canvas.addEventListener('mousemove', (e) => {
    const i = Math.floor(e.offsetX / px);
    if (i >= 0 && i < n) canvas.title = `${entry(o, i)} = ${formatNumber(values[i])}`;
  });
  const ends = sharedFormat([lo, hi]); // the range's two ends in one format, as a card's numbers
  const range = el('span', { class: 'vstrip-range num muted', title: `${formatNumber(lo)} … ${formatNumber(hi)}`, text: `${n} values, ${ends(lo)} … ${ends(hi)}` });
  return el('div', { class: 'cells vstrip', 'data-testid': o.testid, 'data-length': n }, canvas, range);
}
