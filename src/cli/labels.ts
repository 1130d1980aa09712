/** How a timestep's input and target read in a terminal: the token when known, else the vector. */
import type { Problem, Target } from '../engine';
import { jsonForTerminal } from './escape';

/** A number in at most 4 significant digits, without trailing zeros: 1, 0.5, -0.1235, 1.2e-7. */
const compact = (v: number): string => String(Number(v.toPrecision(4)));

/** A short vector: a scalar bare, one-hot as `one-hot[i]`, else compact entries, eliding past 6. */
export function showVector(v: ArrayLike<number>): string {
  const entries = Array.from(v);
  if (entries.length === 1) return compact(entries[0]);
  const ones = entries.filter((x) => x === 1).length;
  if (ones === 1 && entries.every((x) => x === 0 || x === 1)) return `one-hot[${entries.indexOf(1)}]`;
  const shown = entries.length <= 6 ? entries.map(compact) : [...entries.slice(0, 3).map(compact), '…', ...entries.slice(-2).map(compact)];
  return `[${shown.join(', ')}]`;
}

/** A token as typed: bare when it is plain, quoted (with escapes) when it has spaces or controls. */
export function showToken(s: string): string {
  return s === '' || /[\s\p{C}"]/u.test(s) ? jsonForTerminal(s) : s;
}

/** The input at timestep t (1-based). */
export function inputLabel(problem: Problem, t: number): string {
  const label = problem.sequence.inputLabels?.[t - 1];
  return label !== undefined ? showToken(label) : showVector(problem.sequence.inputs[t - 1]);
}

/** The target at timestep t (1-based), or '—' when the step has no loss. */
export function targetLabel(problem: Problem, t: number): string {
  const label = problem.sequence.targetLabels?.[t - 1];
  if (label !== undefined && label !== null) return showToken(label);
  const target: Target | null = problem.sequence.targets[t - 1];
  if (target === null) return '—';
  if (target.kind === 'class') {
    const token = problem.vocab?.vocab[target.index];
    return token !== undefined ? showToken(token) : `class ${target.index}`; // no vocabulary: the index
  }
  return showVector(target.values);
}
