/**
 * Batched training: B sequences of one length through the engine at once, each timestep as [B, ·]
 * blocks with matrix-matrix kernels, the parameter gradients summed over the batch (the sum of the
 * per-sequence gradients, each sequence's loss reduced over t by the spec's reduction). Standard
 * cells (the LSTM without peephole or coupled gates, the GRU in both forms, the vanilla RNN),
 * truncation none or chunks. No records are kept: this is for training and the benchmark.
 */
import type { BpttConfig, ModelConfig, Params, Sequence } from '../types';
import type { BatchResult, BatchState } from './common';
import { lstmBatch } from './lstm';
import { gruBatch } from './gru';
import { rnnBatch } from './rnn';

export type { BatchResult, BatchState } from './common';

/** Whether batchGrads runs this model and truncation. */
export function batchable(config: ModelConfig, bptt: BpttConfig): boolean {
  if (bptt.truncate === 'window') return false;
  if ((config.layers ?? 1) > 1 || config.embedding) return false; // stacks train sequence by sequence
  if (config.cell === 'lstm') return !config.peephole && !config.coupled;
  return config.cell === 'gru' || config.cell === 'rnn';
}

/** Loss, summed gradients and end states of a batch of sequences of one length, each from its own state. */
export function batchGrads(config: ModelConfig, bptt: BpttConfig, p: Params, seqs: Sequence[], s0: BatchState): BatchResult {
  switch (config.cell) {
    case 'lstm':
      return lstmBatch(config, bptt, p, seqs, s0);
    case 'gru':
      return gruBatch(config, bptt, p, seqs, s0);
    case 'rnn':
      return rnnBatch(config, bptt, p, seqs, s0);
    case 'custom':
      throw new Error('batched gradients run the built-in cells only; a custom cell trains sequence by sequence');
  }
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
