/**
 * The forward pass at t: x_t, every gate, c_t, h_t, y_t and the output distribution, and L_t.
 * Values as the host sent them; colour is a tint behind each written number.
 */
import type { StepSnapshot } from '../src/protocol';
import { formatNumber, sharedFormat } from '../src/format';
import { el, sym } from './dom';
import { vectorRow } from './vectorRow';
import { tokenText } from './tokens';
import { LONG_NAMES, unitScale } from './vectors';

/** Entries of the output distribution listed at most (the target is always listed). */
const TOP = 12;

function distribution(s: StepSnapshot): HTMLElement | null {
  if (!s.distribution) return null;
  // A large vocabulary: the most likely entries and the target, the rest summed up in a line.
  const order = s.distribution.map((d, k) => ({ d, k })).sort((a, b) => b.d.p - a.d.p);
  const shownKs = new Set(order.slice(0, TOP).map((x) => x.k));
  s.distribution.forEach((d, k) => d.target && shownKs.add(k));
  const hidden = s.distribution.length - shownKs.size;
  // One format for the column, as a card's: chosen from the likeliest entry, so the numbers line up
  // and a tiny probability reads 0.0003, not 2.71e-4 under 0.9120; the exact value in each title.
  const fmt = sharedFormat(s.distribution.map((d) => d.p));
  // All listed: in the vocabulary's order; a few of many: likeliest first (the target among them by its p).
  const listed = hidden > 0 ? order.filter((x) => shownKs.has(x.k)) : s.distribution.map((d, k) => ({ d, k }));
  const rows = listed.map(({ d, k }) => {
    const bar = el('span', { class: 'bar-fill' });
    bar.style.width = `${Math.max(0, Math.min(1, d.p)) * 100}%`;
    const exact = formatNumber(d.p);
    return el(
      'div',
      { class: `dist-row${d.target ? ' target' : ''}`, 'data-testid': `dist-${k}`, title: `p(${tokenText(d.label)}) = ${exact}${d.target ? ' · the target' : ''}` },
      el('span', { class: 'dist-label', text: tokenText(d.label) }),
      el('span', { class: 'bar', 'aria-hidden': 'true' }, bar),
      el('span', { class: 'num dist-value', 'data-testid': `dist-${k}-value`, 'data-value': exact, text: fmt(d.p) }),
      el('span', { class: 'dist-mark', text: d.target ? 'target' : '' }),
    );
  });
  const rest = hidden > 0 ? el('div', { class: 'dist-rest muted', 'data-testid': 'dist-rest', text: `… and ${hidden} less likely entries` }) : null;
  return el('div', { class: 'dist', 'data-testid': 'distribution', role: 'list', 'aria-label': 'output distribution' }, rows, rest);
}

export function forwardView(s: StepSnapshot): HTMLElement {
  const t = s.cursor.t;
  const byName = new Map(s.forward.map((v) => [v.name, v.values]));
  const described = (name: string): string | undefined => s.forward.find((v) => v.name === name)?.label ?? LONG_NAMES[name];
  const order = s.forward.map((v) => v.name).filter((n) => n !== 'y');
  const rows = order.map((name) =>
    vectorRow(byName.get(name) ?? [], {
      label: el('span', { title: described(name) ?? name }, sym(name, t), described(name) ? el('span', { class: 'long muted', 'data-testid': `fwd-${name}-label`, text: ` ${described(name)}` }) : null),
      name: `${name}_${t}`,
      testid: `fwd-${name}`,
      term: name,
      scale: name === 'x' ? 0 : unitScale(byName.get(name) ?? []),
      class: name === 'h' ? 'total' : undefined,
    }),
  );
  const y = byName.get('y') ?? [];
  const out = s.distribution ? distribution(s) : el('div', { class: 'vrows' }, vectorRow(y, { label: sym('y', t), name: `y_${t}`, testid: 'fwd-y', scale: unitScale(y) }));
  // The softmax output is shown as the distribution; its values are still readable as y_t cells.
  const yHidden = s.distribution ? el('div', { class: 'sr-only' }, vectorRow(y, { label: sym('y', t), name: `y_${t}`, testid: 'fwd-y', scale: 0 })) : null;
  return el(
    'section',
    { class: 'region forward', 'data-testid': 'forward', 'aria-label': `Forward pass at t = ${t}` },
    el('h2', { class: 'region-title' }, 'Forward at ', sym('t'), ` = ${t}`, s.layer !== undefined && (s.layers?.length ?? 0) > 1 ? `, layer ${s.layer}` : ''),
    el('div', { class: 'fw-grid' },
      el('div', { class: 'vrows state' }, rows),
      el(
        'div',
        { class: 'output' },
        el('h3', { class: 'sub-title' }, s.distribution ? 'Output distribution ' : 'Output ', sym('y', t)),
        out,
        yHidden,
        el(
          'div',
          { class: 'loss-line' },
          sym('L', t),
          el('span', { class: 'loss-eq', text: ' = ' }),
          el('span', { class: 'num loss-value', 'data-testid': 'loss', text: s.loss === null ? '—' : formatNumber(s.loss) }),
          s.loss === null ? el('span', { class: 'muted', text: ' no target at this step' }) : null,
        ),
      ),
    ),
  );
}
