/**
 * The layer switch of a stacked model: "Layer 1 · 2 · 3" as a radio group near the top, shown only
 * when the model has more than one layer. Choosing a layer asks the host for that layer's snapshot
 * and flow views (the cards, equations and flow map then show it). Keyboard: Tab to the group, ←/→
 * (or Home/End) move between layers, as in any radio group.
 */
import type { StepSnapshot, WebviewMessage } from '../src/protocol';
import { el } from './dom';

export interface LayerSwitch {
  element: HTMLElement;
  /** Shows the layers of a snapshot (hidden for a single cell) with its layer chosen. */
  update(s: StepSnapshot): void;
}

export function layerSwitch(send: (m: WebviewMessage) => void): LayerSwitch {
  const group = el('span', { class: 'seg-group', role: 'radiogroup', 'aria-label': 'Layer shown' });
  const element = el('div', { class: 'layer-switch', 'data-testid': 'layer-switch', hidden: true }, el('span', { class: 'muted', id: 'layer-switch-label', text: 'Layer' }), group);
  group.setAttribute('aria-labelledby', 'layer-switch-label');
  let L = 0;
  let chosen = 0;

  const buttons = (): HTMLButtonElement[] => Array.from(group.querySelectorAll('button'));
  const choose = (l: number, focus: boolean): void => {
    if (l < 1 || l > L) return;
    if (focus) buttons()[l - 1]?.focus();
    if (l === chosen) return;
    mark(l);
    send({ type: 'layer', layer: l });
  };
  const mark = (l: number): void => {
    chosen = l;
    buttons().forEach((b, i) => {
      const on = i + 1 === l;
      b.setAttribute('aria-checked', String(on));
      b.setAttribute('aria-pressed', String(on));
      b.tabIndex = on ? 0 : -1;
    });
  };

  group.addEventListener('keydown', (e) => {
    const next = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? chosen + 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? chosen - 1 : e.key === 'Home' ? 1 : e.key === 'End' ? L : 0;
    if (next === 0) return;
    // Inside the group these keys move between layers, not the cursor (main.ts listens on the document).
    e.preventDefault();
    e.stopPropagation();
    choose(Math.min(Math.max(1, next), L), true);
  });

  return {
    element,
    update(s) {
      const n = s.layers?.length ?? 0;
      element.hidden = n < 2;
      if (n < 2) return;
      if (n !== L) {
        L = n;
        group.replaceChildren(
          ...Array.from({ length: L }, (_, i) => {
            const l = i + 1;
            const b = el('button', { class: 'seg', type: 'button', role: 'radio', 'data-testid': `layer-${l}`, title: l === L ? `Layer ${l}: the top layer (the output reads its h)` : l === 1 ? `Layer ${l}: the bottom layer (reads the input)` : `Layer ${l} (reads layer ${l - 1}'s h)`, text: String(l) });
            b.addEventListener('click', (e) => {
              choose(l, false);
              // A mouse click leaves the keys to the stepper (← → step the cursor); a keyboard user stays in the group.
              if (e.detail > 0) b.blur();
            });
            return b;
          }),
        );
      }
      mark(s.layer ?? L);
      element.dataset.layer = String(s.layer ?? L);
    },
  };
}
