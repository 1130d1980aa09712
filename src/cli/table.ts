/** Aligned text columns for a terminal: text left-aligned, numbers right-aligned. */
import { visibleWidth } from './style';

export interface Column {
  title: string;
  align: 'left' | 'right';
}

const pad = (s: string, width: number, align: Column['align']): string => {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(s)));
  return align === 'left' ? s + fill : fill + s;
};

/**
 * The table as lines: a header, a rule under it, then the rows; columns two spaces apart.
 * `styleHeader` may embolden the header (it must not change the visible width).
 */
export function renderTable(columns: Column[], rows: string[][], styleHeader: (s: string) => string = (s) => s): string[] {
  // A loop, not Math.max(...rows): a trace of 150,000 steps has that many rows, past the call stack.
  const widths = columns.map((c) => visibleWidth(c.title));
  for (const r of rows) for (let j = 0; j < columns.length; j++) widths[j] = Math.max(widths[j], visibleWidth(r[j] ?? ''));
  const line = (cells: string[]) =>
    cells
      .map((s, j) => pad(s, widths[j], columns[j].align))
      .join('  ')
      .trimEnd();
  return [
    styleHeader(line(columns.map((c) => c.title))),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
}
