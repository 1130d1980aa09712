/** Places in a spec's text: spans, a path -> span map, and offset -> line/column. */

/** A field's path in the spec, e.g. ['model', 'hidden'] or ['data', 'targets', 3]. */
export type Path = (string | number)[];

/** A stretch of the text, in UTF-16 code units (as editors count). */
export interface Span {
  offset: number;
  length: number;
}

/** A message about a place, before it becomes a Diagnostic. */
export interface Issue {
  severity: 'error' | 'warning';
  message: string;
  span: Span;
  path: Path;
  /** A summary standing for this many problems not described one by one (see validate.ts). */
  more?: number;
}

/** Where each value (and, for a field of a mapping, its key) sits in the text. */
export class SourceMap {
  private readonly values = new Map<string, Span>();
  private readonly keys = new Map<string, Span>();

  setValue(path: Path, span: Span): void {
    this.values.set(pathKey(path), span);
  }

  setKey(path: Path, span: Span): void {
    this.keys.set(pathKey(path), span);
  }

  /** The value's span; for a place without one (under an alias), the nearest enclosing value's. */
  value(path: Path): Span {
    for (let n = path.length; n >= 0; n--) {
      const s = this.values.get(pathKey(path.slice(0, n)));
      if (s) return s;
    }
    return { offset: 0, length: 0 };
  }

  /** The key's span for a field of a mapping; else the value's. */
  key(path: Path): Span {
    if (path.length === 0) return { offset: 0, length: 0 };
    return this.keys.get(pathKey(path)) ?? this.value(path);
  }

  hasKey(path: Path): boolean {
    return this.keys.has(pathKey(path));
  }
}

export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** "model.hidden", "data.targets[3]", "init.weights.W_hh[1]"; the root is "the spec". */
export function showPath(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s === '' ? 'the spec' : s;
}

/** Offsets to 1-based lines and columns. A line ends at "\n" (a "\r\n" counts once). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 };
  }

  clamp(span: Span): Span {
    const offset = Math.max(0, Math.min(span.offset, this.text.length));
    const length = Math.max(0, Math.min(span.length, this.text.length - offset));
    return { offset, length };
  }
}

/** Nesting deeper than this is refused (a spec needs at most 5 levels). */
export const MAX_DEPTH = 64;
/** Values produced by expanding YAML aliases, at most (a billion-laughs document hits this). */
export const MAX_ALIAS_NODES = 100_000;
/** YAML aliases (`*name`) in a spec, at most: a spec needs a few, a time bomb needs thousands. */
export const MAX_ALIASES = 1000;
/** Characters in a spec, at most (4 MiB): longer data belongs in data.file. Checked before parsing. */
export const MAX_SPEC_CHARS = 4 * 1024 * 1024;
/** Values (numbers, strings, ...) in a spec, at most; counted by a fast scan before parsing. */
export const MAX_SPEC_VALUES = 500_000;
/** Issues reported at most; beyond, one note says how many more there were. */
export const MAX_ISSUES = 100;

/** Sets obj[key] as an own property, even for "__proto__". */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What a parser gives: a plain JS value (null when there is nothing), spans, and its problems. */
export interface Parsed {
  value: unknown;
  /** True when the document has no content at all (only whitespace or comments). */
  empty: boolean;
  map: SourceMap;
  issues: Issue[];
}
