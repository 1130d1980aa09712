/**
 * The spec loader: YAML or JSON-with-comments text -> a Problem, or diagnostics at their places.
 * Pure TypeScript (no vscode, no DOM, no node:), and it never throws.
 */
import type { Diagnostic, Problem } from '../types';
import { Ctx } from './context';
import { parseJsonc } from './jsonc';
import { resolve } from './resolve';
import { LineIndex, MAX_ISSUES, showPath } from './source';
import type { Issue, Parsed } from './source';
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

export interface LoadResult {
  problem: Problem | null;
  diagnostics: Diagnostic[];
}

/** Parses, validates and resolves a spec. `problem` is non-null exactly when no diagnostic is an error. */
export function loadSpec(text: string, opts: LoadOptions = {}): LoadResult {
  const lines = new LineIndex(typeof text === 'string' ? text : '');
  try {
    const { problem, issues } = load(typeof text === 'string' ? text : '', opts);
    const diagnostics = toDiagnostics(issues, lines, opts.file);
    const failed = diagnostics.some((d) => d.severity === 'error');
    return { problem: failed ? null : problem, diagnostics: problem === null && !failed ? [...diagnostics, fallback(opts.file)] : diagnostics };
  } catch (e) {
    // A bug, not a property of the input: still a diagnostic, never an exception for the caller.
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { problem: null, diagnostics: [{ ...fallback(opts.file), message: `internal error in the spec loader (${what}); please report it` }] };
  }
}

function load(text: string, opts: LoadOptions): { problem: Problem | null; issues: Issue[] } {
  const format = opts.format ?? (opts.file && /\.json$/i.test(opts.file) ? 'json' : 'yaml');
  const parsed: Parsed = format === 'json' ? parseJsonc(text) : parseYaml(text);
  const issues = parsed.issues;
  const at0 = { offset: 0, length: 0 };
  if (issues.some((i) => i.severity === 'error')) return { problem: null, issues };
  if (parsed.empty || parsed.value === null) {
    const message = parsed.empty
      ? 'the spec is empty: it needs at least model (cell and hidden) and data (text, tokens, inputs or file)'
      : 'the spec is empty (null): it needs at least model (cell and hidden) and data (text, tokens, inputs or file)';
    issues.push({ severity: 'error', message, span: at0, path: [] });
    return { problem: null, issues };
  }
  const value = parsed.value;
  if (typeof value !== 'object' || Array.isArray(value)) {
    const message = `a spec is a mapping of fields (model, data, ...), found ${describeValue(value)}`;
    issues.push({ severity: 'error', message, span: parsed.map.value([]), path: [] });
    return { problem: null, issues };
  }
  const finite: Issue[] = [];
  checkFinite(value, parsed.map, finite);
  issues.push(...finite, ...validate(value, parsed.map, new Set(finite.map((i) => pathKey(i.path)))));
  if (issues.some((i) => i.severity === 'error')) return { problem: null, issues };
  const ctx = new Ctx(parsed.map);
  const problem = resolve(value as Record<string, unknown>, ctx, opts);
  issues.push(...ctx.issues);
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
  for (const issue of sorted) {
    const span = lines.clamp(issue.span);
    const key = `${span.offset}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length === MAX_ISSUES) {
      const rest = sorted.length - seen.size + 1;
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
