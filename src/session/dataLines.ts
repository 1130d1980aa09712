/**
 * Which line of the spec holds each timestep's data, for the debugger's stack frame and its
 * breakpoints on data lines. data.inputs (and data.targets) and data.tokens give a place per
 * step; data.text and data.file are one value, so every step's data is on its line.
 */
import { parseJsonc } from '../engine/spec/jsonc';
import { parseYaml } from '../engine/spec/yaml';
import { LineIndex, type Path } from '../engine/spec/source';

export interface DataLines {
  /** The 1-based line of step t's data: lineOf[t - 1]. */
  lineOf: Int32Array;
  /** With data.inputs: the line of step t's target (data.targets[t - 1]), else null. */
  targetLineOf: Int32Array | null;
  /** The line of the `data` field itself (where a frame points when a step has no line of its own). */
  dataLine: number;
}

/** Lines of each step's data in a spec's text; T is the trace's length. */
export function dataLines(text: string, format: 'yaml' | 'json', T: number): DataLines {
  const parsed = format === 'json' ? parseJsonc(text) : parseYaml(text);
  const lines = new LineIndex(text);
  const lineAt = (path: Path, key = false): number => lines.position((key ? parsed.map.key(path) : parsed.map.value(path)).offset).line;
  const data = (parsed.value as Record<string, unknown> | null)?.data as Record<string, unknown> | undefined;
  const dataLine = data ? lineAt(['data'], true) : 1;
  const lineOf = new Int32Array(T).fill(dataLine);
  if (!data || typeof data !== 'object') return { lineOf, targetLineOf: null, dataLine };
  const own = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k);
  const each = (field: string, into: Int32Array): void => {
    const list = data[field];
    if (!Array.isArray(list)) return;
    for (let t = 1; t <= Math.min(T, list.length); t++) into[t - 1] = lineAt(['data', field, t - 1]);
  };
  let targetLineOf: Int32Array | null = null;
  if (own('inputs')) {
    each('inputs', lineOf);
    if (Array.isArray(data.targets)) each('targets', (targetLineOf = new Int32Array(T)));
  } else if (own('tokens')) each('tokens', lineOf);
  else if (own('text')) lineOf.fill(lineAt(['data', 'text']));
  else if (own('file')) lineOf.fill(lineAt(['data', 'file']));
  return { lineOf, targetLineOf, dataLine };
}

/** The steps whose data is on a line (ascending). */
export function stepsOnLine(d: DataLines, line: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < d.lineOf.length; i++) if (d.lineOf[i] === line || d.targetLineOf?.[i] === line) out.push(i + 1);
  return out;
}
