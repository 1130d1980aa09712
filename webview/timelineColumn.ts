/**
 * One column of the timeline (step t: its input, target, L_t, loss bar and ||dL/dh_t|| bar) and how
 * it is painted for a cursor. The timeline builds these only for the steps in view (timeline.ts).
 */
import type { Cursor, TimelineStep, TraceSummary } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el } from './dom';
import { tokenText } from './tokens';

export interface Column {
  t: number;
  element: HTMLElement;
  /** The ||dL/dh_t|| cell and its bar. */
  dh: HTMLElement;
  bar: HTMLElement;
}

/** What painting a column needs besides the cursor: the strip's norms, their scale and layer. */
export interface Strip {
  norms: (number | null)[];
  range: { lo: number; hi: number } | null;
  layer?: number;
}

/** Step c's column, unpainted (see paintColumn). */
export function makeColumn(s: TraceSummary, c: TimelineStep, maxLoss: number): Column {
  const chunk = s.truncate === 'chunks' ? Math.floor((c.t - 1) / s.k) : 0;
  const lossBar = el('span', { class: 'tl-lossbar', 'aria-hidden': 'true' });
  lossBar.style.width = c.loss === null || maxLoss === 0 ? '0' : `${(100 * c.loss) / maxLoss}%`;
  const bar = el('span', { class: 'dh-bar' });
  const dh = el('span', { class: 'tl-dh empty', 'data-testid': `dhnorm-${c.t}`, 'data-value': '', role: 'img' }, el('span', { class: 'dh-track' }, bar));
  const element = el(
    'div',
    {
      class: `tl-col${s.truncate === 'chunks' && chunk % 2 === 1 ? ' chunk-odd' : ''}${s.truncate === 'chunks' && c.t > 1 && (c.t - 1) % s.k === 0 ? ' chunk-start' : ''}`,
      role: 'listitem',
      'data-testid': `timeline-${c.t}`,
      'data-t': c.t,
      title: `t = ${c.t} · input ${c.inputShort ? c.input : tokenText(c.input)} · target ${c.target === null ? 'none' : tokenText(c.target)} · L_${c.t} = ${formatNumber(c.loss)} (click to go there)`,
    },
    el('span', { class: 'tl-t', text: String(c.t) }),
    el('span', { class: `tl-in${c.inputShort ? ' vec' : ''}`, 'data-testid': `timeline-input-${c.t}`, text: c.inputShort ?? tokenText(c.input) }),
    el('span', { class: `tl-target${c.target === null ? ' none' : ''}`, 'data-testid': `timeline-target-${c.t}`, text: c.target === null ? '·' : tokenText(c.target) }),
    el('span', { class: 'tl-loss num', 'data-testid': `timeline-loss-${c.t}`, text: c.loss === null ? '—' : formatNumber(c.loss) }),
    lossBar,
    dh,
  );
  return { t: c.t, element, dh, bar };
}

/** Sets a column for the cursor: its classes, its ||dL/dh_t|| bar, and the value once the backward pass has reached it. */
export function paintColumn(col: Column, s: TraceSummary, strip: Strip, cursor: Cursor): void {
  const { t, element, dh, bar } = col;
  const v = strip.norms[t - 1] ?? null;
  const range = strip.range;
  bar.style.height = v !== null && range ? `${Math.max(2, Math.min(100, (100 * (Math.log10(Math.max(v, 1e-300)) - range.lo)) / (range.hi - range.lo)))}%` : '0';
  const backward = cursor.phase === 'backward';
  const known = backward && t >= cursor.t;
  const text = !known ? (backward ? 'not reached yet' : 'known once the backward pass reaches it') : formatNumber(v);
  dh.classList.toggle('empty', !known);
  dh.dataset.value = known ? formatNumber(v) : '';
  const of = strip.layer ? ` (layer ${strip.layer})` : '';
  dh.title = `‖dL/dh_${t}‖${of} = ${text}`;
  dh.setAttribute('aria-label', `‖dL/dh_${t}‖${of} = ${text}`);
  const here = t === cursor.t;
  element.classList.toggle('cursor', here);
  if (here) element.setAttribute('aria-current', 'step');
  else element.removeAttribute('aria-current');
  // Forward: steps already run; backward: steps the gradient has already reached.
  element.classList.toggle('done', cursor.phase === 'forward' ? t < cursor.t : t > cursor.t);
  element.classList.toggle('in-window', s.truncate === 'window' && t <= cursor.t && t > cursor.t - s.k);
}
