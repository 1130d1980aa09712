/**
 * The few globals a state_dict may name (collections.OrderedDict, torch._utils._rebuild_tensor_v2,
 * the float storages) and what "calling" them builds: an empty dict, a tensor record, a storage
 * record. Every other global is refused by name; nothing is ever executed.
 */
import { fail } from './errors';
import type { TorchDtype } from './tensor';
import { isTuple, type PyGlobal, type PyStorage, type PyTuple, type PyValue } from './pyValues';

/** torch.XStorage -> its element type; the only storages read. */
const STORAGES: Record<string, TorchDtype> = {
  'torch.FloatStorage': 'float32',
  'torch.DoubleStorage': 'float64',
  'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16',
};
const ORDERED_DICT = 'collections.OrderedDict';
const REBUILD = 'torch._utils._rebuild_tensor_v2';

/** A GLOBAL or STACK_GLOBAL opcode: the global if it is one of the allowed, else a refusal naming it. */
export function allowGlobal(module: string, name: string, at: number): PyGlobal {
  const full = `${module}.${name}`;
  if (full === ORDERED_DICT || full === REBUILD || full in STORAGES) return { kind: 'global', name: full };
  if (/^torch\.\w+Storage$/.test(full))
    return fail(`data.pkl byte ${at}: ${full}: only float32, float64, float16 and bfloat16 tensors are read (a state_dict with integer buffers, such as BatchNorm's, is not a recurrent model's)`);
  return fail(`data.pkl byte ${at}: refused to load global ${full}: a state_dict needs only collections.OrderedDict, torch._utils._rebuild_tensor_v2 and float storages; nothing in the file is executed`);
}

/** REDUCE: an allowed global applied to its argument tuple, as a record. */
export function reduce(fn: PyValue, args: PyValue, at: number): PyValue {
  if (typeof fn !== 'object' || fn === null || Array.isArray(fn) || fn.kind !== 'global') return fail(`data.pkl byte ${at}: REDUCE on something that is not an allowed global`);
  if (!isTuple(args)) return fail(`data.pkl byte ${at}: REDUCE without an argument tuple`);
  if (fn.name === ORDERED_DICT) {
    if (args.items.length) fail(`data.pkl byte ${at}: OrderedDict with arguments`);
    return { kind: 'dict', entries: new Map() };
  }
  if (fn.name === REBUILD) {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    const [storage, offset, size, stride] = args.items;
    if (typeof storage !== 'object' || storage === null || Array.isArray(storage) || storage.kind !== 'storage') return fail(`data.pkl byte ${at}: _rebuild_tensor_v2 without a storage`);
    if (typeof offset !== 'number' || !isTuple(size) || !isTuple(stride)) return fail(`data.pkl byte ${at}: _rebuild_tensor_v2 with arguments of the wrong kinds`);
    const ints = (t: PyTuple) => t.items.map((v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(`data.pkl byte ${at}: a tensor size or stride that is not an integer >= 0`)));
    const sz = ints(size);
    const st = ints(stride);
    if (sz.length !== st.length) fail(`data.pkl byte ${at}: a tensor's size and stride differ in length`);
    return { kind: 'tensor', storage, offset, size: sz, stride: st };
  }
  return fail(`data.pkl byte ${at}: ${fn.name} is not callable here`);
}

/** ('storage', torch.FloatStorage, key, location, numel) -> the storage it names. */
export function persistent(pid: PyValue, at: number): PyStorage {
  if (!isTuple(pid) || pid.items[0] !== 'storage' || pid.items.length < 3) return fail(`data.pkl byte ${at}: a persistent id that is not a storage`);
  const type = pid.items[1];
  const key = pid.items[2];
  if (typeof type !== 'object' || type === null || Array.isArray(type) || type.kind !== 'global' || !(type.name in STORAGES)) return fail(`data.pkl byte ${at}: a storage of an unknown type`);
  if (typeof key !== 'string' || !/^\w{1,64}$/.test(key)) return fail(`data.pkl byte ${at}: a storage key that is not a short name`);
  return { kind: 'storage', dtype: STORAGES[type.name], key };
}
