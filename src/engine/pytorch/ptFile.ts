/** `.pt` / `.pth` files written by `torch.save(model.state_dict(), path)`: a zip of data.pkl and data/N storages. */
import { unzipSync } from 'fflate';
import { fail, TORCH_LIMITS, TorchFileError } from './errors';
import { unpickle, type PyTensor, type PyValue } from './pickle';
import { checkedSize, DTYPE_BYTES, reader, type StateDict } from './tensor';

/** Whether the bytes start like a zip archive. */
export const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Reads a state_dict from a torch.save zip. Nothing in the file is executed (see pickle.ts). */
export function readPt(bytes: Uint8Array): StateDict {
  if (!isZip(bytes)) {
    if (bytes.length >= 2 && bytes[0] === 0x80) fail('this is the legacy (pre-1.6) torch.save format; save it again with a current PyTorch (the zip format)');
    fail('not a PyTorch zip file (torch.save writes a zip whose first bytes are "PK")');
  }
  const files = unzip(bytes);
  const pkl = Object.keys(files).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) return fail('the zip has no data.pkl: not a file written by torch.save');
  const root = pkl.slice(0, -'data.pkl'.length);
  const top = unpickle(files[pkl]);
  const dict = asStateDict(top);
  const out: StateDict = new Map();
  let total = 0;
  for (const [k, v] of dict) {
    if (out.size >= TORCH_LIMITS.tensors) fail(`more than ${TORCH_LIMITS.tensors} tensors`);
    const t = v as PyTensor;
    const n = checkedSize(t.size, String(k));
    total += n;
    if (total > TORCH_LIMITS.totalElements) fail(`the tensors hold more than ${TORCH_LIMITS.totalElements} elements, the limit`);
    const storage = files[`${root}data/${t.storage.key}`];
    if (!storage) fail(`${k}: its storage data/${t.storage.key} is missing from the zip`);
    const item = DTYPE_BYTES[t.storage.dtype];
    const elements = Math.floor(storage.length / item);
    // The furthest element the view reaches must lie inside the storage.
    const last = t.offset + t.size.reduce((a, d, i) => a + (d > 0 ? (d - 1) * t.stride[i] : 0), 0);
    if (n > 0 && last >= elements) fail(`${k}: shape [${t.size.join(', ')}] reaches element ${last}, but its storage holds ${elements} ${t.storage.dtype} values`);
    const get = reader(storage, t.storage.dtype);
    const data = new Float64Array(n);
    const idx = new Array<number>(t.size.length).fill(0);
    for (let i = 0; i < n; i++) {
      let e = t.offset;
      for (let d = 0; d < idx.length; d++) e += idx[d] * t.stride[d];
      data[i] = get(e);
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < t.size[d]) break;
        idx[d] = 0;
      }
    }
    out.set(String(k), { shape: t.size.slice(), dtype: t.storage.dtype, data });
  }
  return out;
}

/** The zip's data.pkl and storages, each bounded by its declared size before it is inflated. */
function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  let budget = TORCH_LIMITS.totalElements * 8 + TORCH_LIMITS.header;
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        if (!/^[^/]+\/(data\.pkl|data\/\w+)$/.test(f.name)) return false;
        const cap = f.name.endsWith('data.pkl') ? TORCH_LIMITS.header : TORCH_LIMITS.tensorElements * 8;
        if (f.originalSize > cap) fail(`${f.name} is ${f.originalSize} bytes, more than the limit of ${cap}`);
        budget -= f.originalSize;
        if (budget < 0) fail('the zip holds more data than the limit');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof TorchFileError) throw e;
    return fail(`the zip cannot be read (${e instanceof Error ? e.message : String(e)}): truncated or damaged?`);
  }
}

function asStateDict(top: PyValue): Map<string | number, PyValue> {
  if (typeof top !== 'object' || top === null || Array.isArray(top) || top.kind !== 'dict')
    return fail('data.pkl does not hold a dict of tensors; save model.state_dict(), not the model');
  for (const [k, v] of top.entries) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v.kind !== 'tensor') {
      const what = typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict' ? 'a dict (a checkpoint holding several things?)' : 'not a tensor';
      fail(`"${k}" is ${what}; save model.state_dict() itself`);
    }
  }
  return top.entries;
}
