/**
 * A large flow map (past FLOW_DOM_CELLS cells) drawn on a canvas: one canvas pixel per cell scaled
 * up, ticks on both axes, the cursor's row banded and its cell boxed; the title follows the pointer.
 */
import type { FlowMapView } from '../src/protocol';
import { ratioRgb, resolveRgb } from './colors';
import { el } from './dom';
import { cellText, colOf, ratioAt, type FlowMapPart } from './flowMapCells';

/** One canvas pixel per cell, scaled up; dropped cells darkened; ticks on both axes; the cursor's row banded and its cell boxed. */
export function canvasGrid(m: FlowMapView, onPick: (t: number) => void, width: number): FlowMapPart {
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
