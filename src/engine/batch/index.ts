/**
 * Batched training: B sequences of one length through the engine at once, each timestep as [B, ·]
 * blocks with matrix-matrix kernels, the parameter gradients summed over the batch (the sum of the
 * per-sequence gradients, each sequence's loss reduced over t by the spec's reduction). Each cell
 * owns its batched step (Cell.batch: the built-in cells from lstm.ts, gru.ts, rnn.ts here, custom
 * cells through their graph, stacks layer over layer); this driver owns the inputs, the output layer
 * and the loss, all T·B rows at once. Truncation none or chunks. No records are kept: this is for
 * training and the benchmark.
 */
import type { BpttConfig, ModelConfig, Params, Sequence } from '../types';
import { makeCell, type BatchCell, type BatchState } from '../cells';
import { lossScale } from '../bptt';
import { outputFromLogits } from '../output';
import { zerosLike } from '../params';
import { gemmABt, withResident } from '../linalg';
import { atb, colSum, fillRows, transpose } from './common';

export type { BatchState } from './common';

export interface BatchResult {
  /** The sum over the batch of each sequence's (reduced) loss. */
  loss: number;
  /** The sum over the batch of each sequence's gradient. */
  grads: Params;
  /** The state after the last step, per sequence. */
  end: BatchState;
}

/** Bytes one batched pass may hold; a larger batch runs as several smaller ones (the same sums). */
export const MAX_BATCH_BYTES = 768 * 2 ** 20;

/** Whether batchGrads runs this model and truncation (window truncation needs per-sequence records). */
export function batchable(config: ModelConfig, bptt: BpttConfig): boolean {
  return bptt.truncate !== 'window' && makeCell(config).batch !== undefined;
}

/** Whether the backward sweep cuts what flows from the future at step index t (chunks truncation). */
export function cutsAt(bptt: BpttConfig, t: number): boolean {
  return bptt.truncate === 'chunks' && (t + 1) % bptt.k === 0;
}

/** Loss, summed gradients and end states of a batch of sequences of one length, each from its own state. */
export function batchGrads(config: ModelConfig, bptt: BpttConfig, p: Params, seqs: Sequence[], s0: BatchState): BatchResult {
  if (bptt.truncate === 'window') throw new Error('batched training supports truncate none and chunks, not window');
  const cell = makeCell(config);
  if (!cell.batch) throw new Error(`${cell.info.label} has no batched step: it trains sequence by sequence`);
  const B = seqs.length, T = seqs[0]?.inputs.length ?? 0;
  if (B === 0 || T === 0) throw new Error('a batch needs at least one sequence of at least one step');
  if (seqs.some((s) => s.inputs.length !== T)) throw new Error('the sequences of a batch must have one length');
  const step = cell.batch(p);
  const { D, H, K } = config;
  // Bound the pass's memory before allocating it: a batch too large for it runs in parts.
  const perSeq = 8 * T * (step.perRowStep + D + 2 * H + 2 * K);
  const part = Math.max(1, Math.floor(MAX_BATCH_BYTES / perSeq));
  const WyT = transpose(p.W_hy.data, K, H);
  return withResident([...step.resident, p.W_hy.data, WyT], () => {
    if (B <= part) return pass(step, config, bptt, p, WyT, seqs, s0);
    const grads = zerosLike(p);
    const end: BatchState = Object.fromEntries(Object.keys(s0).map((n) => [n, []]));
    let loss = 0;
    for (let b0 = 0; b0 < B; b0 += part) {
      const pick = (v: Float64Array[]): Float64Array[] => v.slice(b0, b0 + part);
      const r = pass(step, config, bptt, p, WyT, seqs.slice(b0, b0 + part), Object.fromEntries(Object.entries(s0).map(([n, v]) => [n, pick(v)])));
      loss += r.loss;
      for (const [n, t] of Object.entries(r.grads)) for (let i = 0; i < t.data.length; i++) grads[n].data[i] += t.data[i];
      for (const [n, v] of Object.entries(r.end)) end[n].push(...v);
    }
    return { loss, grads, end };
  });
}

/** One pass: the cell's forward over the packed inputs, the output layer and loss over every row, the backward. */
function pass(step: BatchCell, config: ModelConfig, bptt: BpttConfig, p: Params, WyT: Float64Array, seqs: Sequence[], s0: BatchState): BatchResult {
  const { D, H, K } = config;
  const B = seqs.length, T = seqs[0].inputs.length, n = T * B;
  const X = new Float64Array(n * D);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) X.set(seqs[b].inputs[t], (t * B + b) * D);
  const scales = seqs.map((s) => lossScale(config, s));
  const run = step.forward(X, T, B, s0);
  const Hs = run.Hs.subarray(B * H); // h_1 .. h_T
  // The output layer over all rows: z = W_hy h + b_y, each row's loss and dL/dz (scaled by its sequence's reduction).
  const Z = new Float64Array(n * K);
  fillRows(Z, p.b_y.data, n);
  gemmABt(Z, Hs, p.W_hy.data, n, K, H); // [T·B,H] · W_hy[K,H]ᵀ
  const DZ = new Float64Array(n * K);
  let loss = 0;
  for (let t = 0; t < T; t++) {
    let lt = 0;
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * K;
      const o = outputFromLogits(Z.subarray(row, row + K), K, config.output, config.loss, seqs[b].targets[t]);
      if (o.loss !== null) lt += o.loss * scales[b];
      for (let k = 0; k < K; k++) DZ[row + k] = o.dz[k] * scales[b];
    }
    loss += lt;
  }
  const dH = new Float64Array(n * H);
  gemmABt(dH, DZ, WyT, n, H, K); // dL/dh_t from the outputs: DZ [T·B,K] · W_hy [K,H]
  const grads = zerosLike(p);
  run.backward(dH, (t) => cutsAt(bptt, t), grads, false);
  atb(grads.W_hy.data, DZ, K, 0, Hs, n, K, H);
  colSum(grads.b_y.data, DZ, K, 0, n);
  return { loss, grads, end: run.end() };
}

export { gemmAB } from '../linalg';
