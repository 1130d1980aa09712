/** The stepper on trained weights: NAME.weights.json beside a spec, when it exists and is valid. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { parseWeights, type Problem } from '../../engine';
import { readBesideSpec } from '../namedFiles';
import { log } from '../output';
import { weightsPathFor } from './weightsPath';

/**
 * The spec's problem with the trained parameters of NAME.weights.json beside it, when that file
 * exists; an invalid file is reported (output channel, a warning, and the panel's header) and the
 * spec's init is used instead.
 */
export function withTrainedWeights(doc: vscode.TextDocument, problem: Problem): { problem: Problem; note: string | undefined } {
  if (doc.uri.scheme !== 'file') return { problem, note: undefined };
  const file = weightsPathFor(doc.uri.fsPath, problem.name);
  const name = path.basename(file);
  let text: string;
  try {
    text = readBesideSpec(file, doc.uri.fsPath); // a regular file inside the workspace, never a device or a FIFO
  } catch (e) {
    if ((e as { reason?: string }).reason === 'missing') return { problem, note: undefined }; // no weights: the spec's init
    const message = e instanceof Error ? e.message : String(e);
    log(`${name} is not read: ${message}; using the spec's init`);
    return { problem, note: `weights: spec init (${name} ${message})` };
  }
  try {
    const w = parseWeights(text, problem);
    return { problem: { ...problem, params: w.params }, note: `weights: ${name}${w.progress ? ` (epoch ${w.progress.epoch})` : ''}` };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log(`${name} is not valid weights for ${path.basename(doc.uri.fsPath)}: ${message}; using the spec's init`);
    void vscode.window.showWarningMessage(`BPTT: ${name} is not valid weights for this spec (${message}); the stepper uses the spec's init.`);
    return { problem, note: `weights: spec init (${name} is invalid: ${message})` };
  }
}
