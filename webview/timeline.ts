/**
 * The unrolled network as a timeline: a column per timestep with its input, target and L_t, the
 * cursor, the truncation (chunk boundaries, or the k steps the current L_t reaches back), and
 * ||dL/dh_t|| as a bar on a fixed log scale (the whole trace's range, so it never rescales), filled
 * in as the backward pass reaches each step: it scrolls with the columns. In a stack the strip is
 * the layer the panel's switch chose (the summary carries every layer's norms).
 */
import type { Cursor, TraceSummary } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el, sym } from './dom';
import { tokenText } from './tokens';

export interface Timeline {
  element: HTMLElement;
  /** Moves the cursor's highlight (and the window) without rebuilding the columns; a stack's strip follows `layer`. */
  update(cursor: Cursor, layer?: number): void;
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

/** The log10 range of the finite positive norms, at least one decade wide. */
function logRange(norms: (number | null)[]): { lo: number; hi: number } | null {
  let lo = Infinity, hi = -Infinity;
  for (const v of norms) if (v !== null && v > 0 && Number.isFinite(v)) (lo = Math.min(lo, Math.log10(v))), (hi = Math.max(hi, Math.log10(v)));
  if (!(lo <= hi)) return null;
  const mid = (lo + hi) / 2;
  return hi - lo >= 1 ? { lo: Math.floor(lo), hi: Math.ceil(hi) } : { lo: Math.floor(mid - 0.5), hi: Math.ceil(mid + 0.5) };
}

const pow10 = (e: number): string => (e >= -3 && e <= 3 ? String(Number(Math.pow(10, e).toPrecision(1))) : `1e${e}`);

/** The norms of a stack's layer when the summary has them (else the top layer's, dhNorms), and the layer they are of. */
function layerStrip(s: TraceSummary, top: (number | null)[], layer: number | undefined): { norms: (number | null)[]; layer?: number } {
  const all = s.layerDhNorms;
  if (!Array.isArray(all) || all.length < 2) return { norms: top };
  const l = layer ?? all.length;
  return Array.isArray(all[l - 1]) ? { norms: all[l - 1], layer: l } : { norms: top, layer: all.length };
}

const rangeText = (range: { lo: number; hi: number } | null, layer: number | undefined): string =>
  range ? ` · ‖dL/dh_t‖${layer ? ` of layer ${layer}` : ''} bars on a log scale from ${pow10(range.lo)} to ${pow10(range.hi)}, filled in going backward` : '';

export function timeline(s: TraceSummary, onPick: (t: number) => void, topNorms: (number | null)[] = s.dhNorms ?? []): Timeline {
  const cols: HTMLElement[] = [];
  const bars: HTMLElement[] = [];
  const heights: HTMLElement[] = [];
  let strip = layerStrip(s, topNorms, undefined);
  let dhNorms = strip.norms;
  let range = logRange(dhNorms);
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
        title: `t = ${c.t} · input ${c.inputShort ? c.input : tokenText(c.input)} · target ${c.target === null ? 'none' : tokenText(c.target)} · L_${c.t} = ${formatNumber(c.loss)} (click to go there)`,
      },
      el('span', { class: 'tl-t', text: String(c.t) }),
      el('span', { class: `tl-in${c.inputShort ? ' vec' : ''}`, 'data-testid': `timeline-input-${c.t}`, text: c.inputShort ?? tokenText(c.input) }),
      el('span', { class: `tl-target${c.target === null ? ' none' : ''}`, 'data-testid': `timeline-target-${c.t}`, text: c.target === null ? '·' : tokenText(c.target) }),
      el('span', { class: 'tl-loss num', 'data-testid': `timeline-loss-${c.t}`, text: c.loss === null ? '—' : formatNumber(c.loss) }),
      lossBar,
    );
    const bar = el('span', { class: 'dh-bar' });
    heights.push(bar);
    const dh = el('span', { class: 'tl-dh empty', 'data-testid': `dhnorm-${c.t}`, 'data-value': '', role: 'img' }, el('span', { class: 'dh-track' }, bar));
    bars.push(dh);
    col.append(dh);
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
    el('span', { class: 'tl-dh-head', title: '‖dL/dh_t‖ on a log scale fixed for the whole trace; it fills in as the backward pass reaches each step' }, '‖dL/d', sym('h', 't'), '‖'),
  );
  const rangeNote = el('span', { class: 'muted', 'data-testid': 'dh-range' });
  /** Bar heights and the scale's note for the strip's norms. */
  const draw = (): void => {
    heights.forEach((bar, i) => {
      const v = dhNorms[i] ?? null;
      bar.style.height = v !== null && range ? `${Math.max(2, Math.min(100, (100 * (Math.log10(Math.max(v, 1e-300)) - range.lo)) / (range.hi - range.lo)))}%` : '0';
    });
    rangeNote.textContent = rangeText(range, strip.layer);
  };
  draw();
  const scroller = el('div', { class: 'tl-scroll' }, heads, track);
  const element = el(
    'section',
    { class: 'region timeline', 'data-testid': 'timeline', 'data-truncate': s.truncate, 'aria-label': 'Timeline' },
    el(
      'h2',
      { class: 'region-title' },
      'Timeline',
      el('span', { class: 'muted', 'data-testid': 'truncation', text: ` · ${truncationNote(s)}` }),
      rangeNote,
    ),
    scroller,
  );

  /** Sets step t's column and bar for the cursor: its classes, and its ||dL/dh_t|| value once known. */
  function paint(t: number, cursor: Cursor): void {
    const backward = cursor.phase === 'backward';
    const b = bars[t - 1], v = dhNorms[t - 1] ?? null;
    const known = backward && t >= cursor.t;
    const text = !known ? (backward ? 'not reached yet' : 'known once the backward pass reaches it') : formatNumber(v);
    b.classList.toggle('empty', !known);
    b.dataset.value = known ? formatNumber(v) : '';
    const of = strip.layer ? ` (layer ${strip.layer})` : '';
    b.title = `‖dL/dh_${t}‖${of} = ${text}`;
    b.setAttribute('aria-label', `‖dL/dh_${t}‖${of} = ${text}`);
    const col = cols[t - 1];
    const here = t === cursor.t;
    col.classList.toggle('cursor', here);
    if (here) col.setAttribute('aria-current', 'step');
    else col.removeAttribute('aria-current');
    // Forward: steps already run; backward: steps the gradient has already reached.
    col.classList.toggle('done', cursor.phase === 'forward' ? t < cursor.t : t > cursor.t);
    col.classList.toggle('in-window', s.truncate === 'window' && t <= cursor.t && t > cursor.t - s.k);
  }

  /** The cursor the columns were last painted for: a step repaints only the columns it changes. */
  let painted: Cursor | null = null;

  function update(cursor: Cursor, layer?: number): void {
    let all = !painted || painted.phase !== cursor.phase;
    if (strip.layer !== undefined && layer !== undefined && layer !== strip.layer) {
      strip = layerStrip(s, topNorms, layer);
      dhNorms = strip.norms;
      range = logRange(dhNorms);
      draw();
      all = true;
    }
    track.classList.toggle('backward', cursor.phase === 'backward');
    // Within a phase, a move from t0 to t1 changes the columns between them (cursor, done, the bars
    // the backward pass reached) and a window's k steps behind each: at T = 60,000 a step touches a
    // few columns, not all of them.
    const reach = s.truncate === 'window' ? s.k : 0;
    const from = all || !painted ? 1 : Math.max(1, Math.min(painted.t, cursor.t) - reach);
    const to = all || !painted ? cols.length : Math.min(cols.length, Math.max(painted.t, cursor.t));
    for (let t = from; t <= to; t++) paint(t, cursor);
    painted = { phase: cursor.phase, t: cursor.t };
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
