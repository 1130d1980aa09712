/**
 * The spec loader: YAML or JSON-with-comments text -> a Problem, or diagnostics at their places.
 * Pure TypeScript (no vscode, no DOM, no node:), and it never throws.
 */
import type { Diagnostic, Problem } from '../types';
import { Ctx, sub } from './context';
import { parseJsonc } from './jsonc';
import { resolve } from './resolve';
import { LineIndex, MAX_ISSUES, MAX_SPEC_CHARS, showPath } from './source';
import type { Issue, Parsed, SourceMap } from './source';
import { checkFinite, validate } from './validate';
import { parseYaml } from './yaml';
import { describeValue } from './describe';
import { pathKey } from './source';

export interface LoadOptions {
  /** Shown in diagnostics; its extension picks the format (.json -> JSON with comments, else YAML). */
  file?: string;
  /** Overrides the extension. */
  format?: 'yaml' | 'json';
  /** Reads data.file relative to the spec; may throw (-> a diagnostic at data.file). */
  readFile?: (relPath: string) => string;
  /** Reads init.weights_file (binary) relative to the spec; may throw (-> a diagnostic at the field). */
  readBytes?: (relPath: string) => Uint8Array;
}

/** loadSpecAsync's options: the reader of named files is asynchronous (see src/node/safeRead.ts). */
export interface LoadAsyncOptions extends Omit<LoadOptions, 'readFile'> {
  /** Reads data.file relative to the spec; may reject (-> a diagnostic at data.file). */
  readFile?: (relPath: string) => Promise<string>;
}

export interface LoadResult {
  problem: Problem | null;
  diagnostics: Diagnostic[];
}

/** A spec after parsing and the schema: either finished (errors) or a value ready to resolve. */
type Stage = { done: true; problem: null; issues: Issue[] } | { done: false; value: Record<string, unknown>; map: SourceMap; text: string; issues: Issue[] };

/** Parses, validates and resolves a spec. `problem` is non-null exactly when no diagnostic is an error. */
export function loadSpec(text: string, opts: LoadOptions = {}): LoadResult {
  return guarded(text, opts.file, (t) => {
    const stage = prepare(t, opts);
    return stage.done ? stage : finish(stage, opts.file, opts.readFile, opts.readBytes);
  });
}

/**
 * loadSpec with an asynchronous reader: the files the spec names (data.file) are read first,
 * each at most once, then the spec resolves with their text (or their error at their field).
 */
export async function loadSpecAsync(text: string, opts: LoadAsyncOptions = {}): Promise<LoadResult> {
  let stage: Stage | null = null;
  const early = guarded(text, opts.file, (t) => (stage = prepare(t, opts)));
  const ready = stage as Stage | null;
  if (!ready || ready.done) return early;
  const read = new Map<string, { text?: string; error?: unknown }>();
  for (const rel of namedFiles(ready.value)) {
    if (read.has(rel) || !opts.readFile) continue;
    try {
      read.set(rel, { text: await opts.readFile(rel) });
    } catch (error) {
      read.set(rel, { error });
    }
  }
  const readFile = opts.readFile
    ? (rel: string): string => {
        const got = read.get(rel);
        if (!got || got.error !== undefined) throw got?.error ?? new Error('not read');
        return got.text as string;
      }
    : undefined;
  return guarded(text, opts.file, () => finish(ready, opts.file, readFile, opts.readBytes));
}

/** The files a (schema-valid) spec names, relative to the spec: data.file. */
export function namedFiles(spec: Record<string, unknown>): string[] {
  const file = sub(spec, 'data').file;
  return typeof file === 'string' ? [file] : [];
}

/** Runs a stage of loading; its issues become diagnostics, and an exception one diagnostic at 1:1. */
function guarded(rawText: string, file: string | undefined, run: (text: string) => { problem?: Problem | null; issues: Issue[] }): LoadResult {
  const raw = typeof rawText === 'string' ? rawText : '';
  if (raw.length > MAX_SPEC_CHARS) {
    const message = `the spec has ${raw.length.toLocaleString('en-US')} characters, above the limit of ${MAX_SPEC_CHARS.toLocaleString('en-US')} (4 MiB); put long data in a file (data.file)`;
    return { problem: null, diagnostics: [{ ...fallback(file), message }] };
  }
  const text = normalize(raw);
  const lines = new LineIndex(text);
  try {
    const { problem = null, issues } = run(text);
    const diagnostics = toDiagnostics(issues, lines, file);
    const failed = diagnostics.some((d) => d.severity === 'error');
    return { problem: failed ? null : problem, diagnostics: problem === null && !failed ? [...diagnostics, fallback(file)] : diagnostics };
  } catch (e) {
    // A bug, not a property of the input: still a diagnostic, never an exception for the caller.
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { problem: null, diagnostics: [{ ...fallback(file), message: `internal error in the spec loader (${what}); please report it` }] };
  }
}

/** Line ends, keeping every offset: a lone CR (old Mac line ends) is a line break in YAML 1.2 but not to the parser. */
const normalize = (text: string): string => (text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);

/** Parsing and the schema: stops with the issues when there is an error. */
function prepare(text: string, opts: { file?: string; format?: 'yaml' | 'json' }): Stage {
  const format = opts.format ?? (opts.file && /\.json$/i.test(opts.file) ? 'json' : 'yaml');
  // A byte-order mark before JSON becomes a space (same offsets); yaml skips it by itself.
  const parsed: Parsed = format === 'json' ? parseJsonc(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text) : parseYaml(text);
  const issues = parsed.issues;
  const at0 = { offset: 0, length: 0 };
  if (issues.some((i) => i.severity === 'error')) return { done: true, problem: null, issues };
  if (parsed.empty || parsed.value === null) {
    const message = parsed.empty
      ? 'the spec is empty: it needs at least model (cell and hidden) and data (text, tokens, inputs or file)'
      : 'the spec is empty (null): it needs at least model (cell and hidden) and data (text, tokens, inputs or file)';
    issues.push({ severity: 'error', message, span: at0, path: [] });
    return { done: true, problem: null, issues };
  }
  const value = parsed.value;
  if (typeof value !== 'object' || Array.isArray(value)) {
    const message = `a spec is a mapping of fields (model, data, ...), found ${describeValue(value)}`;
    issues.push({ severity: 'error', message, span: parsed.map.value([]), path: [] });
    return { done: true, problem: null, issues };
  }
  const finite: Issue[] = [];
  checkFinite(value, parsed.map, finite);
  const schema = validate(value, parsed.map, new Set(finite.map((i) => pathKey(i.path))));
  // Loops, not push(...list): a spec with 200,000 bad values has that many issues.
  for (const i of finite) issues.push(i);
  for (const i of schema) issues.push(i);
  if (issues.some((i) => i.severity === 'error')) return { done: true, problem: null, issues };
  return { done: false, value: value as Record<string, unknown>, map: parsed.map, text, issues };
}

/** Semantic checks, sizes and parameters: the Problem. */
function finish(
  stage: Extract<Stage, { done: false }>,
  file: string | undefined,
  readFile: ((rel: string) => string) | undefined,
  readBytes: LoadOptions['readBytes'],
): { problem: Problem | null; issues: Issue[] } {
  const ctx = new Ctx(stage.map, stage.text);
  const problem = resolve(stage.value, ctx, { file, readFile, readBytes });
  const issues = stage.issues.slice();
  for (const i of ctx.issues) issues.push(i);
  return { problem, issues };
}

function fallback(file: string | undefined): Diagnostic {
  return { severity: 'error', message: 'the spec could not be loaded', file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0, path: [] };
}

/** Issues -> Diagnostics: positions, one per place and message, sorted, at most MAX_ISSUES. */
function toDiagnostics(issues: Issue[], lines: LineIndex, file: string | undefined): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  const sorted = issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => a.issue.span.offset - b.issue.span.offset || a.i - b.i)
    .map((x) => x.issue);
  for (let i = 0; i < sorted.length; i++) {
    const issue = sorted[i];
    const span = lines.clamp(issue.span);
    const key = `${span.offset}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length === MAX_ISSUES) {
      // A summary issue (validate's "and N more") counts as the N problems it stands for.
      let rest = 0;
      for (let j = i; j < sorted.length; j++) rest += sorted[j].more ?? 1;
      out.push(make({ ...issue, message: `... and more problems (${rest} not shown); fix the ones above first` }, span, lines, file));
      break;
    }
    out.push(make(issue, span, lines, file));
  }
  return out;
}

function make(issue: Issue, span: { offset: number; length: number }, lines: LineIndex, file: string | undefined): Diagnostic {
  const start = lines.position(span.offset);
  const end = lines.position(span.offset + span.length);
  const d: Diagnostic = {
    severity: issue.severity,
    message: issue.message || `${showPath(issue.path)}: not valid here`,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    offset: span.offset,
    length: span.length,
    path: issue.path,
  };
  if (file !== undefined) d.file = file;
  return d;
}

/** "FILE:LINE:COL: message" ("<spec>" when there is no file). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file ?? '<spec>'}:${d.line}:${d.column}: ${d.message}`;
}
