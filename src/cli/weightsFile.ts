/** Weights files on disk for the CLI: the default path beside the spec, atomic writes, validated reads. */
import { basename, dirname, join } from 'node:path';
import type { Problem } from '../engine';
import { cloneParams, parseWeights, WeightsError, type WeightsFile } from '../engine';
import { readStateDict, torchToParams, TorchFileError, weightsFormat } from '../engine/pytorch';
import { utf8 } from '../engine/pytorch/tensor';
import { writeAtomic as writeAtomicFile } from '../node/atomicWrite';
import { MAX_WEIGHTS_BYTES, readBoundedSync } from '../node/readBounded';
import { readNamedTextSync } from '../node/safeRead';
import { CliError, EXIT } from './errors';

/**
 * SPEC.rnn.yaml -> SPEC.weights.json in the spec's folder. From the spec's file name only, never
 * from its contents: `name: ../../ESCAPED` in a spec must not choose where files are written.
 */
export function defaultWeightsPath(specPath: string): string {
  const stem = basename(specPath).replace(/(\.rnn)?\.(ya?ml|json)$/i, '') || 'spec';
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

/** A JSON weights file's text (to resume from), by the safe reader; a CliError naming the file. */
export function readWeightsText(path: string): string {
  try {
    // A regular file under the cap (a symlink to /dev/zero in a cloned repository is refused).
    return readNamedTextSync(path, { baseDir: process.cwd(), maxBytes: MAX_WEIGHTS_BYTES });
  } catch (err) {
    throw new CliError([`${path}: cannot read the weights: ${err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
}

/**
 * Reads and validates a weights file against the spec's model; errors name the file. Our .json,
 * a PyTorch state_dict (.pt/.pth) or .safetensors (those two give parameters only: nothing to
 * resume; parameters they lack, such as an absent output layer, keep the spec's values).
 */
export function readWeightsFile(path: string, problem: Problem, warn: (line: string) => void = (l) => process.stderr.write(l + '\n')): WeightsFile {
  const format = weightsFormat(path) ?? 'json';
  let bytes: Uint8Array;
  try {
    bytes = readBoundedSync(path);
  } catch (err) {
    throw new CliError([`${path}: cannot read the weights: ${err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
  try {
    if (format === 'json') {
      const text = utf8(bytes);
      if (text === null) throw new WeightsError('not UTF-8 text (a .json weights file is written by bptt train)');
      return parseWeights(text, problem);
    }
    const found = torchToParams(readStateDict(bytes, path), { config: problem.config, layers: problem.config.layers ?? 1, embedding: problem.config.embedding ?? null }, problem.pytorch);
    for (const w of found.warnings) warn(`${path}: warning: ${w}`);
    const params = cloneParams(problem.params);
    for (const [name, t] of Object.entries(found.params)) {
      if (!params[name]) throw new TorchFileError(`holds ${name}, which this model has no place for`);
      params[name].data.set(t.data);
    }
    return { spec: '', params, optimizer: null, progress: null, train: null };
  } catch (err) {
    if (err instanceof WeightsError || err instanceof TorchFileError) throw new CliError([`${path}: ${err.message}`], EXIT.usage);
    throw err;
  }
}
