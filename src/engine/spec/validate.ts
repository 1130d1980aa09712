/** Schema validation (ajv, allErrors) with ajv's errors turned into one human message per place. */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../../media/spec.schema.json';
import { describeExpected, describeValue } from './describe';
import type { SchemaLike } from './describe';
import { didYouMean } from './suggest';
import { pathKey, showPath } from './source';
import type { Issue, Path, SourceMap } from './source';

let compiled: ValidateFunction | null = null;

/**
 * Places formatted one by one; past this, the rest are only counted (a spec with 200,000 bad
 * values spent seconds writing messages nobody reads: the diagnostics show MAX_ISSUES).
 */
export const MAX_FORMATTED = 1000;

function validator(): ValidateFunction {
  if (!compiled) compiled = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  return compiled;
}

/** The spec's JSON Schema (for the field names of a place). */
export const SPEC_SCHEMA = schema as unknown as Record<string, unknown>;

/** Numbers must be finite: YAML's .inf and .nan, or JSON's 1e400, are errors at their place. */
export function checkFinite(value: unknown, map: SourceMap, issues: Issue[]): void {
  const visit = (v: unknown, path: Path): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      issues.push({ severity: 'error', message: `${showPath(path)}: expected a finite number, found ${describeValue(v)}`, span: map.value(path), path });
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], [...path, k]);
  };
  visit(value, []);
}

/** Validates against the schema; returns issues, at most one per place, never raw ajv wording. */
export function validate(value: unknown, map: SourceMap, already: ReadonlySet<string>): Issue[] {
  const validateFn = validator();
  if (validateFn(value)) return [];
  const byPlace = new Map<string, { rank: number; issue: Issue }>();
  const missing = new Map<string, { path: Path; names: string[] }>();
  /** JSON pointers formatted, and those past MAX_FORMATTED only counted. */
  const formatted = new Set<string>();
  const unformatted = new Set<string>();
  for (const err of validateFn.errors ?? []) {
    // A missing field is always said (cheap, and often the real problem); the rest up to the cap.
    if (err.keyword !== 'required') {
      if (formatted.size >= MAX_FORMATTED && !formatted.has(err.instancePath)) {
        unformatted.add(err.instancePath);
        continue;
      }
      formatted.add(err.instancePath);
    }
    const path = toPath(value, err.instancePath);
    if (already.has(pathKey(path))) continue;
    if (err.keyword === 'required') {
      const name = String((err.params as { missingProperty: string }).missingProperty);
      const key = pathKey(path);
      const entry = missing.get(key) ?? { path, names: [] };
      if (!entry.names.includes(name)) entry.names.push(name);
      missing.set(key, entry);
      continue;
    }
    const made = describe(err, path, value, map);
    if (!made) continue;
    const place = pathKey(made.issue.path) + (err.keyword === 'additionalProperties' ? ':key' : '');
    const prev = byPlace.get(place);
    if (!prev || made.rank < prev.rank) byPlace.set(place, made);
  }
  const issues = [...byPlace.values()].map((x) => x.issue);
  for (const { path, names } of missing.values()) {
    const list = names.map((n) => `'${n}'`).join(' and ');
    const what = `missing required field${names.length > 1 ? 's' : ''} ${list}`;
    issues.push({ severity: 'error', message: path.length === 0 ? `the spec is ${what}` : `${showPath(path)}: ${what}`, span: map.key(path), path });
  }
  if (unformatted.size > 0) {
    const first = toPath(value, unformatted.values().next().value as string);
    const n = unformatted.size;
    const message = `... and ${n.toLocaleString('en-US')} more place${n === 1 ? '' : 's'} the schema rejects, from ${showPath(first)} on (not described one by one); fix the ones above first`;
    issues.push({ severity: 'error', message, span: map.value(first), path: first, more: n });
  }
  return issues;
}

function describe(err: ErrorObject, path: Path, root: unknown, map: SourceMap): { rank: number; issue: Issue } | null {
  const parent = (err.parentSchema ?? {}) as SchemaLike & { properties?: Record<string, unknown> };
  const where = showPath(path);
  switch (err.keyword) {
    case 'additionalProperties': {
      const name = String((err.params as { additionalProperty: string }).additionalProperty);
      const valid = Object.keys(parent.properties ?? {});
      const hint = didYouMean(name, valid) || (valid.length > 0 ? `; the fields here are ${valid.join(', ')}` : '');
      const inWhat = path.length === 0 ? 'at the top level' : `in ${where}`;
      const keyPath = [...path, name];
      return { rank: 0, issue: { severity: 'error', message: `unknown field '${name}' ${inWhat}${hint}`, span: map.key(keyPath), path: keyPath } };
    }
    case 'enum': {
      const options = (err.schema as unknown[]).map(String);
      const found = err.data;
      const message =
        typeof found === 'string'
          ? `${where}: '${found}' is not one of ${options.join(' | ')}${didYouMean(found, options)}`
          : `${where}: expected one of ${options.join(' | ')}, found ${describeValue(found)}`;
      return { rank: 1, issue: { severity: 'error', message, span: map.value(path), path } };
    }
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'minItems':
    case 'maxItems':
    case 'maxLength': {
      const message = `${where}: expected ${describeExpected(parent)}, found ${describeValue(valueAt(root, path))}`;
      return { rank: err.keyword === 'type' ? 0 : 2, issue: { severity: 'error', message, span: map.value(path), path } };
    }
    default: {
      const message = `${where}: expected ${describeExpected(parent)}, found ${describeValue(valueAt(root, path))}`;
      return { rank: 3, issue: { severity: 'error', message, span: map.value(path), path } };
    }
  }
}

/** A JSON pointer as a path: array indices become numbers. */
function toPath(root: unknown, pointer: string): Path {
  const path: Path = [];
  if (pointer === '') return path;
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      path.push(i);
      cur = cur[i];
    } else {
      path.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

export function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, p) ? (cur as Record<string | number, unknown>)[p] : undefined;
  }
  return cur;
}
