/**
 * ||dL/dh_t|| over t on a log scale, filled in as the backward pass reaches each step: vanishing
 * and exploding gradients at a glance. Unknown steps (null) stay empty.
 */
import { formatNumber } from '../src/format';
import { el, sym } from './dom';

export function dhStrip(norms: (number | null)[], cursorT: number, backward: boolean): HTMLElement {
  const known = norms.filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  // Display mapping only: log10 of the norm between the smallest and largest known values.
  const lo = known.length ? Math.log10(Math.min(...known)) : 0;
  const hi = known.length ? Math.log10(Math.max(...known)) : 0;
  const range = Math.max(hi - lo, 1);
  const bars = norms.map((v, i) => {
    const t = i + 1;
    const text = v === null ? 'not reached yet' : formatNumber(v);
    const bar = el('span', { class: 'dh-bar' });
    if (v !== null && v > 0 && Number.isFinite(v)) bar.style.height = `${8 + 92 * ((Math.log10(v) - lo) / range)}%`;
    else if (v !== null) bar.style.height = '0';
    return el(
      'div',
      {
        class: `dh-col${v === null ? ' empty' : ''}${backward && t === cursorT ? ' cursor' : ''}`,
        'data-testid': `dhnorm-${t}`,
        'data-value': v === null ? '' : formatNumber(v),
        title: `||dL/dh_${t}|| = ${text}`,
        'aria-label': `||dL/dh_${t}|| = ${text}`,
        role: 'listitem',
      },
      el('span', { class: 'dh-track' }, bar),
      el('span', { class: 'dh-t', text: String(t) }),
    );
  });
  const axis = known.length
    ? el('span', { class: 'muted num', 'data-testid': 'dh-range', text: ` · log scale ${formatNumber(Math.min(...known))} … ${formatNumber(Math.max(...known))}` })
    : el('span', { class: 'muted', text: ' · fills in during the backward pass' });
  return el(
    'section',
    { class: 'region dh-strip', 'data-testid': 'dh-strip', 'aria-label': 'Gradient norm over time' },
    el('h2', { class: 'region-title' }, '‖dL/d', sym('h', 't'), '‖ over ', sym('t'), axis),
    el('div', { class: 'dh-bars', role: 'list' }, bars),
  );
}
