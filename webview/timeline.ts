/**
 * The unrolled network as a timeline: a column per timestep with its input, target and L_t, the
 * cursor, and the truncation (chunk boundaries, or the k steps the current L_t reaches back).
 */
import type { Cursor, TraceSummary } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el, sym } from './dom';

export interface Timeline {
  element: HTMLElement;
  /** Moves the cursor's highlight (and the window) without rebuilding the columns. */
  update(cursor: Cursor): void;
}

function truncationNote(s: TraceSummary): string {
  switch (s.truncate) {
    case 'none':
      return 'full BPTT: every L_t reaches back to t = 1';
    case 'chunks':
      return `truncated BPTT in chunks of k = ${s.k}: nothing flows back across a chunk boundary`;
    case 'window':
      return `truncated BPTT, window k = ${s.k}: each L_t reaches back ${s.k} steps`;
  }
}

export function timeline(s: TraceSummary, onPick: (t: number) => void): Timeline {
  const cols: HTMLElement[] = [];
  const maxLoss = Math.max(0, ...s.timeline.map((c) => c.loss ?? 0));
  const track = el('div', { class: 'tl-track', role: 'list' });
  for (const c of s.timeline) {
    const chunk = s.truncate === 'chunks' ? Math.floor((c.t - 1) / s.k) : 0;
    const lossBar = el('span', { class: 'tl-lossbar', 'aria-hidden': 'true' });
    lossBar.style.width = c.loss === null || maxLoss === 0 ? '0' : `${(100 * c.loss) / maxLoss}%`;
    const col = el(
      'div',
      {
        class: `tl-col${s.truncate === 'chunks' && chunk % 2 === 1 ? ' chunk-odd' : ''}${s.truncate === 'chunks' && c.t > 1 && (c.t - 1) % s.k === 0 ? ' chunk-start' : ''}`,
        role: 'listitem',
        'data-testid': `timeline-${c.t}`,
        'data-t': c.t,
        title: `t = ${c.t} · input ${c.input} · target ${c.target ?? 'none'} · L_${c.t} = ${formatNumber(c.loss)} (click to go there)`,
      },
      el('span', { class: 'tl-t', text: String(c.t) }),
      el('span', { class: 'tl-in', 'data-testid': `timeline-input-${c.t}`, text: c.input }),
      el('span', { class: `tl-target${c.target === null ? ' none' : ''}`, 'data-testid': `timeline-target-${c.t}`, text: c.target ?? '·' }),
      el('span', { class: 'tl-loss num', 'data-testid': `timeline-loss-${c.t}`, text: c.loss === null ? '—' : formatNumber(c.loss) }),
      lossBar,
    );
    col.addEventListener('click', () => onPick(c.t));
    cols.push(col);
    track.append(col);
  }
  const heads = el(
    'div',
    { class: 'tl-heads', 'aria-hidden': 'true' },
    el('span', { class: 'tl-t', text: 't' }),
    el('span', { class: 'tl-in' }, sym('x')),
    el('span', { class: 'tl-target', text: 'target' }),
    el('span', { class: 'tl-loss' }, sym('L')),
    el('span', { class: 'tl-lossbar-head' }),
  );
  const scroller = el('div', { class: 'tl-scroll' }, heads, track);
  const element = el(
    'section',
    { class: 'region timeline', 'data-testid': 'timeline', 'data-truncate': s.truncate, 'aria-label': 'Timeline' },
    el('h2', { class: 'region-title' }, 'Timeline', el('span', { class: 'muted', 'data-testid': 'truncation', text: ` · ${truncationNote(s)}` })),
    scroller,
  );

  function update(cursor: Cursor): void {
    for (const col of cols) {
      const t = Number(col.dataset.t);
      const here = t === cursor.t;
      col.classList.toggle('cursor', here);
      col.classList.toggle('backward', cursor.phase === 'backward');
      if (here) col.setAttribute('aria-current', 'step');
      else col.removeAttribute('aria-current');
      // Forward: steps already run; backward: steps the gradient has already reached.
      col.classList.toggle('done', cursor.phase === 'forward' ? t < cursor.t : t > cursor.t);
      col.classList.toggle('in-window', s.truncate === 'window' && t <= cursor.t && t > cursor.t - s.k);
    }
    // Keep the cursor's column in view, scrolling the timeline only (never the page).
    const here = cols[cursor.t - 1];
    if (here) {
      const left = here.offsetLeft - scroller.offsetLeft, right = left + here.offsetWidth;
      if (left < scroller.scrollLeft + 60) scroller.scrollLeft = Math.max(0, left - 60);
      else if (right > scroller.scrollLeft + scroller.clientWidth) scroller.scrollLeft = right - scroller.clientWidth + 8;
    }
  }
  return { element, update };
}
