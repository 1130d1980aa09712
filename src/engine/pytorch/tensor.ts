/** Raw tensors as read from a PyTorch or safetensors file, and the element types we accept. */
import { fail, TORCH_LIMITS } from './errors';

export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16';

/** A tensor from a file: its shape (any rank) and its values, widened to float64, row-major. */
export interface RawTensor {
  shape: number[];
  dtype: TorchDtype;
  data: Float64Array;
}

/** Keys in file order. */
export type StateDict = Map<string, RawTensor>;

export const DTYPE_BYTES: Record<TorchDtype, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };

/** The number of elements of a shape; fails past the limit, before anything is allocated. */
export function checkedSize(shape: number[], where: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`${where}: shape [${shape.join(', ')}] is not a list of sizes >= 0`);
    n *= d;
    if (n > TORCH_LIMITS.tensorElements) fail(`${where}: shape [${shape.join(', ')}] has more than ${TORCH_LIMITS.tensorElements} elements, the limit`);
  }
  return n;
}

/** Reads element `i` of a little-endian buffer of `dtype`, as a float64. */
export function reader(bytes: Uint8Array, dtype: TorchDtype): (i: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float64':
      return (i) => view.getFloat64(i * 8, true);
    case 'float32':
      return (i) => view.getFloat32(i * 4, true);
    case 'float16':
      return (i) => half(view.getUint16(i * 2, true));
    case 'bfloat16':
      // bfloat16 is the upper half of a float32.
      return (i) => {
        const f = new DataView(new ArrayBuffer(4));
        f.setUint32(0, view.getUint16(i * 2, true) << 16, true);
        return f.getFloat32(0, true);
      };
  }
}

/** IEEE 754 binary16 -> number. */
function half(u: number): number {
  const sign = u & 0x8000 ? -1 : 1;
  const exp = (u >> 10) & 0x1f;
  const frac = u & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Strict UTF-8 -> string (the engine has no TextDecoder: its lib is plain ES2022); null when malformed. */
export function utf8(b: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return null;
    let cp = n === 0 ? c : c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n === 2 && cp < 0x800) || (n === 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}
