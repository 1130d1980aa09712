/**
 * The step's equations: typeset as MathML when the host sent their trees (symbolic, then every
 * name replaced by its numbers and the result), else as the host wrote them in text. Hovering a
 * term lights up the row or heatmap it comes from (elements with a matching data-term-for).
 */
import type { EquationLine } from '../src/protocol';
import { el } from './dom';
import { textMath, typeset } from './mathml';

function link(root: HTMLElement): void {
  let lit: Element[] = [];
  const clear = (): void => {
    for (const e of lit) e.classList.remove('linked');
    lit = [];
  };
  root.addEventListener('mouseover', (e) => {
    const term = (e.target as Element | null)?.closest?.('[data-term]')?.getAttribute('data-term');
    clear();
    if (!term) return;
    for (const x of document.querySelectorAll(`[data-term-for="${CSS.escape(term)}"], [data-term="${CSS.escape(term)}"]`)) {
      x.classList.add('linked');
      lit.push(x);
    }
  });
  root.addEventListener('mouseleave', clear);
}

export function equationList(lines: EquationLine[], title: string, t: number): HTMLElement {
  const list = el(
    'ol',
    { class: 'eq-list' },
    lines.map((l, i) => {
      const item = el('li', { class: 'eq', 'data-testid': `eq-${i}`, 'data-target': l.math?.target ?? '' });
      if (l.math) {
        const m = typeset(l.math, t, `eq-${i}`);
        item.append(el('div', { class: 'eq-sym', title: l.symbolic }, m.symbolic), el('div', { class: 'eq-num', 'aria-label': l.numeric }, m.numeric));
      } else item.append(el('div', { class: 'eq-sym', title: l.symbolic }, textMath(l.symbolic)), el('div', { class: 'eq-num', 'aria-label': l.numeric }, textMath(l.numeric)));
      return item;
    }),
  );
  link(list);
  return el('section', { class: 'region equations', 'data-testid': 'equations', 'aria-label': title }, el('h2', { class: 'region-title', text: title }), list);
}
