/** `.safetensors`: an 8-byte little-endian header length, a JSON header, then little-endian tensor data. */
import { fail, TORCH_LIMITS } from './errors';
import { checkedSize, DTYPE_BYTES, reader, utf8, type StateDict, type TorchDtype } from './tensor';

const DTYPES: Record<string, TorchDtype> = { F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16' };

export function readSafetensors(bytes: Uint8Array): StateDict {
  if (bytes.length < 8) fail(`a safetensors file starts with an 8-byte header length; this one has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > TORCH_LIMITS.header) fail(`the header is ${n} bytes, more than the limit of ${TORCH_LIMITS.header}`);
  if (8 + n > bytes.length) fail(`the header claims ${n} bytes, but the file has ${bytes.length - 8} after the length: truncated?`);
  const text = utf8(bytes.subarray(8, 8 + n));
  if (text === null) fail('the header is not UTF-8');
  let header: unknown;
  try {
    header = JSON.parse(text as string);
  } catch (e) {
    return fail(`the header is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('the header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const out: StateDict = new Map();
  let total = 0;
  for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
    if (k === '__metadata__') continue;
    if (out.size >= TORCH_LIMITS.tensors) fail(`more than ${TORCH_LIMITS.tensors} tensors`);
    const info = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info !== 'object' || info === null) fail(`${k}: not a tensor entry`);
    const dtype = DTYPES[String(info.dtype)];
    if (!dtype) fail(`${k}: dtype ${JSON.stringify(info.dtype)} is not read (only F32, F64, F16, BF16)`);
    if (!Array.isArray(info.shape)) fail(`${k}: "shape" is not a list`);
    const shape = info.shape as number[];
    const size = checkedSize(shape, k);
    total += size;
    if (total > TORCH_LIMITS.totalElements) fail(`the tensors hold more than ${TORCH_LIMITS.totalElements} elements, the limit`);
    const off = info.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isSafeInteger(x) && x >= 0)) return fail(`${k}: "data_offsets" should be two integers >= 0`);
    const [begin, end] = off as number[];
    const bytesNeeded = size * DTYPE_BYTES[dtype];
    if (end - begin !== bytesNeeded) fail(`${k}: shape [${shape.join(', ')}] of ${dtype} needs ${bytesNeeded} bytes, but data_offsets span ${end - begin}`);
    if (end > data.length) fail(`${k}: data_offsets end at ${end}, past the ${data.length} bytes of data: truncated?`);
    const get = reader(data.subarray(begin, end), dtype);
    const values = new Float64Array(size);
    for (let i = 0; i < size; i++) values[i] = get(i);
    out.set(k, { shape: shape.slice(), dtype, data: values });
  }
  return out;
}
