/** The step's equations as the host wrote them: symbolic form, then the numbers filled in. */
import type { EquationLine } from '../src/protocol';
import { el } from './dom';

export function equationList(lines: EquationLine[], title: string): HTMLElement {
  return el(
    'section',
    { class: 'region equations', 'data-testid': 'equations', 'aria-label': title },
    el('h2', { class: 'region-title', text: title }),
    el(
      'ol',
      { class: 'eq-list' },
      lines.map((l, i) => el('li', { class: 'eq', 'data-testid': `eq-${i}` }, el('div', { class: 'eq-sym', text: l.symbolic }), el('div', { class: 'eq-num', text: l.numeric }))),
    ),
  );
}
