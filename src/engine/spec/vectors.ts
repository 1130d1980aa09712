/** data.inputs and data.targets (explicit vectors, class indices, nulls) -> a Sequence, D and K. */
import type { Target } from '../types';
import { LIMITS, has } from './context';
import type { Obj } from './context';
import type { DataContext, DataResult } from './data';
import { sizesFit } from './data';

type Raw = number | number[] | null;

export function resolveVectors(data: Obj, dc: DataContext): DataResult | null {
  const { ctx } = dc;
  const rawInputs = data.inputs as (number | number[])[];
  if (rawInputs.length === 0) {
    ctx.error(['data', 'inputs'], 'needs at least one input');
    return null;
  }
  if (!has(data, 'targets')) {
    ctx.error(['data'], "missing required field 'targets' (one per input; null for no loss at a step)", 'key');
    return null;
  }
  const inputs = rawInputs.map((x) => (typeof x === 'number' ? [x] : x));
  const D = inputs[0].length;
  if (D === 0) {
    ctx.error(['data', 'inputs', 0], 'an input needs at least one number');
    return null;
  }
  if (D > LIMITS.dim) {
    ctx.error(['data', 'inputs', 0], `has ${D} numbers; the limit for D is ${LIMITS.dim}`);
    return null;
  }
  for (let t = 1; t < inputs.length; t++) {
    if (inputs[t].length !== D) {
      ctx.error(['data', 'inputs', t], `has ${inputs[t].length} number${inputs[t].length === 1 ? '' : 's'}, expected ${D} like data.inputs[0]`);
      return null;
    }
  }
  if (dc.inputs !== undefined && dc.inputs !== D) {
    ctx.error(['model', 'inputs'], `is ${dc.inputs}, but each of data.inputs has ${D} number${D === 1 ? '' : 's'}`);
    return null;
  }
  const T = inputs.length;
  const raw = data.targets as Raw[];
  if (raw.length !== T) {
    ctx.error(['data', 'targets'], `has ${raw.length} target${raw.length === 1 ? '' : 's'}, expected ${T}: one per input (null for no loss at a step)`);
    return null;
  }
  if (raw.every((v) => v === null)) {
    ctx.error(['data', 'targets'], 'every target is null, so there is no loss: give at least one target');
    return null;
  }
  const ce = dc.loss === 'cross-entropy';
  // K: model.outputs, else the length of a vector target, else (class targets) the vocabulary's size.
  let K = dc.outputs;
  let kFrom = 'model.outputs';
  if (K === undefined) {
    const t = raw.findIndex((v) => Array.isArray(v) || (v !== null && !ce));
    if (t >= 0) {
      const v = raw[t];
      K = Array.isArray(v) ? v.length : 1;
      kFrom = `data.targets[${t}]`;
    } else if (has(data, 'vocab')) {
      K = (data.vocab as string[]).length;
      kFrom = 'data.vocab';
    } else if (dc.weightsK) {
      K = dc.weightsK.K;
      kFrom = dc.weightsK.from;
    } else {
      ctx.error(['model'], "missing field 'outputs': class targets do not say how many classes there are; set model.outputs to K (or give init.weights.W_hy, K rows)", 'key');
      return null;
    }
  }
  if (K < 1 || K > LIMITS.dim) {
    ctx.error(['data', 'targets'], `K = ${K} outputs is outside 1..${LIMITS.dim}`);
    return null;
  }
  if (!sizesFit(['data', 'inputs'], T, Math.max(D, K), dc)) return null;
  const targets: (Target | null)[] = [];
  for (let t = 0; t < T; t++) {
    const v = raw[t];
    const path = ['data', 'targets', t];
    if (v === null) targets.push(null);
    else if (typeof v === 'number' && ce) {
      if (!Number.isInteger(v) || v < 0 || v >= K) {
        const why = Number.isInteger(v) ? `is not a class index 0..${K - 1} (K = ${K} from ${kFrom})` : 'is not a class index (an integer)';
        ctx.error(path, `${v} ${why}; cross-entropy targets are class indices or distributions (lists of K numbers); for real-valued targets use loss: mse`);
        return null;
      }
      targets.push({ kind: 'class', index: v });
    } else {
      const values = typeof v === 'number' ? [v] : v;
      if (values.length !== K) {
        const found = typeof v === 'number' ? 'is a single number' : `has ${values.length} number${values.length === 1 ? '' : 's'}`;
        ctx.error(path, `${found}, expected ${K} (K, from ${kFrom})`);
        return null;
      }
      if (ce) {
        const sum = values.reduce((a, b) => a + b, 0);
        if (values.some((p) => p < 0) || Math.abs(sum - 1) > 1e-6) {
          ctx.error(path, `a cross-entropy target vector must be a distribution (numbers ≥ 0 that sum to 1); this one sums to ${sum}`);
          return null;
        }
      }
      targets.push({ kind: 'vector', values: Float64Array.from(values) });
    }
  }
  const sequence: DataResult['sequence'] = { inputs: inputs.map((x) => Float64Array.from(x)), targets };
  if (has(data, 'vocab')) labels(data.vocab as string[], inputs, targets, D, K, sequence, dc);
  return { sequence, vocab: null, corpus: null, D, K };
}

/** data.vocab with vectors: labels for one-hot inputs (vocab of size D) and for targets (size K). */
function labels(vocab: string[], inputs: number[][], targets: (Target | null)[], D: number, K: number, seq: DataResult['sequence'], dc: DataContext): void {
  if (vocab.length !== D && vocab.length !== K) {
    dc.ctx.warn(['data', 'vocab'], `has ${vocab.length} labels, but D = ${D} and K = ${K}; it labels nothing and is ignored`);
    return;
  }
  if (vocab.length === D) {
    const hot = inputs.map((x) => (x.every((v) => v === 0 || v === 1) && x.filter((v) => v === 1).length === 1 ? x.indexOf(1) : -1));
    if (hot.every((i) => i >= 0)) seq.inputLabels = hot.map((i) => vocab[i]);
  }
  if (vocab.length === K) {
    seq.targetLabels = targets.map((tg) => {
      if (tg === null) return null;
      if (tg.kind === 'class') return vocab[tg.index];
      let best = 0;
      for (let j = 1; j < tg.values.length; j++) if (tg.values[j] > tg.values[best]) best = j;
      return vocab[best];
    });
  }
}
