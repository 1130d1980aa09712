/** `bptt trace SPEC [--json]`: the forward and backward pass, as the JSON contract or as a table. */
import { cellInfo, norm2, runTrace, traceJson, type Problem, type Trace } from '../engine';
import { formatNumber } from '../format';
import type { CommandSpec, ParsedArgs } from './args';
import { EXIT } from './errors';
import type { Io } from './io';
import { inputLabel, targetLabel } from './labels';
import { loadSpecFile } from './specFile';
import { renderTable } from './table';
import { readWeightsFile } from './weightsFile';

export const traceSpec: CommandSpec = {
  name: 'trace',
  summary: 'run the forward and backward pass through time and show every step',
  args: ['SPEC'],
  options: {
    json: { type: 'boolean', description: 'print the whole trace as one JSON object (loss, forward, backward, grads)' },
    weights: { type: 'string', value: 'FILE', description: 'trace with these weights: .json (written by bptt train), a PyTorch state_dict (.pt, .pth) or .safetensors' },
  },
  details: [
    'The table shows, per timestep t: the input, the target, the loss L_t, the norm of the hidden',
    'state ‖h_t‖ and of the gradient arriving at it ‖dL/dh_t‖; then the total loss and the norm',
    "of each parameter's gradient. With --json, t counts from 1 to T and numbers keep full precision.",
  ],
};

export function runTraceCommand(args: ParsedArgs, io: Io): number {
  const problem = loadSpecFile(args.positionals[0]);
  const trace = runTrace(problem, typeof args.values.weights === 'string' ? readWeightsFile(args.values.weights, problem).params : undefined);
  if (args.values.json) io.out(JSON.stringify(traceJson(trace)) + '\n');
  else io.out(traceReport(problem, trace, io.style.bold).join('\n') + '\n');
  return EXIT.ok;
}

/** A one-line description of the model: cell, sizes, output and loss, truncation. */
export function describeProblem(problem: Problem, T: number): string {
  const c = problem.config;
  const cell = cellInfo(c).label;
  const bptt = problem.bptt.truncate === 'none' ? 'full BPTT' : `truncated BPTT (${problem.bptt.truncate}, k=${problem.bptt.k})`;
  return `${problem.name}: ${cell}, D=${c.D} H=${c.H} K=${c.K}, T=${T}; ${c.output} output, ${c.loss} (${c.reduction}); ${bptt}`;
}

/** The readable report: header, the step table, the total loss, the gradient norms. */
export function traceReport(problem: Problem, trace: Trace, bold: (s: string) => string): string[] {
  const rows: string[][] = [];
  for (let t = 1; t <= trace.T; t++) {
    const f = trace.forward(t);
    const b = trace.backward(t);
    rows.push([String(t), inputLabel(problem, t), targetLabel(problem, t), formatNumber(f.loss), formatNumber(norm2(f.h)), formatNumber(norm2(b.dh))]);
  }
  const steps = renderTable(
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
  const grads = renderTable(
    [
      { title: 'parameter', align: 'left' },
      { title: 'shape', align: 'left' },
      { title: '‖dL/dθ‖', align: 'right' },
    ],
    Object.entries(trace.grads).map(([name, g]) => [name, `[${g.shape.join(',')}]`, formatNumber(norm2(g.data))]),
    bold,
  );
  return [describeProblem(problem, trace.T), '', ...steps, '', `${bold('loss')} ${formatNumber(trace.loss)}`, '', ...grads];
}
