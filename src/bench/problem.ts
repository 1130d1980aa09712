/** Random problems of a benchmark configuration: seeded, so every run measures the same work. */
import { initParams, makeCell, Rng, zeroState, type ModelConfig, type Problem, type Sequence } from '../engine';
import type { BenchConfig } from './configs';

export function benchProblem(c: BenchConfig, seed = 1): Problem {
  const rng = new Rng(seed);
  const config: ModelConfig = {
    cell: c.cell, D: c.D, H: c.H, K: c.K, activation: 'tanh' as const, variant: 'classic' as const,
    peephole: false, coupled: false, output: 'softmax' as const, loss: 'cross-entropy' as const, reduction: 'sum' as const,
  };
  if (c.equationsOf) {
    // The built-in cell's own equations and parameters, as a custom cell.
    const { info } = makeCell({ ...config, cell: c.equationsOf });
    config.custom = { states: info.states, params: info.symbols, equations: info.equations.forward.join('\n') };
  }
  return {
    name: c.name,
    config,
    bptt: { truncate: 'none', k: 5 },
    train: { optimizer: 'adam', lr: 0.01, epochs: 1, clip: null, batch: c.batch, seed },
    params: initParams(config, { seed, scheme: 'xavier', scale: 0.1, forgetBias: 0 }),
    s0: zeroState(makeCell(config)),
    sequence: {
      inputs: Array.from({ length: c.T }, () => Float64Array.from({ length: c.D }, () => rng.normal())),
      targets: Array.from({ length: c.T }, () => ({ kind: 'class' as const, index: rng.int(c.K) })),
    },
    vocab: null,
    corpus: null,
  };
}

/** A batch of the configuration's size: the problem of seed 1 and c.batch sequences (seeds 1, 2, ...). */
export function benchBatch(c: BenchConfig): { problem: Problem; sequences: Sequence[] } {
  const problem = benchProblem(c, 1);
  const sequences = [problem.sequence, ...Array.from({ length: c.batch - 1 }, (_, b) => benchProblem(c, b + 2).sequence)];
  return { problem, sequences };
}

/** The training bench: a char model (one-hot inputs over a vocabulary of 64), LSTM H=256, batch 32, seq 64. */
export const TRAIN_BENCH = { vocab: 64, H: 256, batch: 32, seq: 64 };

/** A char model on a seeded random corpus of 32 sequences of TRAIN_BENCH.seq tokens: one batch an update. */
export function trainProblem(): Problem {
  const { vocab, H, batch, seq } = TRAIN_BENCH;
  const c: BenchConfig = { name: 'train-char-lstm', cell: 'lstm', H, T: seq, D: vocab, K: vocab, batch };
  const problem = benchProblem(c);
  const rng = new Rng(3);
  const indices = Int32Array.from({ length: batch * seq + 1 }, () => rng.int(vocab));
  return { ...problem, train: { ...problem.train, lr: 0.002, epochs: 1_000_000, clip: 5 }, corpus: { indices, seq } };
}
