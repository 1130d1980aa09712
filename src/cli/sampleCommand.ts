/** `bptt sample SPEC --weights FILE [--prime TEXT] [--length N] [--temperature T] [--seed S]`: prints text. */
import { sample } from '../engine';
import type { CommandSpec, ParsedArgs } from './args';
import { CliError, EXIT, usageError } from './errors';
import type { Io } from './io';
import { loadSpecFile } from './specFile';
import { readWeightsFile } from './weightsFile';

export const sampleSpec: CommandSpec = {
  name: 'sample',
  summary: 'print text sampled from a trained char or token model',
  args: ['SPEC'],
  options: {
    weights: { type: 'string', value: 'FILE', description: 'the trained weights (required)' },
    prime: { type: 'string', value: 'TEXT', description: "start from TEXT (default: the data's first token)" },
    length: { type: 'string', value: 'N', description: 'tokens to generate after the prime (default 100)' },
    temperature: { type: 'string', value: 'T', description: '0 = greedy argmax, 1 = the model (default 1)' },
    seed: { type: 'string', value: 'S', description: 'random seed (default 1)' },
  },
  details: ['Prints the prime followed by the generated tokens (a char model joins them, a token model separates them by spaces).'],
};

/** The tokens one sample may generate: each is kept until the text is printed (10^12 hung, then ran out of memory). */
export const MAX_SAMPLE_LENGTH = 1_000_000;

function num(v: string | boolean | undefined, name: string, dflt: number, ok: (n: number) => boolean, what: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !ok(n)) throw usageError(`--${name}: expected ${what}, found ${String(v)}`, 'sample');
  return n;
}

export function runSampleCommand(args: ParsedArgs, io: Io): number {
  if (typeof args.values.weights !== 'string') throw usageError('missing --weights FILE', 'sample');
  const length = num(args.values.length, 'length', 100, (n) => Number.isInteger(n) && n >= 0 && n <= MAX_SAMPLE_LENGTH, `an integer in 0..${MAX_SAMPLE_LENGTH.toLocaleString('en-US')}`);
  const temperature = num(args.values.temperature, 'temperature', 1, (n) => Number.isFinite(n) && n >= 0, 'a number >= 0');
  const seed = num(args.values.seed, 'seed', 1, Number.isSafeInteger, 'an integer');
  const problem = loadSpecFile(args.positionals[0]);
  const weights = readWeightsFile(args.values.weights, problem);
  const prime = typeof args.values.prime === 'string' ? args.values.prime : undefined;
  try {
    io.out(sample(problem, weights.params, { prime, length, temperature, seed }) + '\n');
  } catch (err) {
    throw new CliError([`bptt sample: ${err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
  return EXIT.ok;
}
