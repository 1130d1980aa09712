/** Errors and size bounds shared by the PyTorch and safetensors readers. */

/** A weights file that cannot be read or does not fit the model; the message names the place. */
export class TorchFileError extends Error {
  override name = 'TorchFileError';
}

export const fail = (msg: string): never => {
  throw new TorchFileError(msg);
};

/** Bounds checked before anything is allocated. */
export const TORCH_LIMITS = {
  /** Elements in one tensor (16M float64 = 128 MB). */
  tensorElements: 16_000_000,
  /** Elements in all tensors together. */
  totalElements: 32_000_000,
  /** Tensors in one file. */
  tensors: 10_000,
  /** Bytes of the pickle (data.pkl) or the safetensors JSON header. */
  header: 16_000_000,
  /** Pickle opcodes executed, stack depth and memo entries. */
  opcodes: 5_000_000,
  stack: 100_000,
};
