/** Text from a spec or a file on its way to a terminal: control characters escaped, never raw. */

/**
 * Escapes C0 and C1 control characters (ESC, BEL, CR, ...) and DEL as \xNN (\n, \t, \r as such),
 * so a name or key in a spec cannot move the cursor, recolour or retitle the terminal.
 * Line breaks are kept when `keepNewlines` (a message of several lines).
 */
export function escapeControls(s: string, keepNewlines = false): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return keepNewlines ? c : '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/**
 * JSON text safe for a terminal: JSON.stringify already escapes C0 controls in strings; DEL and
 * the C1 controls (U+007F..U+009F, CSI among them) it leaves raw, so they become \u00XX here.
 */
export function jsonForTerminal(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value).replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
