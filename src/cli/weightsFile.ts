/** Weights files on disk for the CLI: the default path beside the spec, atomic writes, validated reads. */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Problem } from '../engine';
import { parseWeights, WeightsError, type WeightsFile } from '../engine';
import { writeAtomic as writeAtomicFile } from '../node/atomicWrite';
import { CliError, EXIT } from './errors';

/** SPEC.rnn.yaml -> NAME.weights.json in the spec's directory (NAME = the spec's name). */
export function defaultWeightsPath(specPath: string, problem: Problem): string {
  const stem = problem.name || basename(specPath).replace(/(\.rnn)?\.(ya?ml|json)$/i, '');
  return join(dirname(specPath), `${stem}.weights.json`);
}

/** Writes the weights atomically (see src/node/atomicWrite.ts); a failure is a CliError naming the file. */
export function writeAtomic(path: string, text: string): void {
  try {
    writeAtomicFile(path, text);
  } catch (err) {
    throw new CliError([`${path}: cannot write the weights: ${err instanceof Error ? err.message : String(err)}`], EXIT.failed);
  }
}

/** Reads and validates a weights file against the spec's model; errors name the file. */
export function readWeightsFile(path: string, problem: Problem): WeightsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError([`${path}: cannot read the weights: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
  try {
    return parseWeights(text, problem);
  } catch (err) {
    if (err instanceof WeightsError) throw new CliError([`${path}: ${err.message}`], EXIT.usage);
    throw err;
  }
}
