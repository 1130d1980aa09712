/**
 * The "Weights" section: every parameter's current value as a labelled heatmap (the numbers for a
 * small one, a canvas for a large one), so a student can check a_1 by hand, with the spectral
 * radius and norm beside each recurrent matrix once the flow data brings them. The values come
 * once per trace with the summary (they do not change while stepping), pooled to a budget.
 */
import type { Matrix, SpectralInfo, TraceSummary } from '../src/protocol';
import { formatNumber } from '../src/format';
import { maxAbs } from './colors';
import { el, sym } from './dom';
import { foldable } from './foldable';
import { heatmap, legend } from './heatmap';

export interface WeightsSection {
  element: HTMLElement;
  /** A new trace: its parameters (a summary from an older host has no values: the section hides). */
  setParams(params: TraceSummary['params'], note?: string): void;
  /** The recurrent matrices' ρ and ‖·‖₂, from the flow data. */
  setSpectral(spectral: SpectralInfo[]): void;
}

const isMatrix = (m: unknown): m is Matrix => {
  const v = m as Matrix | undefined;
  return !!v && Array.isArray(v.grid) && v.data instanceof Float64Array && Array.isArray(v.shape) && v.data.length === v.grid.reduce((a, b) => a * b, 1);
};

/** "W_hh" as W with subscript hh. */
function nameOf(name: string): HTMLElement {
  const at = name.indexOf('_');
  return at > 0 ? sym(name.slice(0, at), name.slice(at + 1)) : sym(name);
}

type Param = TraceSummary['params'][number];

function card(p: Param & { value: Matrix }): HTMLElement {
  const m = p.value;
  const scale = maxAbs(m.data);
  const pooled = m.block ? ` · shown pooled ${m.block.join('×')} (largest of each block)` : '';
  return el(
    'div',
    { class: 'grad-card weight-card', 'data-testid': `weight-${p.name}`, 'data-name': p.name, 'data-term-for': p.name },
    el('div', { class: 'grad-head' }, el('span', { class: 'grad-name' }, nameOf(p.name)), el('span', { class: 'muted', text: ` ${p.shape.join('×')}${pooled}` })),
    el('div', { class: 'weight-spectral', 'data-testid': `weight-${p.name}-spectral` }),
    el('figure', { class: 'weight-figure' }, heatmap(m, { name: p.name, caption: 'current value', scale, testid: `weight-${p.name}-value`, rowLabels: p.rowLabels, colLabels: p.colLabels }), scale > 0 ? legend(scale, false, `weight-${p.name}-legend`) : el('p', { class: 'muted weight-zero', text: 'all zero' })),
  );
}

export function weightsSection(open: boolean, onToggle: (open: boolean) => void): WeightsSection {
  const note = el('span', { class: 'muted', 'data-testid': 'weights-source' });
  const heading = el('h2', { class: 'region-title' }, 'Weights ', note);
  const cards = el('div', { class: 'grads weights', 'data-testid': 'weight-cards' });
  const element = el('section', { class: 'region weights-section', 'data-testid': 'weights-section', 'aria-label': 'Weights', hidden: true }, heading, cards);
  foldable(element, heading, 'weights', open, onToggle);
  let spectral: SpectralInfo[] = [];

  const drawSpectral = (): void => {
    for (const s of spectral) {
      const slot = cards.querySelector<HTMLElement>(`[data-testid="weight-${CSS.escape(s.name)}-spectral"]`);
      slot?.replaceChildren(
        el('span', { 'data-testid': `weight-${s.name}-rho`, 'data-value': formatNumber(s.radius), title: `spectral radius of ${s.name}: its largest |eigenvalue|; above 1 the linear recurrence explodes, below 1 it vanishes` }, 'ρ = ', el('span', { class: 'num', text: formatNumber(s.radius) })),
        el('span', { class: 'muted', title: `spectral norm of ${s.name}: its largest singular value` }, ' · ‖·‖₂ = ', el('span', { class: 'num', text: formatNumber(s.norm) })),
      );
    }
  };

  return {
    element,
    setParams(params, source) {
      const shown = params.filter((p): p is Param & { value: Matrix } => isMatrix(p.value));
      element.hidden = shown.length === 0;
      note.textContent = source ? `· ${source}` : '· the values the trace was run with';
      cards.replaceChildren(...shown.map(card));
      spectral = [];
    },
    setSpectral(s) {
      spectral = s;
      drawSpectral();
    },
  };
}
