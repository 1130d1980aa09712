/** Collects issues at places of a parsed spec, for the semantic checks after the schema. */
import { showPath } from './source';
import type { Issue, Path, SourceMap, Span } from './source';

/** Limits checked before anything is allocated. */
export const LIMITS = {
  /** hidden, D and K at most. */
  dim: 65536,
  /** countParams(config) at most. */
  params: 50_000_000,
  /** T * H (hidden states to hold), and T * D, T * K (one-hot or target numbers), at most. */
  cells: 200_000_000,
  /** Characters of a data.file corpus at most (the file itself is at most 64 MiB). */
  corpus: 64 * 1024 * 1024,
} as const;

export type Obj = Record<string, unknown>;

export class Ctx {
  readonly issues: Issue[] = [];

  /** text: the spec's source, for places inside a value (an equation's line and column). */
  constructor(
    readonly map: SourceMap,
    readonly text = '',
  ) {}

  /** An error at a span of the text inside the value of `path`; the message gets the path in front. */
  errorAt(path: Path, span: Span, message: string): void {
    this.issues.push({ severity: 'error', message: `${showPath(path)}: ${message}`, span, path });
  }

  /** An error at the value of `path` ('value') or at its key ('key'); the message gets the path in front. */
  error(path: Path, message: string, at: 'value' | 'key' = 'value'): void {
    this.add('error', path, message, at);
  }

  warn(path: Path, message: string, at: 'value' | 'key' = 'key'): void {
    this.add('warning', path, message, at);
  }

  get failed(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }

  private add(severity: 'error' | 'warning', path: Path, message: string, at: 'value' | 'key'): void {
    const span = at === 'key' ? this.map.key(path) : this.map.value(path);
    this.issues.push({ severity, message: `${showPath(path)}: ${message}`, span, path });
  }
}

/** Whether the object has its own field `key` (not merely a default). */
export function has(obj: Obj | undefined, key: string): boolean {
  return obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== undefined;
}

/** A sub-object of the (schema-valid) spec, or an empty one. */
export function sub(obj: Obj, key: string): Obj {
  const v = has(obj, key) ? obj[key] : undefined;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** A field or its default. */
export function get<T>(obj: Obj, key: string, fallback: T): T {
  return has(obj, key) && obj[key] !== null ? (obj[key] as T) : fallback;
}
