/** The spec's errors, shown above the last good trace (which stays visible beneath). */
import type { ErrorsMessage } from '../src/protocol';
import { el } from './dom';

/** `reveal(line, column)` shows the place in the editor: each position is a link to it. */
export function errorBanner(m: ErrorsMessage, hasTrace: boolean, reveal: (line: number, column: number) => void): HTMLElement | null {
  if (m.errors.length === 0) return null;
  const n = m.errors.length;
  return el(
    'section',
    { class: 'errors', role: 'alert', 'data-testid': 'errors' },
    el('h2', { class: 'errors-title', text: `The spec has ${n} error${n === 1 ? '' : 's'}${hasTrace ? ' · showing the last good trace' : ''}` }),
    el(
      'ul',
      {},
      m.errors.map((e, i) => el('li', { 'data-testid': `error-${i}` }, positionLink(e.line, e.column, reveal), el('span', { text: ` ${e.message}` }))),
    ),
  );
}

/** line:column as a link that shows the place in the spec's editor (a real link: Tab reaches it, Enter follows it). */
function positionLink(line: number, column: number, reveal: (line: number, column: number) => void): HTMLElement {
  const a = el('a', { class: 'num where', href: '#', title: `Show line ${line}, column ${column} in the spec`, 'data-testid': 'error-link', 'data-line': line, 'data-column': column, text: `${line}:${column}` });
  a.addEventListener('click', (e) => {
    e.preventDefault();
    reveal(line, column);
  });
  return a;
}
