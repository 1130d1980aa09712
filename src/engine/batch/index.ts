/**
 * Batched training: B sequences of one length through the engine at once, each timestep as [B, ·]
 * blocks with matrix-matrix kernels, the parameter gradients summed over the batch (the sum of the
 * per-sequence gradients, each sequence's loss reduced over t by the spec's reduction). Each cell
 * owns its batched step (Cell.batch: the standard LSTM, the GRU in both forms, the vanilla RNN;
 * lstm.ts, gru.ts, rnn.ts here); truncation none or chunks. No records are kept: this is for
 * training and the benchmark.
 */
import type { BpttConfig, ModelConfig, Params, Sequence } from '../types';
import { makeCell, type BatchStep } from '../cells';
import type { BatchResult, BatchState } from './common';
import { lstmBatch } from './lstm';

export type { BatchResult, BatchState } from './common';

/** The config's batched step under this truncation, or null (the batch then runs sequence by sequence). */
export function batchStep(config: ModelConfig, bptt: BpttConfig): BatchStep | null {
  if (bptt.truncate === 'window') return null; // each L_t backprops its own window: per-sequence records
  return makeCell(config).batch ?? null;
}

/** Whether batchGrads runs this model and truncation. */
export function batchable(config: ModelConfig, bptt: BpttConfig): boolean {
  return batchStep(config, bptt) !== null;
}

/** Loss, summed gradients and end states of a batch of sequences of one length, each from its own state. */
export function batchGrads(config: ModelConfig, bptt: BpttConfig, p: Params, seqs: Sequence[], s0: BatchState): BatchResult {
  if (bptt.truncate === 'window') throw new Error('batched training supports truncate none and chunks, not window');
  const step = makeCell(config).batch;
  if (!step) throw new Error(`batched gradients run the built-in cells' standard forms; ${makeCell(config).info.label} trains sequence by sequence`);
  return step(config, bptt, p, seqs, s0);
}

export interface BatchGrads {
  loss: number;
  grads: Params;
}

/** The LSTM batch with every sequence starting from (h0, c0). */
export function lstmBatchGrads(config: ModelConfig, bptt: BpttConfig, p: Params, seqs: Sequence[], h0: Float64Array, c0: Float64Array): BatchGrads {
  const r = lstmBatch(config, bptt, p, seqs, { h: seqs.map(() => h0), c: seqs.map(() => c0) });
  return { loss: r.loss, grads: r.grads };
}

export { gemmAB } from '../linalg';
