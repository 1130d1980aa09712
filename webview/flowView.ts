/**
 * The "Gradient flow" section: the flow map (with truncation), the Jacobian norms of the cursor's
 * row beside the bound and the gate path, the spectra, and the clipping preview. Built once per
 * flow message; the cursor's highlight and the Jacobian row change as the cursor moves.
 */
import type { ClipView, Cursor, FlowData, JacobianView, WebviewMessage } from '../src/protocol';
import { formatNumber } from '../src/format';
import { clipPart } from './clipPreview';
import { el, sym } from './dom';
import { flowMapPart, type FlowMapPart } from './flowMap';
import { jacobianChart, spectralLine } from './jacobianChart';

export interface FlowSection {
  element: HTMLElement;
  /** A new trace: the old flow data no longer applies until its flow message arrives. */
  stale(cell: string): void;
  setFlow(f: FlowData): void;
  /** How far the flow data of the trace shown are (while they compute). */
  progress(text: string): void;
  /** The host could not compute the flow data: say so instead of waiting. */
  failed(reason: string): void;
  setJacobian(row: JacobianView): void;
  setClip(c: ClipView): void;
  update(cursor: Cursor): void;
}

function truncationNote(f: FlowData): HTMLElement | null {
  const tr = f.map.truncation;
  if (!tr) return null;
  const pct = `${(tr.share * 100).toFixed(2)}%`;
  return el(
    'p',
    { class: 'fm-trunc', 'data-testid': 'flow-truncation', 'data-value': formatNumber(tr.share), title: `‖g_full − g_truncated‖ / ‖g_full‖ = ${formatNumber(tr.share)}` },
    'Truncation drops ',
    el('strong', { class: 'num', text: pct }),
    ' of the gradient norm ',
    el('span', { class: 'muted num', text: `(‖g_full‖ = ${formatNumber(tr.fullNorm)}, ‖g_truncated‖ = ${formatNumber(tr.truncatedNorm)})` }),
  );
}

export function flowSection(send: (m: WebviewMessage) => void, savedThreshold: number | undefined, onThreshold: (v: number) => void): FlowSection {
  let cell = 'rnn';
  let flow: FlowData | null = null;
  let map: FlowMapPart | null = null;
  let cursor: Cursor | null = null;
  let row: JacobianView | null = null;
  let userThreshold = savedThreshold;

  const clip = clipPart(send, (v) => {
    userThreshold = v;
    onThreshold(v);
  });
  const status = el('span', { class: 'muted', 'data-testid': 'flow-status', 'aria-live': 'polite' });
  const mapSlot = el('div', { class: 'flow-map-slot' });
  const spectralSlot = el('div', { class: 'flow-spectral-slot' });
  const chartSlot = el('div', { class: 'flow-chart-slot' });
  const jacTitle = el('h3', { class: 'sub-title', 'data-testid': 'jacobian-title' }, 'Jacobian norms along the cursor’s row');
  const element = el(
    'section',
    { class: 'region flow', 'data-testid': 'flow', 'aria-label': 'Gradient flow', 'aria-busy': 'true' },
    el('h2', { class: 'region-title' }, 'Gradient flow', status),
    el(
      'div',
      { class: 'flow-grid' },
      el('div', { class: 'flow-block' }, el('h3', { class: 'sub-title' }, '‖d', sym('L', 't'), '/d', sym('h', 'k'), '‖ for each loss term and earlier step'), mapSlot),
      el(
        'div',
        { class: 'flow-block' },
        jacTitle,
        spectralSlot,
        chartSlot,
      ),
    ),
    el('div', { class: 'flow-block' }, el('h3', { class: 'sub-title', text: 'Clipping preview (the whole gradient)' }), clip.element),
  );

  const drawSpectral = (): void => void spectralSlot.replaceChildren(spectralLine(cell, row, flow?.spectral ?? []));

  return {
    element,
    stale(c: string) {
      cell = c;
      element.classList.add('stale');
      element.setAttribute('aria-busy', 'true');
      status.textContent = ' · computing…';
    },
    setFlow(f: FlowData) {
      flow = f;
      const part = flowMapPart(f.map, (t) => send({ type: 'jump', to: { phase: cursor?.phase ?? 'backward', t } }), mapSlot.clientWidth);
      map = part;
      const bound = f.map.bounded ? el('p', { class: 'fm-bounded', 'data-testid': 'flow-bounded', text: `Bounded: ${f.map.bounded}.` }) : null;
      mapSlot.replaceChildren(...[bound, part.element, truncationNote(f)].filter((x): x is HTMLElement => x !== null));
      if (cursor) part.update(cursor);
      drawSpectral();
      element.classList.remove('stale');
      element.removeAttribute('aria-busy');
      status.textContent = '';
      element.dataset.ready = 'true';
      // The box keeps a threshold the user chose; otherwise the spec's (train.clip, else 5).
      if (userThreshold !== undefined && userThreshold !== f.clip.threshold) {
        clip.setThreshold(userThreshold);
        send({ type: 'clip', threshold: userThreshold });
      } else {
        clip.setThreshold(f.clip.threshold);
        clip.show(f.clip);
      }
    },
    progress(text: string) {
      if (element.getAttribute('aria-busy') === 'true') status.textContent = ` · computing… ${text}`;
    },
    failed(reason: string) {
      element.classList.remove('stale');
      element.removeAttribute('aria-busy');
      status.textContent = ` · could not be computed: ${reason}`;
    },
    setJacobian(r: JacobianView) {
      if (cursor && (r.cursorT ?? r.t) !== cursor.t) return; // the cursor has moved on; its own row follows
      row = r;
      chartSlot.classList.remove('pending');
      chartSlot.replaceChildren(jacobianChart(r, cell));
      jacTitle.replaceChildren('Jacobian norms along row ', sym('t'), ` = ${r.t}${r.noBound ? '' : ', beside the bound'}`, r.cursorT !== undefined && r.cursorT !== r.t ? ` (t = ${r.cursorT} has no step back: the whole sequence's row)` : '');
      drawSpectral();
    },
    setClip(c: ClipView) {
      clip.show(c);
    },
    update(c: Cursor) {
      cursor = c;
      map?.update(c);
      if (row && (row.cursorT ?? row.t) !== c.t) chartSlot.classList.add('pending');
      else chartSlot.classList.remove('pending');
    },
  };
}
