/**
 * The backward pass at t: dL/dh_t as the sum of its two parts, dc_t, the gate gradients, and
 * each parameter's contribution at t beside the gradient accumulated from T down to t.
 */
import type { StepSnapshot } from '../src/protocol';
import { maxAbs } from './colors';
import { el, sym } from './dom';
import { heatmap, legend, vectorRow } from './heatmap';
import { LONG_NAMES } from './vectors';

type Backward = NonNullable<StepSnapshot['backward']>;
type Grad = NonNullable<StepSnapshot['grads']>[number];

function dhSum(b: Backward, t: number): HTMLElement {
  const scale = maxAbs(b.dh, b.dh_from_output, b.dh_from_future);
  return el(
    'div',
    { class: 'vrows sum', 'data-testid': 'dh-sum' },
    vectorRow(b.dh_from_output, { label: el('span', {}, 'from the output ', el('span', { class: 'muted' }, sym('W', 'hy'), 'ᵀ', sym('dz', t))), name: `dh_${t} from the output`, testid: 'bwd-dh_from_output', scale }),
    vectorRow(b.dh_from_future, { label: el('span', {}, 'from the future ', el('span', { class: 'muted' }, 'via ', sym('h', t + 1))), name: `dh_${t} from the future`, testid: 'bwd-dh_from_future', scale, op: '+' }),
    vectorRow(b.dh, { label: el('span', {}, 'dL/d', sym('h', t)), name: `dL/dh_${t}`, testid: 'bwd-dh', scale, op: '=', class: 'total' }),
  );
}

function gradCard(g: Grad, t: number, T: number): HTMLElement {
  const scale = maxAbs(g.contribution.data, g.accumulated.data);
  const shape = g.contribution.shape.join('×');
  const pooled = g.contribution.block ? ` · shown pooled ${g.contribution.block.join('×')}` : '';
  const range = t === T ? `t = ${T}` : `t = ${T}…${t}`;
  return el(
    'div',
    { class: 'grad-card', 'data-testid': `grad-${g.name}`, 'data-name': g.name },
    el('div', { class: 'grad-head' }, el('span', { class: 'grad-name', text: g.name }), el('span', { class: 'muted', text: ` ${shape}${pooled}` })),
    el(
      'div',
      { class: 'grad-pair' },
      el('figure', {}, heatmap(g.contribution, { name: `d${g.name}`, caption: `contribution at t = ${t}`, scale, testid: `grad-${g.name}-contribution` }), el('figcaption', { text: `at t = ${t}` })),
      el('figure', {}, heatmap(g.accumulated, { name: `d${g.name}`, caption: `accumulated over ${range}`, scale, testid: `grad-${g.name}-accumulated` }), el('figcaption', { text: `sum ${range}` })),
    ),
    legend(scale),
  );
}

export function backwardView(s: StepSnapshot, T: number): HTMLElement {
  const t = s.cursor.t;
  const b = s.backward;
  if (!b) return el('section', { class: 'region backward', 'data-testid': 'backward' });
  const local = [
    b.dc ? vectorRow(b.dc, { label: el('span', {}, 'dL/d', sym('c', t), el('span', { class: 'long muted', text: ' cell state' })), name: `dL/dc_${t}`, testid: 'bwd-dc', scale: maxAbs(b.dc) }) : null,
    ...b.dgates.map((g) =>
      vectorRow(g.values, {
        label: el('span', { title: `at the pre-activation of the ${LONG_NAMES[g.name] ?? g.name}` }, sym('da', g.name), el('span', { class: 'long muted', text: ` ${g.name === 'a' ? 'pre-activation' : LONG_NAMES[g.name] ?? g.name}` })),
        name: `da_${g.name} at t = ${t}`,
        testid: `bwd-da_${g.name}`,
        scale: maxAbs(g.values),
      }),
    ),
  ];
  return el(
    'section',
    { class: 'region backward', 'data-testid': 'backward', 'aria-label': `Backward pass at t = ${t}` },
    el('h2', { class: 'region-title' }, 'Backward at ', sym('t'), ` = ${t}`),
    el('div', { class: 'bw-grid' },
      el('div', {}, el('h3', { class: 'sub-title' }, 'dL/d', sym('h', t), ' = from the output + from the future'), dhSum(b, t)),
      el('div', {}, el('h3', { class: 'sub-title', text: 'Local gradients' }), el('div', { class: 'vrows' }, local)),
    ),
    el('h3', { class: 'sub-title' }, 'Parameter gradients: contribution at ', sym('t'), ' and the sum so far'),
    el('div', { class: 'grads', 'data-testid': 'grads' }, (s.grads ?? []).map((g) => gradCard(g, t, T))),
  );
}
