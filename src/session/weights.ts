/**
 * A weights file's bytes as a problem's parameters, whatever its format: our JSON (written by
 * `bptt train`), a PyTorch state_dict (.pt/.pth, read by the restricted reader: nothing in it runs)
 * or .safetensors. One function for the CLI, `bptt dap` and the extension's worker.
 */
import { cloneParams, parseWeights, WeightsError, type Problem, type WeightsFile } from '../engine';
import { readStateDict, torchToParams, TorchFileError, weightsFormat } from '../engine/pytorch';
import { utf8 } from '../engine/pytorch/tensor';

export { TorchFileError } from '../engine/pytorch';
export { WeightsError } from '../engine';

/**
 * Reads a weights file's bytes against a problem's model. PyTorch and safetensors files give
 * parameters only (nothing to resume); parameters they lack keep the spec's values. Throws
 * WeightsError or TorchFileError with what does not fit.
 */
export function weightsFromBytes(bytes: Uint8Array, path: string, problem: Problem): { file: WeightsFile; warnings: string[] } {
  const format = weightsFormat(path) ?? 'json';
  if (format === 'json') {
    const text = utf8(bytes);
    if (text === null) throw new WeightsError('not UTF-8 text (a .json weights file is written by bptt train)');
    return { file: parseWeights(text, problem), warnings: [] };
  }
  const found = torchToParams(readStateDict(bytes, path), { config: problem.config, layers: problem.config.layers ?? 1, embedding: problem.config.embedding ?? null }, problem.pytorch);
  const params = cloneParams(problem.params);
  for (const [name, t] of Object.entries(found.params)) {
    if (!params[name]) throw new TorchFileError(`holds ${name}, which this model has no place for`);
    params[name].data.set(t.data);
  }
  return { file: { spec: '', params, optimizer: null, progress: null, train: null }, warnings: found.warnings };
}

/** Whether an error is a weights file's own fault (shown with the file's name), not a bug. */
export const isWeightsError = (e: unknown): e is Error => e instanceof WeightsError || e instanceof TorchFileError;
