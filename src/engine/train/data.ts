/**
 * What a Trainer trains on: the spec's sequence, or for a text file (problem.corpus) its consecutive
 * chunks of seq+1 tokens (chunk i: inputs tokens i·seq .. i·seq+seq-1, targets shifted by one, so
 * neighbouring chunks share one token, as min-char-rnn reads its text). Chunks are built one-hot on
 * demand: a large corpus is never held as vectors. Also the seeded order of each epoch.
 */
import type { Problem, Sequence, Target } from '../types';
import { Rng } from '../rng';

export interface TrainingData {
  /** Number of training sequences. */
  count: number;
  /** Sequence i (0-based). */
  get(i: number): Sequence;
}

export function trainingData(problem: Problem): TrainingData {
  const corpus = problem.corpus;
  if (!corpus) return { count: 1, get: () => problem.sequence };
  const { indices, seq } = corpus;
  const D = problem.config.D;
  const count = Math.max(0, Math.floor((indices.length - 1) / seq));
  return {
    count,
    get(i: number): Sequence {
      const inputs: Float64Array[] = [];
      const targets: Target[] = [];
      for (let t = 0; t < seq; t++) {
        const x = new Float64Array(D);
        x[indices[i * seq + t]] = 1;
        inputs.push(x);
        targets.push({ kind: 'class', index: indices[i * seq + t + 1] });
      }
      return { inputs, targets };
    },
  };
}

/**
 * The order of the sequences in epoch `epoch` (0-based): a Fisher-Yates shuffle seeded by
 * (seed, epoch) alone, so any epoch's order is recomputed on resume without saving an RNG state.
 */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const rng = new Rng((seed ^ Math.imul(epoch + 1, 0x2545f491)) | 0);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/** Timesteps lo+1..hi of a sequence (0-based slice lo..hi-1) as a sequence of its own. */
export function sliceSequence(seq: Sequence, lo: number, hi: number): Sequence {
  return { inputs: seq.inputs.slice(lo, hi), targets: seq.targets.slice(lo, hi) };
}
