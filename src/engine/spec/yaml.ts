/** YAML text -> a plain JS value, the span of every value and key, and positioned problems. */
import { isAlias, isMap, isScalar, isSeq, Lexer, parseDocument, visit } from 'yaml';
import type { Alias, Document, YAMLError } from 'yaml';
import { MAX_ALIAS_NODES, MAX_ALIASES, MAX_DEPTH, MAX_SPEC_VALUES, SourceMap, setOwn } from './source';
import type { Issue, Parsed, Path, Span } from './source';

class Stop extends Error {}

export function parseYaml(text: string): Parsed {
  const map = new SourceMap();
  const issues: Issue[] = [];
  const tooMany = prescan(text);
  if (tooMany) {
    issues.push(tooMany);
    return { value: null, empty: false, map, issues };
  }
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
  try {
    const walker = new Walker(doc, map, issues);
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

/** Lexer token markers that stand for no source text (yaml's CST: doc mode, flow end, scalar). */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/**
 * One pass of yaml's lexer (fast, and before the much slower parser): more values than
 * MAX_SPEC_VALUES, or more aliases than MAX_ALIASES, is an issue at the first one past the limit.
 */
function prescan(text: string): Issue | null {
  let offset = 0;
  let values = 0;
  let aliases = 0;
  for (const tok of new Lexer().lex(text)) {
    if (MARKERS.has(tok)) {
      if (tok === '\x1f') values++;
      continue;
    }
    const c = tok.charCodeAt(0);
    if (c === 0x22 || c === 0x27 || c === 0x7c || c === 0x3e) values++; // " ' | >
    else if (c === 0x2a && ++aliases > MAX_ALIASES) {
      const message = `more than ${MAX_ALIASES} aliases (*name) in the spec; a spec needs only a few, so this one is refused`;
      return { severity: 'error', message, span: { offset, length: tok.length }, path: [] };
    }
    if (values > MAX_SPEC_VALUES) {
      const message = `the spec has more than ${MAX_SPEC_VALUES.toLocaleString('en-US')} values, the limit; put long data in a file (data.file)`;
      return { severity: 'error', message, span: { offset, length: tok.length }, path: [] };
    }
    offset += tok.length;
  }
  return null;
}

/** Each alias's target: the last node before it with its anchor (as YAML defines), in one pass. */
function aliasTargets(doc: Document.Parsed): Map<Alias, unknown> {
  const latest = new Map<string, unknown>();
  const targets = new Map<Alias, unknown>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (node.anchor) latest.set(node.anchor, node);
    },
  });
  return targets;
}

function tooDeep(): string {
  return `the spec is nested too deeply to read (a spec needs at most a few levels; the limit is ${MAX_DEPTH})`;
}

/**
 * The innermost `[` or `{` still open at `before` (its offset), or null. yaml reports an unclosed
 * flow collection where the next key starts, lines below the bracket the user must close.
 */
export function unclosedFlowStart(text: string, before: number): { offset: number; open: string } | null {
  const stack: { offset: number; open: string }[] = [];
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (offset >= before) break;
    if (MARKERS.has(tok)) continue;
    if (tok === '[' || tok === '{') stack.push({ offset, open: tok });
    else if ((tok === ']' || tok === '}') && stack.length) stack.pop();
    offset += tok.length;
  }
  return stack.length ? stack[stack.length - 1] : null;
}

/** 1-based line of an offset. */
const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

function yamlIssue(text: string, e: YAMLError, severity: 'error' | 'warning'): Issue {
  const [start, end] = e.pos;
  const span: Span = { offset: start, length: Math.max(0, end - start) };
  let message: string;
  const flowEnd = severity === 'error' && /end with an? [\]}]/.test(e.message) ? unclosedFlowStart(text, start) : null;
  if (flowEnd) {
    const close = flowEnd.open === '[' ? ']' : '}';
    const what = flowEnd.open === '[' ? 'list' : 'mapping';
    const at = lineAt(text, start);
    const next = start >= text.length ? 'the end of the spec' : `line ${at}`;
    return { severity, message: `YAML syntax error: this '${flowEnd.open}' is never closed: expected '${close}' to end the ${what} before ${next}`, span: { offset: flowEnd.offset, length: 1 }, path: [] };
  }
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
  // yaml's Alias.resolve scans the whole document each time: quadratic over many aliases.
  private readonly targets: Map<Alias, unknown>;

  constructor(
    doc: Document.Parsed,
    private readonly map: SourceMap,
    private readonly issues: Issue[],
  ) {
    this.targets = aliasTargets(doc);
  }

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
      const target = this.targets.get(node);
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
