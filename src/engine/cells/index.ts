/** Builds the cell a model config asks for. */
import type { ModelConfig } from '../types';
import type { Cell } from './cell';
import { GruCell } from './gru';
import { LstmCell } from './lstm';
import { RnnCell } from './rnn';

export type { Cell, CellState, GradTerm, StepCache, StepGrad } from './cell';

export function makeCell(config: ModelConfig): Cell {
  switch (config.cell) {
    case 'rnn':
      return new RnnCell(config.D, config.H, config.activation);
    case 'lstm':
      return new LstmCell(config.D, config.H, config.peephole, config.coupled);
    case 'gru':
      return new GruCell(config.D, config.H, config.variant);
  }
}
