/** `bptt flow SPEC [--json] [--t N]`: gradient flow, ‖dL_t/dh_k‖ and ‖dh_t/dh_k‖ beside the notes' bound. */
import { cellInfo, flowMap, jacobianRow, recurrentSpectra, spectralIsEstimated, SPECTRAL_EXACT_MAX, type FlowMap, type JacobianRow, type Problem, type RecurrentSpectra } from '../engine';
import { formatNumber } from '../format';
import type { CommandSpec, ParsedArgs } from './args';
import { EXIT, usageError } from './errors';
import type { Io } from './io';
import { loadSpecFile } from './specFile';
import { renderTable } from './table';
import { jsonForTerminal } from './escape';
import { describeProblem } from './traceCommand';

export const flowSpec: CommandSpec = {
  name: 'flow',
  summary: 'measure gradient flow: ‖dL_t/dh_k‖ for every t, k and ‖dh_t/dh_k‖ beside its bound',
  args: ['SPEC'],
  options: {
    json: { type: 'boolean', description: 'print norms, jacobian, spectral_radius, spectral_norm, gate_path as JSON' },
    t: { type: 'string', value: 'N', description: 'the row t of the Jacobian norms ‖dh_t/dh_k‖ (default T)' },
    layer: { type: 'string', value: 'L', description: "a stacked model's layer whose h the norms are about, 1 = bottom (default the top)" },
  },
  details: [
    'norms[t-1][k-1] = ‖dL_t/dh_k‖_2 by full BPTT of L_t alone, for k <= t (null above the diagonal,',
    'and a row of null where L_t has no target). The Jacobian row gives ‖dh_t/dh_k‖_2 beside the',
    "notes' bound (γλ)^(t-k), λ = ‖W_hh‖_2 (gated cells: the recurrent matrices stacked). Long",
    'sequences are bounded (the most recent rows, a span back): the output says so under "bounded".',
  ],
};

/** The --t option: an integer in 1..T, else a usage error. */
function rowOf(value: string | boolean | undefined, T: number): number {
  if (value === undefined) return T;
  const t = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || t < 1 || t > T) throw usageError(`--t must be an integer in 1..${T}, got '${String(value)}'`, 'flow');
  return t;
}

/** An integer option in 1..max, else a usage error. */
function rangeOf(value: string | boolean, max: number, name: string): number {
  const v = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || v < 1 || v > max) throw usageError(`${name} must be an integer in 1..${max}, got '${String(value)}'`, 'flow');
  return v;
}

/** NaN (a Jacobian entry left out by the bound) as null. */
const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The JSON object: norms with exactly T rows (null for rows not computed under a bound). */
export function flowJson(problem: Problem, map: FlowMap, row: JacobianRow, spectra: RecurrentSpectra = recurrentSpectra(problem.config, problem.params), layer?: number): Record<string, unknown> {
  const norms: ((number | null)[] | null)[] = new Array(map.T).fill(null);
  map.rows.forEach((t, i) => (norms[t - 1] = map.norms[i]));
  return {
    ...(layer !== undefined ? { layer } : {}),
    T: map.T,
    norms,
    rows: map.rows,
    bounded: map.bounded,
    dropped: map.dropped,
    truncation_loss: map.truncationLoss,
    jacobian: { t: row.t, norms: row.norms.map(orNull), bound: row.bound, gamma: row.gamma, lambda: row.lambda, bounded: row.bounded },
    spectral_radius: orNull(spectra.radius),
    spectral_norm: spectra.norm,
    spectral_estimated: spectralIsEstimated(problem.config.H, problem.config.H),
    recurrent: spectra.perMatrix,
    gate_path: row.gatePath,
  };
}

export function runFlowCommand(args: ParsedArgs, io: Io): number {
  const problem = loadSpecFile(args.positionals[0]);
  const T = problem.sequence.inputs.length;
  const t = rowOf(args.values.t, T);
  const L = problem.config.layers ?? 1;
  // A stack: one layer's h, recurrent matrices and gate path (the top one unless --layer says).
  const layer = args.values.layer === undefined ? (L > 1 ? L : undefined) : rangeOf(args.values.layer, L, '--layer');
  const map = flowMap(problem, { layer });
  const row = jacobianRow(problem, t, { layer });
  const spectra = recurrentSpectra(problem.config, problem.params, layer); // once: O(H³) exact, or a bounded estimate above H = 320
  if (args.values.json) io.out(jsonForTerminal(flowJson(problem, map, row, spectra, layer)) + '\n');
  else io.out(flowReport(problem, map, row, io.style.bold, spectra, layer).join('\n') + '\n');
  return EXIT.ok;
}

/** The k shown in the table: all when t <= 40, else the 20 nearest t and 20 spread back to 1. */
function shownSteps(t: number): number[] {
  if (t <= 40) return Array.from({ length: t }, (_, i) => t - i);
  const near = Array.from({ length: 20 }, (_, i) => t - i);
  const far = Array.from({ length: 20 }, (_, i) => Math.round(t - 20 - ((t - 21) * (i + 1)) / 20));
  return [...new Set([...near, ...far])].filter((k) => k >= 1);
}

/** The readable summary: the Jacobian row beside its bound, and ‖dL_t/dh_k‖ along the last target row. */
export function flowReport(
  problem: Problem,
  map: FlowMap,
  row: JacobianRow,
  bold: (s: string) => string,
  spectra: RecurrentSpectra = recurrentSpectra(problem.config, problem.params),
  layer?: number,
): string[] {
  const whole = cellInfo(problem.config);
  const info = (layer !== undefined && whole.layers?.[layer - 1]) || whole;
  const path = info.path;
  const gated = path !== null;
  // A custom cell without an [H, H] recurrent matrix (IndRNN's u is a vector) has no λ, so no bound.
  const bounded = info.mainRecurrent !== '';
  const lastIdx = map.rows.map((t, i) => ({ t, i })).reverse().find(({ i }) => map.norms[i].some((v) => v !== null));
  const fmt = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '' : formatNumber(v));
  const tableRows: string[][] = [];
  for (const k of shownSteps(row.t)) {
    const cells = [String(k), fmt(row.norms[k - 1]), ...(bounded ? [fmt(row.bound[k - 1])] : [])];
    if (gated) cells.push(fmt(row.gatePath?.[k - 1]));
    if (lastIdx) cells.push(k <= lastIdx.t ? fmt(map.norms[lastIdx.i][k - 1]) : '');
    tableRows.push(cells);
  }
  const columns = [
    { title: 'k', align: 'right' as const },
    { title: `‖dh_${row.t}/dh_k‖`, align: 'right' as const },
    ...(bounded ? [{ title: '(γλ)^(t-k)', align: 'right' as const }] : []),
    ...(path ? [{ title: path.label, align: 'right' as const }] : []),
    ...(lastIdx ? [{ title: `‖dL_${lastIdx.t}/dh_k‖`, align: 'right' as const }] : []),
  ];
  const lines = [
    describeProblem(problem, map.T),
    '',
    `${layer !== undefined ? `${bold('layer')} ${layer}   ` : ''}${bounded ? `${bold('spectral radius')} ${formatNumber(spectra.radius)} (${info.mainRecurrent})   ${bold('λ')} ${formatNumber(row.lambda)}   ${bold('γ')} ${formatNumber(row.gamma)}   ${bold('γλ')} ${formatNumber(row.gamma * row.lambda)}` : 'no [H, H] recurrent matrix, so no bound (γλ)^(t-k)'}`,
    '',
    ...renderTable(columns, tableRows, bold),
  ];
  if (spectralIsEstimated(problem.config.H, problem.config.H))
    lines.push('', `Spectral radius and λ are Krylov estimates (80 vectors): the exact O(H³) methods run up to H = ${SPECTRAL_EXACT_MAX}`);
  if (row.bounded) lines.push('', `Jacobian row bounded: ${row.bounded}`);
  if (map.bounded) lines.push('', `Flow map bounded: ${map.bounded}`);
  if (map.truncationLoss) {
    const tl = map.truncationLoss;
    lines.push('', `${bold('truncation')} loses ${(100 * tl.share).toFixed(2)}% of the gradient's norm (‖g_full‖ ${formatNumber(tl.fullNorm)}, ‖g_truncated‖ ${formatNumber(tl.truncatedNorm)})`);
  }
  return lines;
}
