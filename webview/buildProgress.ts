/** A long trace build's progress ("Tracing · forward 12,000 / 60,000") with a Cancel button. */
import type { BuildMessage } from '../src/protocol';
import { el } from './dom';

const count = (n: number): string => n.toLocaleString('en-US');

export function buildProgress(onCancel: () => void): { element: HTMLElement; update(m: BuildMessage): boolean } {
  const text = el('span', { class: 'build-text', 'data-testid': 'build-text' });
  const bar = el('progress', { class: 'build-bar', max: 1, value: 0, 'aria-label': 'trace build progress' });
  const cancel = el('button', { class: 'build-cancel', type: 'button', 'data-testid': 'build-cancel', text: 'Cancel' });
  cancel.addEventListener('click', onCancel);
  const element = el('section', { class: 'build', role: 'status', 'data-testid': 'build' }, text, bar, cancel);
  return {
    element,
    /** Shows the progress; returns whether the build is still running. */
    update(m: BuildMessage): boolean {
      if (m.status !== 'running') return false;
      // Forward then backward: the bar covers both passes.
      const share = m.total > 0 ? (m.phase === 'forward' ? m.done : m.total + m.done) / (2 * m.total) : 0;
      text.textContent = `Tracing · ${m.phase} ${count(m.done)} / ${count(m.total)}`;
      bar.value = share;
      return true;
    },
  };
}
