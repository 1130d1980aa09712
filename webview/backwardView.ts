/**
 * The backward pass at t: dL/dh_t as the sum of its two parts, dc_t, the gate gradients, and
 * each parameter's contribution at t beside the gradient accumulated from T down to t.
 */
import type { StepSnapshot } from '../src/protocol';
import { maxAbs } from './colors';
import { el, sym } from './dom';
import { heatmap, legend } from './heatmap';
import { cardFormat, vectorRow } from './vectorRow';
import type { HeatmapView } from './viewOptions';
import { LONG_NAMES } from './vectors';

/** Row and column labels of a parameter (tokens), when not unit numbers. */
export type AxisLabels = Map<string, { rows?: string[]; cols?: string[] }>;

export interface BackwardOptions {
  view: HeatmapView;
  onView(v: HeatmapView): void;
  labels: AxisLabels;
}

type Backward = NonNullable<StepSnapshot['backward']>;
type Grad = NonNullable<StepSnapshot['grads']>[number];

/** A stack's layer below the top: its dh_t comes from the layer above at t, not from the output (else null). */
const layerAbove = (s: StepSnapshot): number | null => (s.layer !== undefined && s.layers !== undefined && s.layer < s.layers.length ? s.layer + 1 : null);

function dhSum(b: Backward, t: number, above: number | null): HTMLElement {
  const scale = maxAbs(b.dh, b.dh_from_output, b.dh_from_future);
  // The sum's three rows are written in one format, as one matrix would be: its columns add up by eye.
  const format = cardFormat(b.dh, b.dh_from_output, b.dh_from_future);
  const fromOutput = above === null
    ? vectorRow(b.dh_from_output, { label: el('span', {}, 'from the output ', el('span', { class: 'muted' }, sym('W', 'hy'), 'ᵀ', sym('dz', t))), name: `dh_${t} from the output`, testid: 'bwd-dh_from_output', scale, format })
    : vectorRow(b.dh_from_output, { label: el('span', {}, 'from the layer above ', el('span', { class: 'muted' }, `via layer ${above}'s gates at t`)), name: `dh_${t} from layer ${above}`, testid: 'bwd-dh_from_output', scale, term: 'dh_above', format });
  return el(
    'div',
    { class: 'vrows sum', 'data-testid': 'dh-sum' },
    fromOutput,
    vectorRow(b.dh_from_future, { label: el('span', {}, 'from the future ', el('span', { class: 'muted' }, 'via ', sym('h', t + 1))), name: `dh_${t} from the future`, testid: 'bwd-dh_from_future', scale, op: '+', term: 'dh_next', format }),
    vectorRow(b.dh, { label: el('span', {}, 'dL/d', sym('h', t)), name: `dL/dh_${t}`, testid: 'bwd-dh', scale, op: '=', class: 'total', term: 'dh', format }),
  );
}

interface Scales {
  at: number;
  sum: number;
}

/** dL/dc_t as its two parts: through h_t (dh_t ⊙ o_t ⊙ tanh'(c_t), and the peephole) and from c_{t+1} through f_{t+1}. */
function dcSum(dc: Float64Array, p: { local: Float64Array; fromFuture: Float64Array }, t: number): HTMLElement {
  const scale = maxAbs(dc, p.local, p.fromFuture);
  const format = cardFormat(dc, p.local, p.fromFuture);
  return el(
    'div',
    { class: 'vrows sum', 'data-testid': 'dc-sum' },
    vectorRow(p.local, { label: el('span', {}, 'through ', sym('h', t), ' ', el('span', { class: 'muted' }, sym('dh', t), ' ⊙ ', sym('o', t), ' ⊙ tanh′')), name: `dc_${t} through h_${t}`, testid: 'bwd-dc_local', scale, format }),
    vectorRow(p.fromFuture, { label: el('span', {}, 'from the future ', el('span', { class: 'muted' }, 'via ', sym('c', t + 1), ', ', sym('f', t + 1))), name: `dc_${t} from the future`, testid: 'bwd-dc_from_future', scale, op: '+', term: 'dc_next', format }),
    vectorRow(dc, { label: el('span', {}, 'dL/d', sym('c', t)), name: `dL/dc_${t}`, testid: 'bwd-dc', scale, op: '=', class: 'total', term: 'dc', format }),
  );
}

function gradCard(g: Grad, t: number, T: number, o: BackwardOptions, shared: Scales | null): HTMLElement {
  // "at t" and the running sum never share a scale: the sum grows with every step back.
  const scales: Scales = shared ?? { at: maxAbs(g.contribution.data), sum: maxAbs(g.accumulated.data) };
  const shape = g.contribution.shape.join('×');
  const pooled = g.contribution.block ? ` · shown pooled ${g.contribution.block.join('×')} (largest of each block)` : '';
  const range = t === T ? `t = ${T}` : `t = ${T}…${t}`;
  const lab = o.labels.get(g.name) ?? {};
  const common = { log: o.view.log, rowLabels: lab.rows, colLabels: lab.cols };
  return el(
    'div',
    { class: 'grad-card', 'data-testid': `grad-${g.name}`, 'data-name': g.name, 'data-term-for': `d${g.name}` },
    el('div', { class: 'grad-head' }, el('span', { class: 'grad-name', text: `d${g.name}` }), el('span', { class: 'muted', text: ` ${shape}${pooled}` })),
    el(
      'div',
      { class: 'grad-pair' },
      el('figure', {}, el('figcaption', { text: `at t = ${t}` }), heatmap(g.contribution, { ...common, name: `d${g.name}`, caption: `contribution at t = ${t}`, scale: scales.at, testid: `grad-${g.name}-contribution` }), legend(scales.at, o.view.log, `grad-${g.name}-legend-at`)),
      el('figure', {}, el('figcaption', { text: `sum ${range}` }), heatmap(g.accumulated, { ...common, name: `d${g.name}`, caption: `accumulated over ${range}`, scale: scales.sum, testid: `grad-${g.name}-accumulated` }), legend(scales.sum, o.view.log, `grad-${g.name}-legend-sum`)),
    ),
  );
}

/** The switches above the cards: one scale per card or shared, linear or log magnitude. */
function viewSwitches(o: BackwardOptions): HTMLElement {
  const toggle = (label: string, title: string, pressed: boolean, testid: string, next: HeatmapView): HTMLElement => {
    const b = el('button', { class: 'seg', type: 'button', title, 'aria-pressed': String(pressed), 'data-testid': testid, text: label });
    b.addEventListener('click', () => o.onView(next));
    return b;
  };
  const v = o.view;
  return el(
    'div',
    { class: 'view-switches', role: 'group', 'aria-label': 'Heatmap colour scale' },
    el('span', { class: 'muted', text: 'Colour scale:' }),
    el('span', { class: 'seg-group' },
      toggle('per card', 'Each heatmap on its own scale: patterns within a parameter', v.scale === 'card', 'scale-card', { ...v, scale: 'card' }),
      toggle('shared', 'All "at t" heatmaps on one scale, all sums on another: which parameter gets the most gradient', v.scale === 'shared', 'scale-shared', { ...v, scale: 'shared' })),
    toggle('log |v|', 'Colour by the log of the magnitude (4 decades): small values stay visible', v.log, 'scale-log', { ...v, log: !v.log }),
  );
}

export function backwardView(s: StepSnapshot, T: number, o: BackwardOptions): HTMLElement {
  const t = s.cursor.t;
  const b = s.backward;
  if (!b) return el('section', { class: 'region backward', 'data-testid': 'backward' });
  const cParts = b.stateParts?.find((p) => p.name === 'c');
  const local = [
    b.dc && !cParts ? vectorRow(b.dc, { label: el('span', {}, 'dL/d', sym('c', t), el('span', { class: 'long muted', text: ' cell state' })), name: `dL/dc_${t}`, testid: 'bwd-dc', scale: maxAbs(b.dc), term: 'dc' }) : null,
    ...b.dgates.map((g) =>
      vectorRow(g.values, {
        label: el('span', { title: `at the pre-activation of the ${LONG_NAMES[g.name] ?? g.name}` }, 'dL/d', g.name === 'a' ? sym('a', t) : sym('a', `${g.name},${t}`), el('span', { class: 'long muted', text: ` ${g.name === 'a' ? 'pre-activation' : `${LONG_NAMES[g.name] ?? g.name} pre-activation`}` })),
        name: g.name === 'a' ? `dL/da_${t}` : `dL/da_${g.name},${t}`,
        testid: `bwd-da_${g.name}`,
        term: `d${g.name}`,
        scale: maxAbs(g.values),
      }),
    ),
  ];
  const grads = s.grads ?? [];
  const shared = o.view.scale === 'shared' ? { at: maxAbs(...grads.map((g) => g.contribution.data)), sum: maxAbs(...grads.map((g) => g.accumulated.data)) } : null;
  return el(
    'section',
    { class: 'region backward', 'data-testid': 'backward', 'aria-label': `Backward pass at t = ${t}` },
    el('h2', { class: 'region-title' }, 'Backward at ', sym('t'), ` = ${t}`, s.layer !== undefined && (s.layers?.length ?? 0) > 1 ? `, layer ${s.layer}` : ''),
    el('div', { class: 'bw-grid' },
      el('div', {},
        el('h3', { class: 'sub-title' }, 'dL/d', sym('h', t), layerAbove(s) === null ? ' = from the output + from the future' : ' = from the layer above + from the future'), dhSum(b, t, layerAbove(s)),
        b.dc && cParts ? el('h3', { class: 'sub-title' }, 'dL/d', sym('c', t), ' = through ', sym('h', t), ' + from the future') : null,
        b.dc && cParts ? dcSum(b.dc, cParts, t) : null),
      el('div', {}, el('h3', { class: 'sub-title', text: 'Local gradients' }), el('div', { class: 'vrows' }, local)),
    ),
    el('div', { class: 'grads-head' }, el('h3', { class: 'sub-title' }, 'Parameter gradients: contribution at ', sym('t'), ' and the sum so far'), viewSwitches(o)),
    el('div', { class: 'grads', 'data-testid': 'grads' }, (s.grads ?? []).map((g) => gradCard(g, t, T, o, shared))),
  );
}
