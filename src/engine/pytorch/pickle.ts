/**
 * A restricted unpickler: it understands only what `torch.save(model.state_dict())` writes (dicts,
 * tuples, strings, numbers, tensors rebuilt from storages) and refuses every other global or
 * opcode by name. Nothing in the file is executed: "calls" build plain records, never code. This
 * file is the opcode machine (the stack, the memo, the opcodes a state_dict uses); reading the
 * bytes is pickleBytes.ts; which globals may be named and what calling them builds is
 * pickleGlobals.ts.
 */
import { fail, TORCH_LIMITS } from './errors';
import { PickleBytes } from './pickleBytes';
import { allowGlobal, persistent, reduce } from './pickleGlobals';
import { isDict, type PyValue } from './pyValues';

export type { PyDict, PyGlobal, PyStorage, PyTensor, PyTuple, PyValue } from './pyValues';

/** Opcodes that would run or import code in Python's unpickler, named in the refusal. */
const REFUSED: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x50: 'PERSID',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
};

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Unpickles `bytes` (protocol 2-5) into plain records. Throws TorchFileError naming the byte and what was wrong. */
export function unpickle(bytes: Uint8Array): PyValue {
  if (bytes.length > TORCH_LIMITS.header) fail(`data.pkl is ${bytes.length} bytes, more than the limit of ${TORCH_LIMITS.header}`);
  const r = new PickleBytes(bytes);
  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  const push = (v: PyValue): void => {
    if (stack.length >= TORCH_LIMITS.stack) fail(`data.pkl byte ${r.at}: the stack is deeper than ${TORCH_LIMITS.stack}`);
    stack.push(v);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail(`data.pkl byte ${r.at}: the stack is empty where a value was expected`);
    return v;
  };
  const popMark = (): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail(`data.pkl byte ${r.at}: no MARK to pop to`);
    const items = stack.splice(i) as PyValue[];
    items.shift();
    return items;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail(`data.pkl byte ${r.at}: the stack is empty where a value was expected`);
    return v;
  };
  const remember = (i: number): void => {
    if (memo.size >= TORCH_LIMITS.stack && !memo.has(i)) fail(`data.pkl byte ${r.at}: more than ${TORCH_LIMITS.stack} memo entries`);
    memo.set(i, top());
  };
  const recall = (i: number): void => {
    if (!memo.has(i)) fail(`data.pkl byte ${r.at}: memo entry ${i} was never stored`);
    push(memo.get(i) as PyValue);
  };
  const setItems = (items: PyValue[]): void => {
    const d = top();
    if (!isDict(d)) return fail(`data.pkl byte ${r.at}: SETITEMS on something that is not a dict`);
    if (items.length % 2) fail(`data.pkl byte ${r.at}: SETITEMS with an odd number of items`);
    for (let i = 0; i < items.length; i += 2) d.entries.set(key(items[i]), items[i + 1]);
  };
  const key = (k: PyValue): string | number => {
    if (typeof k === 'string' || typeof k === 'number') return k;
    return fail(`data.pkl byte ${r.at}: a dict key that is not a string or a number`);
  };

  for (let ops = 0; ; ops++) {
    if (ops > TORCH_LIMITS.opcodes) fail(`data.pkl runs past ${TORCH_LIMITS.opcodes} opcodes`);
    const op = r.opcode();
    switch (op) {
      case 0x80: // PROTO
        r.u8();
        break;
      case 0x95: // FRAME (a hint of the frame's length)
        r.u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        push(MARK as unknown as PyValue);
        break;
      case 0x7d: // EMPTY_DICT
        push({ kind: 'dict', entries: new Map() });
        break;
      case 0x29: // EMPTY_TUPLE
        push({ kind: 'tuple', items: [] });
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x74: // TUPLE
        push({ kind: 'tuple', items: popMark() });
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        const items: PyValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        push({ kind: 'tuple', items });
        break;
      }
      case 0x58: // BINUNICODE
        push(r.str(r.u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(r.str(r.u8()));
        break;
      case 0x8d: // BINUNICODE8
        push(r.str(r.u64()));
        break;
      case 0x4a: // BININT
        push(r.i32());
        break;
      case 0x4b: // BININT1
        push(r.u8());
        break;
      case 0x4d: // BININT2
        push(r.u16());
        break;
      case 0x8a: // LONG1
        push(r.long1());
        break;
      case 0x47: // BINFLOAT (big-endian)
        push(r.f64be());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x71: // BINPUT
        remember(r.u8());
        break;
      case 0x72: // LONG_BINPUT
        remember(r.u32());
        break;
      case 0x94: // MEMOIZE
        remember(memo.size);
        break;
      case 0x68: // BINGET
        recall(r.u8());
        break;
      case 0x6a: // LONG_BINGET
        recall(r.u32());
        break;
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems([k, v]);
        break;
      }
      case 0x75: // SETITEMS
        setItems(popMark());
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) fail(`data.pkl byte ${r.at}: APPEND to something that is not a list`);
        (l as PyValue[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail(`data.pkl byte ${r.at}: APPENDS to something that is not a list`);
        (l as PyValue[]).push(...items);
        break;
      }
      case 0x63: {
        // GLOBAL module\nname\n
        const module = r.line();
        push(allowGlobal(module, r.line(), r.at));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail(`data.pkl byte ${r.at}: STACK_GLOBAL without two strings`);
        push(allowGlobal(module as string, name as string, r.at));
        break;
      }
      case 0x52: {
        // REDUCE: "call" one of the allowed globals, which only builds a record
        const args = pop();
        const fn = pop();
        push(reduce(fn, args, r.at));
        break;
      }
      case 0x62: {
        // BUILD: an OrderedDict's state (state_dict's _metadata) is not needed
        pop();
        if (!isDict(top())) fail(`data.pkl byte ${r.at}: BUILD on something that is not a dict`);
        break;
      }
      case 0x51: // BINPERSID
        push(persistent(pop(), r.at));
        break;
      default: {
        const name = REFUSED[op];
        return fail(
          name
            ? `data.pkl byte ${r.at}: refused opcode ${name}: it would construct arbitrary objects, which a state_dict never needs; nothing in the file is executed`
            : `data.pkl byte ${r.at}: opcode 0x${op.toString(16).padStart(2, '0')} is not one a state_dict uses; refused`,
        );
      }
    }
  }
}
