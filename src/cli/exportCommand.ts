/** `bptt export SPEC [--weights FILE] --pytorch OUT.py`: the model, weights and data as a runnable PyTorch script. */
import { basename } from 'node:path';
import { pytorchScript } from '../engine/export';
import type { CommandSpec, ParsedArgs } from './args';
import { EXIT, usageError } from './errors';
import type { Io } from './io';
import { loadSpecFile } from './specFile';
import { readWeightsFile, writeAtomic } from './weightsFile';

export const exportSpec: CommandSpec = {
  name: 'export',
  summary: 'write the model, its weights and data as a runnable PyTorch script',
  args: ['SPEC'],
  options: {
    pytorch: { type: 'string', value: 'OUT.py', description: 'the script to write (- for standard output)' },
    weights: { type: 'string', value: 'FILE', description: "the weights to export (.json, .pt, .pth, .safetensors; default: the spec's)" },
  },
  details: [
    'The script uses nn.RNN, nn.LSTM or nn.GRU where one computes exactly this cell, and writes the',
    "notes' variants step by step. Run with python3 (PyTorch 1.12 or later), it prints",
    '{"loss", "grads"} as JSON in our parameter names, equal to `bptt trace SPEC --json` to 1e-9.',
  ],
};

export function runExportCommand(args: ParsedArgs, io: Io): number {
  const out = args.values.pytorch;
  if (typeof out !== 'string') throw usageError('missing --pytorch OUT.py (the script to write)', 'export');
  const specPath = args.positionals[0];
  const problem = loadSpecFile(specPath);
  const params = typeof args.values.weights === 'string' ? readWeightsFile(args.values.weights, problem).params : problem.params;
  const text = pytorchScript(problem, params, basename(specPath));
  if (out === '-') io.out(text);
  else {
    writeAtomic(out, text, 'the script');
    io.err(`${problem.name}: PyTorch script written to ${out} (run: python3 ${out})\n`);
  }
  return EXIT.ok;
}
