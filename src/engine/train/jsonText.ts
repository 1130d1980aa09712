/**
 * JSON text for weights files: readable (a matrix row per line) and exact. Numbers are written as
 * String(v), the shortest text that parses back to the same float64, and -0 as "-0" (which
 * JSON.stringify would write as 0), so every value round-trips bit for bit.
 */

/** A JSON number; throws on NaN and ±Infinity, which JSON cannot hold. */
export function jsonNumber(v: number, where: string): string {
  if (!Number.isFinite(v)) throw new Error(`${where}: ${v} cannot be written to JSON`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Formats plain data (objects, arrays, numbers, strings, booleans, null) as indented JSON. */
export function formatJson(value: unknown, indent = '', where = '$'): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return jsonNumber(value, where);
  if (typeof value === 'string') return JSON.stringify(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'number' || typeof v === 'string'))
      return `[${value.map((v, i) => (typeof v === 'string' ? JSON.stringify(v) : jsonNumber(v as number, `${where}[${i}]`))).join(', ')}]`;
    return `[\n${value.map((v, i) => inner + formatJson(v, inner, `${where}[${i}]`)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner, `${where}.${k}`)}`).join(',\n')}\n${indent}}`;
  }
  throw new Error(`${where}: ${typeof value} cannot be written to JSON`);
}
