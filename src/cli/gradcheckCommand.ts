/** `bptt gradcheck SPEC [--json]`: BPTT's gradients against central finite differences. */
import { gradcheck, type GradcheckResult } from '../engine';
import type { CommandSpec, ParsedArgs } from './args';
import { EXIT } from './errors';
import type { Io } from './io';
import { loadSpecFile } from './specFile';
import { renderTable } from './table';
import { escapeControls, jsonForTerminal } from './escape';

/** A parameter passes when its largest relative error is at most this. */
export const GRADCHECK_THRESHOLD = 1e-6;

export const gradcheckSpec: CommandSpec = {
  name: 'gradcheck',
  summary: 'compare BPTT gradients with central finite differences, per parameter',
  args: ['SPEC'],
  options: {
    json: { type: 'boolean', description: 'print the results as JSON' },
  },
  details: [
    `Prints the largest relative error per parameter, PASS at or below ${GRADCHECK_THRESHOLD.toExponential()}, FAIL above.`,
    'The relative error is |a - n| / max(|a|, |n|, floor), the floor set by the finite difference\'s',
    'rounding noise (about 4·ε·|L| / step, over the threshold), so tiny entries count absolutely.',
    'Exit status 1 when any parameter fails. With truncated BPTT the check differentiates the',
    'truncated objective, the one BPTT computes the gradient of.',
  ],
};

const passes = (r: GradcheckResult): boolean => r.maxRelError <= GRADCHECK_THRESHOLD; // NaN fails

export function runGradcheckCommand(args: ParsedArgs, io: Io): number {
  const problem = loadSpecFile(args.positionals[0]);
  const results = gradcheck(problem, { tolerance: GRADCHECK_THRESHOLD });
  const pass = results.every(passes);
  if (args.values.json) {
    const out = { name: problem.name, threshold: GRADCHECK_THRESHOLD, pass, results: results.map((r) => ({ ...r, pass: passes(r) })) };
    io.out(jsonForTerminal(out) + '\n');
  } else {
    const s = io.style;
    const e = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
    const rows = results.map((r) => [
      r.name,
      e(r.maxRelError),
      `[${r.index.join(',')}]`,
      r.analytic.toExponential(6),
      r.numeric.toExponential(6),
      String(r.checked),
      passes(r) ? s.green('PASS') : s.red('FAIL'),
    ]);
    const table = renderTable(
      [
        { title: 'parameter', align: 'left' },
        { title: 'max rel error', align: 'right' },
        { title: 'at', align: 'left' },
        { title: 'analytic', align: 'right' },
        { title: 'numeric', align: 'right' },
        { title: 'checked', align: 'right' },
        { title: 'result', align: 'left' },
      ],
      rows,
      s.bold,
    );
    const failed = results.filter((r) => !passes(r)).length;
    const summary = pass
      ? `${escapeControls(problem.name)}: all ${results.length} parameters PASS (max relative error ≤ ${GRADCHECK_THRESHOLD.toExponential()})`
      : `${escapeControls(problem.name)}: ${failed} of ${results.length} parameters FAIL (max relative error > ${GRADCHECK_THRESHOLD.toExponential()})`;
    io.out([...table, '', summary].join('\n') + '\n');
  }
  return pass ? EXIT.ok : EXIT.failed;
}
