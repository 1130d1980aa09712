/** What the restricted unpickler builds: plain records standing for Python values, never objects with behaviour. */
import type { TorchDtype } from './tensor';

/** A storage named by a persistent id: its bytes live in the zip as data/KEY. */
export interface PyStorage {
  kind: 'storage';
  dtype: TorchDtype;
  key: string;
}

/** A tensor as `_rebuild_tensor_v2` describes it (the view of a storage). */
export interface PyTensor {
  kind: 'tensor';
  storage: PyStorage;
  offset: number;
  size: number[];
  stride: number[];
}

export interface PyDict {
  kind: 'dict';
  entries: Map<string | number, PyValue>;
}

export interface PyTuple {
  kind: 'tuple';
  items: PyValue[];
}

/** One of the few globals a state_dict may name. */
export interface PyGlobal {
  kind: 'global';
  name: string;
}

export type PyValue = null | boolean | number | string | PyValue[] | PyTuple | PyDict | PyGlobal | PyStorage | PyTensor;

export const isDict = (v: PyValue): v is PyDict => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict';
export const isTuple = (v: PyValue): v is PyTuple => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'tuple';
