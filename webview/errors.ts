/** The spec's errors, shown above the last good trace (which stays visible beneath). */
import type { ErrorsMessage } from '../src/protocol';
import { el } from './dom';

export function errorBanner(m: ErrorsMessage, hasTrace: boolean): HTMLElement | null {
  if (m.errors.length === 0) return null;
  const n = m.errors.length;
  return el(
    'section',
    { class: 'errors', role: 'alert', 'data-testid': 'errors' },
    el('h2', { class: 'errors-title', text: `The spec has ${n} error${n === 1 ? '' : 's'}${hasTrace ? ' · showing the last good trace' : ''}` }),
    el(
      'ul',
      {},
      m.errors.map((e, i) => el('li', { 'data-testid': `error-${i}` }, el('span', { class: 'num where', text: `${e.line}:${e.column}` }), el('span', { text: ` ${e.message}` }))),
    ),
  );
}
