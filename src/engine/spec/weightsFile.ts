/** init.weights_file: starting weights from our JSON, a PyTorch state_dict (.pt/.pth) or .safetensors. */
import { readStateDict, torchToParams, TorchFileError, weightsFormat, type TorchPrefixes } from '../pytorch';
import { parseWeights, WeightsError } from '../train/weights';
import type { ModelConfig, Params, Problem, VocabInfo } from '../types';
import type { Ctx, Obj } from './context';
import { utf8 } from '../pytorch/tensor';

/** Reads a file named in the spec, relative to the spec; may throw (-> a diagnostic at the field). */
export type ReadBytes = (relPath: string) => Uint8Array;

const PATH = ['init', 'weights_file'];

/** The parameters a weights file gives, by our names (or null after an error at init.weights_file). */
export function readWeightsFileParams(init: Obj, config: ModelConfig, vocab: VocabInfo | null, params: Params, ctx: Ctx, readBytes: ReadBytes | undefined): Params | null {
  const file = init.weights_file as string;
  const format = weightsFormat(file);
  if (!format) {
    ctx.error(PATH, `'${file}': expected our .json weights, a PyTorch .pt / .pth state_dict or a .safetensors file`);
    return null;
  }
  if (!readBytes) {
    ctx.error(PATH, `cannot read '${file}': files cannot be read here`);
    return null;
  }
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file);
  } catch (e) {
    ctx.error(PATH, `cannot read '${file}': ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  try {
    if (format === 'json') {
      const text = utf8(bytes);
      if (text === null) throw new WeightsError('not UTF-8 text');
      // parseWeights checks the config and the vocabulary, the parts of a Problem it reads.
      return parseWeights(text, { config, vocab, params } as unknown as Problem).params;
    }
    const init_ = init.pytorch as TorchPrefixes | undefined;
    const { params: found, warnings } = torchToParams(readStateDict(bytes, file), { config, layers: config.layers ?? 1, embedding: config.embedding ?? null }, init_ ?? {});
    for (const w of warnings) ctx.warn(PATH, `'${file}': ${w}`, 'value');
    const unknown = Object.keys(found).filter((k) => !(k in params));
    if (unknown.length) {
      ctx.error(PATH, `'${file}' holds ${unknown.join(', ')}, which this model has no place for`);
      return null;
    }
    return found;
  } catch (e) {
    if (e instanceof TorchFileError || e instanceof WeightsError) {
      ctx.error(PATH, `'${file}': ${e.message}`);
      return null;
    }
    throw e;
  }
}
