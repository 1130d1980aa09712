/**
 * The unrolled network as a timeline: a column per timestep with its input, target and L_t, the
 * cursor, the truncation (chunk boundaries, or the k steps the current L_t reaches back), and
 * ||dL/dh_t|| as a bar on a fixed log scale (the whole trace's range, so it never rescales), filled
 * in as the backward pass reaches each step: it scrolls with the columns. In a stack the strip is
 * the layer the panel's switch chose (the summary carries every layer's norms).
 * Only the columns in view, and a margin each side, are in the page: a trace of 60,000 steps
 * scrolls a track 60,000 columns wide holding about a hundred of them.
 */
import { MAX_LAYER_NORMS, type Cursor, type TimelineStep, type TraceSummary } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el, sym } from './dom';
import { makeColumn, paintColumn, type Column, type Strip } from './timelineColumn';

export interface Timeline {
  element: HTMLElement;
  /** Moves the cursor's highlight (and the window) without rebuilding the columns; a stack's strip follows `layer`. */
  update(cursor: Cursor, layer?: number): void;
}

/** Columns drawn on each side of those in view, so a step or a short scroll finds them there. */
const MARGIN = 30;
/** The widest the scrolled track is made: beyond (T in the hundreds of thousands) a pixel of scroll moves more than a pixel of track. */
const MAX_TRACK_PX = 8_000_000;

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

/** A stack's layer count when the summary left its layers' norms out (too many): the strip is the top layer's. */
const omittedLayers = (s: TraceSummary): number | null => (Number.isInteger(s.layerDhNormsOmitted) && s.layerDhNormsOmitted! >= 2 ? s.layerDhNormsOmitted! : null);

/** The strip of a stack's layer when the summary has its norms (else the top layer's, dhNorms). */
function layerStrip(s: TraceSummary, top: (number | null)[], layer: number | undefined): Strip {
  const all = s.layerDhNorms;
  const pick = (): { norms: (number | null)[]; layer?: number } => {
    if (!Array.isArray(all) || all.length < 2) return omittedLayers(s) ? { norms: top, layer: omittedLayers(s)! } : { norms: top };
    const l = layer ?? all.length;
    return Array.isArray(all[l - 1]) ? { norms: all[l - 1], layer: l } : { norms: top, layer: all.length };
  };
  const p = pick();
  return { ...p, range: logRange(p.norms) };
}

const rangeText = (strip: Strip): string =>
  strip.range ? ` · ‖dL/dh_t‖${strip.layer ? ` of layer ${strip.layer}` : ''} bars on a log scale from ${pow10(strip.range.lo)} to ${pow10(strip.range.hi)}, filled in going backward` : '';

/** A step as wide as the widest column (longest input, target and L_t): measured once, every column is given its width. */
function widestStep(s: TraceSummary): TimelineStep {
  const w = { ...s.timeline[0], t: s.timeline.length };
  let lossLo = Infinity, lossHi = -Infinity;
  for (const c of s.timeline) {
    if ((c.inputShort ?? c.input).length > (w.inputShort ?? w.input).length) (w.input = c.input), (w.inputShort = c.inputShort);
    if ((c.target?.length ?? 0) > (w.target?.length ?? 0)) w.target = c.target;
    if (c.loss !== null) (lossLo = Math.min(lossLo, c.loss)), (lossHi = Math.max(lossHi, c.loss));
  }
  const losses = [lossLo, lossHi].filter(Number.isFinite);
  w.loss = losses.length ? losses.reduce((a, b) => (formatNumber(b).length > formatNumber(a).length ? b : a)) : null;
  return w;
}

export function timeline(s: TraceSummary, onPick: (t: number) => void, topNorms: (number | null)[] = s.dhNorms ?? []): Timeline {
  const T = s.timeline.length;
  let strip = layerStrip(s, topNorms, undefined);
  let maxLoss = 0;
  for (const c of s.timeline) if (c.loss !== null && c.loss > maxLoss) maxLoss = c.loss;
  const track = el('div', { class: 'tl-track windowed', role: 'list', 'aria-label': `${T} timesteps` });
  track.addEventListener('click', (e) => {
    const col = (e.target as Element | null)?.closest?.('.tl-col');
    if (col instanceof HTMLElement && track.contains(col)) onPick(Number(col.dataset.t));
  });
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
  const rangeNote = el('span', { class: 'muted', 'data-testid': 'dh-range', text: rangeText(strip) });
  // Too many layers × steps for the summary to carry each layer's norms: said, not left to be guessed.
  const L = omittedLayers(s);
  const capNote = L
    ? el('p', { class: 'tl-note', 'data-testid': 'dh-layers-note', role: 'note' },
        `‖dL/dh_t‖ below is the top layer's (layer ${L}) whichever layer is chosen: ${L} layers × ${T.toLocaleString('en-US')} steps make ${(L * T).toLocaleString('en-US')} norms, more than the ${MAX_LAYER_NORMS.toLocaleString('en-US')} a trace's summary carries.`)
    : null;
  const scroller = el('div', { class: 'tl-scroll', 'data-testid': 'timeline-scroll' }, heads, track);
  const element = el(
    'section',
    { class: 'region timeline', 'data-testid': 'timeline', 'data-truncate': s.truncate, 'data-steps': T, 'aria-label': 'Timeline' },
    el('h2', { class: 'region-title' }, 'Timeline', el('span', { class: 'muted', 'data-testid': 'truncation', text: ` · ${truncationNote(s)}` }), rangeNote),
    capNote,
    scroller,
  );

  /** The columns in the page, by t, and the cursor they are painted for. */
  const shown = new Map<number, Column>();
  let cursor: Cursor | null = null;
  /** Column width and pitch (px), the track's width were every column there (full) and as made (at most MAX_TRACK_PX). */
  let geometry: { colW: number; pitch: number; full: number; width: number } | null = null;

  /** Measures a column as wide as the widest once the timeline is in the page (false while it is not laid out). */
  function measure(): boolean {
    if (geometry) return true;
    if (!element.isConnected || T === 0) return false;
    const probe = makeColumn(s, widestStep(s), maxLoss).element;
    probe.style.visibility = 'hidden';
    track.replaceChildren(probe);
    const colW = probe.getBoundingClientRect().width;
    probe.remove();
    if (!(colW > 0)) return false;
    const gap = parseFloat(getComputedStyle(track).columnGap) || 0;
    const full = T * (colW + gap) - gap;
    geometry = { colW, pitch: colW + gap, full, width: Math.min(full, MAX_TRACK_PX) };
    track.style.setProperty('--tl-col-w', `${colW}px`);
    track.style.width = `${geometry.width}px`;
    return true;
  }

  /** The track's width in view (the row heads stay at the left), and how far into the full track the view starts. */
  function view(): { vw: number; v: number } {
    const g = geometry!;
    const vw = Math.max(1, scroller.clientWidth - track.offsetLeft);
    const scrolled = scroller.scrollLeft;
    const v = g.width >= g.full || g.width <= vw ? scrolled : (scrolled * (g.full - vw)) / (g.width - vw);
    return { vw, v };
  }

  /** Draws the columns in view and MARGIN each side (kept when already there), painted for the cursor. */
  function render(repaint: boolean): void {
    if (!cursor || !measure()) return;
    const g = geometry!;
    const { vw, v } = view();
    const scrolled = scroller.scrollLeft;
    // Column t's left edge in the track as made: its place in the full track, shifted with the view.
    const at = (t: number): number => scrolled + (t - 1) * g.pitch - v;
    let lo = Math.max(1, Math.floor(v / g.pitch) + 1 - MARGIN, Math.ceil((v - scrolled) / g.pitch) + 1);
    let hi = Math.min(T, Math.ceil((v + vw) / g.pitch) + MARGIN, Math.floor((g.width - g.colW - scrolled + v) / g.pitch) + 1);
    if (hi < lo) (lo = 1), (hi = 0);
    let changed = false;
    for (const t of [...shown.keys()]) if (t < lo || t > hi) (shown.delete(t), (changed = true));
    for (let t = lo; t <= hi; t++) {
      if (shown.has(t)) continue;
      const col = makeColumn(s, s.timeline[t - 1], maxLoss);
      col.element.setAttribute('aria-posinset', String(t));
      col.element.setAttribute('aria-setsize', String(T));
      paintColumn(col, s, strip, cursor);
      shown.set(t, col);
      changed = true;
    }
    if (repaint) for (const col of shown.values()) paintColumn(col, s, strip, cursor);
    if (!changed) return;
    track.style.paddingLeft = `${hi >= lo ? at(lo) : 0}px`;
    const cols: HTMLElement[] = [];
    for (let t = lo; t <= hi; t++) cols.push(shown.get(t)!.element);
    track.replaceChildren(...cols);
  }

  /** Scrolls the timeline (never the page) so step t's column is in view, a column to spare. */
  function reveal(t: number): void {
    if (!geometry) return;
    const g = geometry;
    const { vw, v } = view();
    const x = (t - 1) * g.pitch;
    let next = v;
    if (x < v) next = Math.max(0, x - g.pitch);
    else if (x + g.colW > v + vw) next = Math.min(g.full - vw, x + g.colW + g.pitch - vw);
    if (next === v) return;
    scroller.scrollLeft = g.width >= g.full || g.width <= vw ? next : (next * (g.width - vw)) / (g.full - vw);
  }

  let frame = 0;
  const later = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (element.isConnected) render(false);
      else if (geometry) resized.disconnect(); // replaced by a new trace's timeline
    });
  };
  scroller.addEventListener('scroll', later, { passive: true });
  const resized = new ResizeObserver(later);
  resized.observe(scroller);

  function update(next: Cursor, layer?: number): void {
    if (strip.layer !== undefined && layer !== undefined && layer !== strip.layer && !L) {
      strip = layerStrip(s, topNorms, layer);
      rangeNote.textContent = rangeText(strip);
    }
    cursor = next;
    track.classList.toggle('backward', next.phase === 'backward');
    if (measure()) reveal(next.t);
    render(true);
  }
  return { element, update };
}
