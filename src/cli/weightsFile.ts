/** Weights files on disk for the CLI: the default path beside the spec, atomic writes, validated reads. */
import { basename, dirname, join } from 'node:path';
import type { Problem, WeightsFile } from '../engine';
import { isWeightsError, weightsFromBytes } from '../session/weights';
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

/** Writes a file atomically (see src/node/atomicWrite.ts); a failure is a CliError naming the file, what it is and why. */
export function writeAtomic(path: string, text: string, what = 'the weights'): void {
  try {
    writeAtomicFile(path, text);
  } catch (err) {
    throw new CliError([`${path}: cannot write ${what}: ${writeFailure(err)}`], EXIT.failed);
  }
}

/** Why a write failed, in words for the common cases (the rename's EISDIR said "illegal operation on a directory, rename 'OUT.tmp-PID' -> 'OUT'"). */
function writeFailure(err: unknown): string {
  switch ((err as NodeJS.ErrnoException)?.code) {
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'its folder does not exist';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err instanceof Error ? err.message : String(err);
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
  let bytes: Uint8Array;
  try {
    bytes = readBoundedSync(path);
  } catch (err) {
    throw new CliError([`${path}: cannot read the weights: ${err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
  try {
    const { file, warnings } = weightsFromBytes(bytes, path, problem);
    for (const w of warnings) warn(`${path}: warning: ${w}`);
    return file;
  } catch (err) {
    if (isWeightsError(err)) throw new CliError([`${path}: ${err.message}`], EXIT.usage);
    throw err;
  }
}
