/** The output layer y = out(W_hy h + b_y) and the per-step losses, with dL_t/dz_t beside each. */
import type { LossKind, OutputKind, Params, Target } from './types';
import { expInto, matVecAdd, sigmoid } from './linalg';
import { pooledByLength } from './vecPool';

/** The outputs' vectors by length, from chunked pools (vecPool.ts: a view costs a tenth of its own buffer). */
const fresh = pooledByLength();

export interface OutputStep {
  /** z = W_hy h + b_y: [K] */
  z: Float64Array;
  /** y = out(z): [K] */
  y: Float64Array;
  /** L_t, or null when there is no target. */
  loss: number | null;
  /** dL_t/dz_t before any reduction scaling (zeros when there is no target). */
  dz: Float64Array;
}

export function outputStep(
  p: Params,
  K: number,
  H: number,
  out: OutputKind,
  lossKind: LossKind,
  h: Float64Array,
  target: Target | null,
): OutputStep {
  const z = fresh(K);
  z.set(p.b_y.data);
  matVecAdd(z, p.W_hy.data, K, H, h); // W_hy: [K,H] · h: [H]
  return outputFromLogits(z, K, out, lossKind, target);
}

/** The output step from its pre-activation z = W_hy h + b_y (batched training forms z for many rows at once). */
export function outputFromLogits(z: Float64Array, K: number, out: OutputKind, lossKind: LossKind, target: Target | null): OutputStep {
  const y = fresh(K);
  let lse = 0;
  if (out === 'softmax') {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, z[k]);
    // exp(z - m) into y, summed in order; then y = exp(z - lse). expInto gives Math.exp's bits.
    for (let k = 0; k < K; k++) y[k] = z[k] - m;
    expInto(y, y);
    let s = 0;
    for (let k = 0; k < K; k++) s += y[k];
    lse = m + Math.log(s);
    for (let k = 0; k < K; k++) y[k] = z[k] - lse;
    expInto(y, y);
  } else {
    for (let k = 0; k < K; k++) y[k] = out === 'tanh' ? Math.tanh(z[k]) : out === 'sigmoid' ? sigmoid(z[k]) : z[k];
  }
  const dz = fresh(K);
  if (target === null) return { z, y, loss: null, dz };
  if (target.kind === 'class' && lossKind === 'cross-entropy' && target.index >= 0 && target.index < K) {
    // The one-hot case of the lines below without building the one-hot vector: the same numbers
    // (Σ v = 1 exactly, v_j (lse - z_j) is lse - z_j at the class and absent elsewhere).
    const c = target.index;
    for (let k = 0; k < K; k++) dz[k] = k === c ? y[k] - 1 : y[k];
    return { z, y, loss: lse - z[c], dz };
  }
  const v = targetVector(target, K);
  let loss = 0;
  if (lossKind === 'cross-entropy') {
    // L = -Σ_j v_j log p_j = Σ_j v_j (lse - z_j);  dL/dz_j = p_j Σ_k v_k - v_j
    let vs = 0;
    for (let k = 0; k < K; k++) {
      if (v[k] !== 0) loss += v[k] * (lse - z[k]);
      vs += v[k];
    }
    for (let k = 0; k < K; k++) dz[k] = y[k] * vs - v[k];
  } else {
    // L = ½ Σ_j (y_j - v_j)^2;  dL/dy = y - v, then back through out'.
    const dy = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      dy[k] = y[k] - v[k];
      loss += 0.5 * dy[k] * dy[k];
    }
    if (out === 'softmax') {
      let pdy = 0; // softmax': dz = p ⊙ (dy - p·dy)
      for (let k = 0; k < K; k++) pdy += y[k] * dy[k];
      for (let k = 0; k < K; k++) dz[k] = y[k] * (dy[k] - pdy);
    } else {
      for (let k = 0; k < K; k++) dz[k] = dy[k] * (out === 'tanh' ? 1 - y[k] * y[k] : out === 'sigmoid' ? y[k] * (1 - y[k]) : 1);
    }
  }
  return { z, y, loss, dz };
}

/** A target as a vector over the K outputs (a class index becomes one-hot). */
export function targetVector(target: Target, K: number): Float64Array {
  if (target.kind === 'vector') return target.values;
  const v = new Float64Array(K);
  v[target.index] = 1;
  return v;
}
