/** `bptt trace SPEC [--json]`: the forward and backward pass, as the JSON contract or as a table. */
import { backwardJson, cellInfo, forwardJson, norm2, paramsJson, runTrace, type Problem, type Trace } from '../engine';
import { formatNumber } from '../format';
import type { CommandSpec, ParsedArgs } from './args';
import { CliError, EXIT } from './errors';
import type { Io } from './io';
import { inputLabel, targetLabel } from './labels';
import { loadSpecFile } from './specFile';
import { renderTable } from './table';
import { readWeightsFile } from './weightsFile';
import { escapeControls, jsonForTerminal } from './escape';
import { describeNonFinite, firstNonFinite, type NonFiniteAt } from './nonFinite';

/** The step table shows every step up to this T; beyond, the first and last TABLE_EDGE steps. */
export const TABLE_FULL_T = 10_000;
const TABLE_EDGE = 50;

export const traceSpec: CommandSpec = {
  name: 'trace',
  summary: 'run the forward and backward pass through time and show every step',
  args: ['SPEC'],
  options: {
    json: { type: 'boolean', description: 'print the whole trace as one JSON object (loss, forward, backward, grads, nonfinite)' },
    weights: { type: 'string', value: 'FILE', description: 'trace with these weights: .json (written by bptt train), a PyTorch state_dict (.pt, .pth) or .safetensors' },
  },
  details: [
    'The table shows, per timestep t: the input, the target, the loss L_t, the norm of the hidden',
    'state ‖h_t‖ and of the gradient arriving at it ‖dL/dh_t‖; then the total loss and the norm',
    "of each parameter's gradient. With --json, t counts from 1 to T and numbers keep full precision.",
    `Above T = ${TABLE_FULL_T.toLocaleString('en-US')} the table shows the first and last ${TABLE_EDGE} steps (--json has them all).`,
    'A NaN or infinity anywhere: the first one (where the passes computed it) is named on stderr',
    'and in the JSON as "nonfinite" (null when every value is finite), and the exit status is 1.',
  ],
};

export async function runTraceCommand(args: ParsedArgs, io: Io): Promise<number> {
  const problem = loadSpecFile(args.positionals[0]);
  const params = typeof args.values.weights === 'string' ? readWeightsFile(args.values.weights, problem).params : undefined;
  let trace: Trace;
  try {
    trace = runTrace(problem, params);
  } catch (err) {
    // A size the trace refuses (window truncation past its memory limit): the spec's problem, not ours.
    if (err instanceof RangeError) throw new CliError([`bptt trace: ${args.positionals[0]}: ${err.message}`], EXIT.usage);
    throw err;
  }
  const bad = firstNonFinite(trace);
  if (args.values.json) await writeTraceJson(trace, bad, io);
  else io.out(traceReport(problem, trace, io.style.bold).join('\n') + '\n');
  if (bad) {
    io.err(`bptt trace: the first non-finite value: ${describeNonFinite(bad)}; every value computed from it is non-finite too${args.values.json ? ' (JSON writes them as null)' : ''}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

/**
 * The JSON contract, written a piece at a time (a record per step, in chunks of ~1 MB, waiting for
 * stdout to drain): one string of a long trace would pass V8's string limit and hold it all twice.
 */
async function writeTraceJson(trace: Trace, bad: NonFiniteAt | null, io: Io): Promise<void> {
  let buf = `{"loss":${jsonForTerminal(trace.loss)},"forward":[`;
  const flush = async (force = false): Promise<void> => {
    if (!force && buf.length < 1 << 20) return;
    io.out(buf);
    buf = '';
    await io.drain?.();
  };
  for (let t = 1; t <= trace.T; t++) {
    buf += (t > 1 ? ',' : '') + jsonForTerminal(forwardJson(trace, t));
    await flush();
  }
  buf += '],"backward":[';
  for (let t = 1; t <= trace.T; t++) {
    buf += (t > 1 ? ',' : '') + jsonForTerminal(backwardJson(trace, t));
    await flush();
  }
  buf += `],"grads":${jsonForTerminal(paramsJson(trace.grads))},"nonfinite":${jsonForTerminal(bad)}}\n`;
  await flush(true);
}

/** A one-line description of the model: cell, sizes, output and loss, truncation. */
export function describeProblem(problem: Problem, T: number): string {
  const c = problem.config;
  const cell = cellInfo(c).label;
  const bptt = problem.bptt.truncate === 'none' ? 'full BPTT' : `truncated BPTT (${problem.bptt.truncate}, k=${problem.bptt.k})`;
  return `${escapeControls(problem.name)}: ${cell}, D=${c.D} H=${c.H} K=${c.K}, T=${T}; ${c.output} output, ${c.loss} (${c.reduction}); ${bptt}`;
}

/** The steps the table shows: all up to TABLE_FULL_T, else the first and last TABLE_EDGE. */
function shownSteps(T: number): number[] {
  if (T <= TABLE_FULL_T) return Array.from({ length: T }, (_, i) => i + 1);
  return [...Array.from({ length: TABLE_EDGE }, (_, i) => i + 1), ...Array.from({ length: TABLE_EDGE }, (_, i) => T - TABLE_EDGE + 1 + i)];
}

/** The readable report: header, the step table, the total loss, the gradient norms. */
export function traceReport(problem: Problem, trace: Trace, bold: (s: string) => string): string[] {
  const rows: string[][] = [];
  const steps = shownSteps(trace.T);
  for (const t of steps) {
    const f = trace.forward(t);
    const b = trace.backward(t);
    rows.push([String(t), inputLabel(problem, t), targetLabel(problem, t), formatNumber(f.loss), formatNumber(norm2(f.h)), formatNumber(norm2(b.dh))]);
  }
  const table = renderTable(
    [
      { title: 't', align: 'right' },
      { title: 'input', align: 'left' },
      { title: 'target', align: 'left' },
      { title: 'L_t', align: 'right' },
      { title: '‖h_t‖', align: 'right' },
      { title: '‖dL/dh_t‖', align: 'right' },
    ],
    rows,
    bold,
  );
  if (trace.T > TABLE_FULL_T) table.splice(2 + TABLE_EDGE, 0, `  … ${(trace.T - 2 * TABLE_EDGE).toLocaleString('en-US')} steps not shown (--json has every step)`);
  const grads = renderTable(
    [
      { title: 'parameter', align: 'left' },
      { title: 'shape', align: 'left' },
      { title: '‖dL/dθ‖', align: 'right' },
    ],
    Object.entries(trace.grads).map(([name, g]) => [name, `[${g.shape.join(',')}]`, formatNumber(norm2(g.data))]),
    bold,
  );
  return [describeProblem(problem, trace.T), '', ...table, '', `${bold('loss')} ${formatNumber(trace.loss)}`, '', ...grads];
}
