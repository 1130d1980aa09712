/** The benchmark configurations of the performance issue: cross-entropy summed over t, 64 classes, inputs of 64. */
import type { CellKind } from '../engine';

export interface BenchConfig {
  name: string;
  cell: CellKind;
  H: number;
  T: number;
  D: number;
  K: number;
  batch: number;
  /** custom: the built-in cell of this kind written as equations (model.cell: custom), timed against the built-in's line of the same batch. */
  equationsOf?: CellKind;
}

export const CONFIGS: BenchConfig[] = [
  { name: 'lstm-b1', cell: 'lstm', H: 256, T: 256, D: 64, K: 64, batch: 1 },
  { name: 'gru-b1', cell: 'gru', H: 256, T: 256, D: 64, K: 64, batch: 1 },
  { name: 'rnn-h128-t1000', cell: 'rnn', H: 128, T: 1000, D: 64, K: 64, batch: 1 },
  { name: 'lstm-b32', cell: 'lstm', H: 256, T: 256, D: 64, K: 64, batch: 32 },
  { name: 'lstm-equations-b1', cell: 'custom', equationsOf: 'lstm', H: 256, T: 256, D: 64, K: 64, batch: 1 },
  { name: 'lstm-equations-b32', cell: 'custom', equationsOf: 'lstm', H: 256, T: 256, D: 64, K: 64, batch: 32 },
];
