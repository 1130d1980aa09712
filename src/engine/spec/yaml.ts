/** YAML text -> a plain JS value, the span of every value and key, and positioned problems. */
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import { MAX_ALIAS_NODES, MAX_DEPTH, SourceMap, setOwn } from './source';
import type { Issue, Parsed, Path, Span } from './source';

class Stop extends Error {}

export function parseYaml(text: string): Parsed {
  const map = new SourceMap();
  const issues: Issue[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    issues.push({ severity: 'error', message: tooDeep(), span: { offset: 0, length: 0 }, path: [] });
    return { value: null, empty: false, map, issues };
  }
  for (const e of doc.errors) issues.push(yamlIssue(text, e, 'error'));
  for (const w of doc.warnings) issues.push(yamlIssue(text, w, 'warning'));
  if (doc.errors.length > 0) return { value: null, empty: false, map, issues };
  if (doc.contents === null || doc.contents === undefined) return { value: null, empty: true, map, issues };
  const walker = new Walker(doc, map, issues);
  try {
    return { value: walker.walk(doc.contents, [], 0, false), empty: false, map, issues };
  } catch (e) {
    if (e instanceof Stop) return { value: null, empty: false, map, issues };
    if (e instanceof RangeError) {
      issues.push({ severity: 'error', message: tooDeep(), span: { offset: 0, length: 0 }, path: [] });
      return { value: null, empty: false, map, issues };
    }
    throw e;
  }
}

function tooDeep(): string {
  return `the spec is nested too deeply to read (a spec needs at most a few levels; the limit is ${MAX_DEPTH})`;
}

function yamlIssue(text: string, e: YAMLError, severity: 'error' | 'warning'): Issue {
  const [start, end] = e.pos;
  const span: Span = { offset: start, length: Math.max(0, end - start) };
  let message: string;
  switch (e.code) {
    case 'DUPLICATE_KEY': {
      const key = (/^("[^"\n]*"|'[^'\n]*'|[^:\r\n,{}[\]]*)/.exec(text.slice(start, start + 200))?.[1] ?? '').trim().replace(/^["']|["']$/g, '');
      if (key) span.length = Math.max(span.length, key.length);
      message = key ? `duplicate key '${key}': it is already set above in the same mapping` : 'duplicate key: it is already set above in the same mapping';
      break;
    }
    case 'MULTIPLE_DOCS':
      message = 'a spec is one YAML document: remove the second document (after "---")';
      break;
    case 'RESOURCE_EXHAUSTION':
      message = tooDeep();
      break;
    default:
      message = `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${e.message.replace(/\s+/g, ' ').trim()}`;
  }
  return { severity, message, span, path: [] };
}

function spanOf(node: { range?: [number, number, number] | null }): Span | null {
  const r = node.range;
  return r ? { offset: r[0], length: Math.max(0, r[1] - r[0]) } : null;
}

class Walker {
  private aliasNodes = 0;
  private readonly active = new Set<unknown>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly map: SourceMap,
    private readonly issues: Issue[],
  ) {}

  private fail(message: string, span: Span | null, path: Path): never {
    this.issues.push({ severity: 'error', message, span: span ?? this.map.value(path), path });
    throw new Stop();
  }

  /** `viaAlias`: the node is reached through an alias, so its spans are not this place's. */
  walk(node: unknown, path: Path, depth: number, viaAlias: boolean): unknown {
    const span = node && typeof node === 'object' ? spanOf(node as { range?: [number, number, number] }) : null;
    if (depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep; a spec needs only a few levels`, span, path);
    if (viaAlias && ++this.aliasNodes > MAX_ALIAS_NODES)
      this.fail(`aliases expand to more than ${MAX_ALIAS_NODES} values; a spec does not need that many (is it a "billion laughs" document?)`, null, path);
    if (span && !viaAlias) this.map.setValue(path, span);
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) this.fail(`unknown alias *${node.source}`, span, path);
      if (this.active.has(target)) this.fail(`alias *${node.source} refers to itself`, span, path);
      return this.walk(target, path, depth + 1, true);
    }
    if (isScalar(node)) return scalarValue(node.value);
    if (isSeq(node)) {
      this.active.add(node);
      const out = node.items.map((item, i) => this.walk(item, [...path, i], depth + 1, viaAlias));
      this.active.delete(node);
      return out;
    }
    if (isMap(node)) {
      this.active.add(node);
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = pair.key;
        if (key !== null && !isScalar(key)) this.fail('a key must be a plain name, not a list, mapping or alias', spanOf(key as never), path);
        const name = key === null ? '' : String(scalarValue(key.value) ?? '');
        const keyPath = [...path, name];
        const keySpan = key ? spanOf(key) : null;
        if (keySpan && !viaAlias) this.map.setKey(keyPath, keySpan);
        if (pair.value === null || pair.value === undefined) {
          if (keySpan && !viaAlias) this.map.setValue(keyPath, keySpan);
          setOwn(out, name, null);
        } else setOwn(out, name, this.walk(pair.value, keyPath, depth + 1, viaAlias));
      }
      this.active.delete(node);
      return out;
    }
    // A pair on its own or anything else the parser may hand out: nothing a spec uses.
    return null;
  }
}

/** Scalars as JSON-like values: strings, numbers (maybe not finite: checked later), booleans, null. */
function scalarValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}
