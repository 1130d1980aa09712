/**
 * Reading a spec in the engine worker: its parse (files it names read by the safe reader, inside
 * the workspace, none in Restricted Mode), and the parameters its session traces (a launch's
 * weights file, else trained weights beside the spec, else the spec's init).
 */
import { resolve } from 'node:path';
import { weightsPathFor } from '../training/weightsPath';
import type { Diagnostic, Problem } from '../../engine';
import { loadSpec } from '../../engine/spec';
import { weightsReader } from '../../node/weightsReader';
import { readNamedBytesSync, readNamedTextSync, type SafeReadOptions } from '../../node/safeRead';
import { isWeightsError, weightsFromBytes } from '../../session/weights';
import type { SpecError } from '../../protocol';
import type { SpecText } from './messages';

/** A parse's errors as the panel shows them. */
export const specErrors = (diagnostics: Diagnostic[]): SpecError[] => diagnostics.filter((d) => d.severity === 'error').map((d) => ({ line: d.line, column: d.column, message: d.message }));

/** The safe reader's rules for files the spec names: inside the roots after symlinks, none when untrusted. */
function named(spec: SpecText): SafeReadOptions {
  if (spec.refuse) throw new Error(spec.refuse);
  if (!spec.dir) throw new Error('an untitled spec cannot refer to other files; save it first');
  return { baseDir: spec.dir, roots: spec.roots, rootsName: spec.rootsName };
}

export function load(spec: SpecText): { problem: Problem | null; diagnostics: Diagnostic[] } {
  try {
    return loadSpec(spec.text, {
      file: spec.file,
      format: spec.format,
      // data.file (a training corpus) is read as text beside the spec: data, never code.
      readFile: (rel: string) => readNamedTextSync(rel, named(spec)),
      // init.weights_file: bounded, inside the roots, read again only when it changed.
      readBytes: (rel: string) => {
        const o = named(spec);
        return weightsReader(o.baseDir as string, spec.roots)(rel);
      },
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { problem: null, diagnostics: [{ severity: 'error', message, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0, path: [] }] };
  }
}

/**
 * The parameters a session traces: a launch's weights file, else NAME.weights.json beside the spec
 * when it exists (trained weights), else the spec's init. An invalid file is a warning, not an error.
 */
export function withWeights(spec: SpecText, weights: string | undefined, problem: Problem): { problem: Problem; note?: string; warning?: string } {
  const dir = spec.dir;
  // SPEC.weights.json beside SPEC.rnn.yaml: from the file name, never from the spec's contents.
  const file = weights ? resolve(dir ?? '.', weights) : dir ? weightsPathFor(spec.file) : null;
  if (!file) return { problem };
  const name = file.replace(/^.*[\\/]/, '');
  let bytes: Uint8Array;
  try {
    // A regular file inside the roots, never a device or a FIFO; nothing in Restricted Mode.
    bytes = readNamedBytesSync(file, { ...named(spec), maxBytes: 256 * 1024 * 1024 });
  } catch (e) {
    if (weights) throw new Error(`cannot read the weights ${weights}: ${e instanceof Error ? e.message : String(e)}`);
    if ((e as { reason?: string }).reason === 'missing' || spec.refuse) return { problem }; // no trained weights: the spec's init
    return { problem, note: `weights: spec init (${name} ${e instanceof Error ? e.message : String(e)})` };
  }
  try {
    // Our JSON, or (a launch's weights) a PyTorch .pt/.pth or .safetensors file, as the CLI reads them.
    const { file: w, warnings } = weightsFromBytes(bytes, file, problem);
    const progress = w.progress ? ` (epoch ${w.progress.epoch})` : '';
    return { problem: { ...problem, params: w.params }, note: `weights: ${name}${progress}`, warning: warnings.length ? `${name}: ${warnings.join('; ')}` : undefined };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!isWeightsError(e)) throw e;
    if (weights) throw new Error(`${weights} is not valid weights for this spec: ${message}`);
    return { problem, note: `weights: spec init (${name} is invalid: ${message})`, warning: `${name} is not valid weights for this spec (${message}); the stepper uses the spec's init.` };
  }
}
