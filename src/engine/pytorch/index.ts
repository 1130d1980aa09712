/** Reading PyTorch (.pt/.pth) and safetensors weights and mapping them onto a model's parameters. */
import { fail } from './errors';
import { isZip, readPt } from './ptFile';
import { readSafetensors } from './safetensors';
import type { StateDict } from './tensor';

export { TorchFileError, TORCH_LIMITS } from './errors';
export { findTorchModel, type TorchModel, type TorchPrefixes } from './find';
export { layerName, torchToParams, type TorchParams, type TorchTarget } from './mapping';
export { specFromStateDict } from './importSpec';
export { unpickle } from './pickle';
export { readPt } from './ptFile';
export { readSafetensors } from './safetensors';
export type { RawTensor, StateDict, TorchDtype } from './tensor';

/** The weights formats by file name: ours (.json), PyTorch's (.pt, .pth), safetensors. */
export type WeightsFormat = 'json' | 'pytorch' | 'safetensors';

export function weightsFormat(file: string): WeightsFormat | null {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.pth?$/i.test(file)) return 'pytorch';
  if (/\.safetensors$/i.test(file)) return 'safetensors';
  return null;
}

/** Reads a state_dict from a .pt/.pth zip or a .safetensors file (chosen by content, then by name). */
export function readStateDict(bytes: Uint8Array, file: string): StateDict {
  if (isZip(bytes)) return readPt(bytes);
  const f = weightsFormat(file);
  if (f === 'pytorch') return readPt(bytes);
  if (f === 'safetensors') return readSafetensors(bytes);
  return fail(`${file}: not a PyTorch (.pt, .pth) or .safetensors file`);
}
