/** `bptt bench [--json FILE] [--runs N]`: the benchmark suite (medians, beside PyTorch in the same run). */
import { packageRoot, runBench } from '../bench/run';
import type { CommandSpec, ParsedArgs } from './args';
import { EXIT, usageError } from './errors';
import type { Io } from './io';

export const benchSpec: CommandSpec = {
  name: 'bench',
  summary: 'run the benchmark suite and print medians beside PyTorch on CPU',
  args: [],
  options: {
    json: { type: 'string', value: 'FILE', description: 'also write the results as JSON to FILE' },
    runs: { type: 'string', value: 'N', description: 'timed runs per configuration after a warm-up (default 7)' },
    kernels: { type: 'string', value: 'auto|simd|js', description: 'js: our side on the JavaScript kernels only; simd: WebAssembly without fused multiply-adds (default auto: relaxed SIMD where Node has it)' },
  },
  details: [
    'Each configuration is timed N times after a warm-up; the median is printed. PyTorch (CPU, one',
    'thread, float64 and float32) runs the same configurations in the same run when /usr/bin/python3',
    'can import torch, written two ways (a Python loop over the cell, and the nn module over the whole',
    'sequence); the ratio ours / the faster PyTorch float64 is printed beside each. A training line',
    'gives tokens per second for a char model beside the same PyTorch training loop.',
  ],
};

/** More timed runs than this is a typo (each configuration takes up to seconds a run). */
const MAX_RUNS = 1000;

export function runBenchCommand(args: ParsedArgs, io: Io): number {
  const runs = args.values.runs === undefined ? 7 : Number(args.values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw usageError(`--runs: expected an integer in 1..${MAX_RUNS}, found ${String(args.values.runs)}`, 'bench');
  const json = typeof args.values.json === 'string' ? args.values.json : undefined;
  const kernels = args.values.kernels ?? 'auto';
  if (kernels !== 'auto' && kernels !== 'simd' && kernels !== 'js') throw usageError(`--kernels: expected auto, simd or js, found ${String(kernels)}`, 'bench');
  runBench({ reps: runs, json, kernels, root: packageRoot(__dirname), log: (line) => io.out(`${line}\n`) });
  return EXIT.ok;
}
