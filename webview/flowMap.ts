/**
 * The flow map: ||dL_t/dh_k|| as a t-by-k heatmap (rows: loss terms L_t, columns: steps k), each
 * cell coloured by its ratio to the row's diagonal ||dL_t/dh_t|| on a diverging log scale centred at
 * ×1 with fixed decades (cold: the gradient shrank on its way back, hot: it grew), so a vanishing
 * and an exploding model look different at a glance. The pairs a truncation drops are hatched, the
 * cursor's row and cell outlined; a click moves the cursor to the row's t. Small maps are elements
 * with each value in title and aria-label; large ones a canvas with ticks, whose title follows the
 * pointer (flowMapCanvas.ts). What a cell says is in flowMapCells.ts, shared by both.
 */
import type { FlowMapView } from '../src/protocol';
import { formatNumber } from '../src/format';
import { RATIO_DECADES, ratioColor } from './colors';
import { el, sym } from './dom';
import { canvasGrid } from './flowMapCanvas';
import { cellText, colOf, factorText, ratioAt, type FlowMapPart } from './flowMapCells';

export { factorText, type FlowMapPart } from './flowMapCells';

/** Above this many cells the map is drawn on a canvas. */
export const FLOW_DOM_CELLS = 1600;

const SUP: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
const superscript = (n: number): string => [...String(n)].map((c) => SUP[c] ?? c).join('');

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

