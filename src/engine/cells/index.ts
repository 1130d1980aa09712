/** Builds the cell a model config asks for; code outside src/engine/cells asks it instead of the config's kind. */
import type { ModelConfig } from '../types';
import type { Cell, CellInfo } from './cell';
import { GruCell } from './gru';
import { LstmCell } from './lstm';
import { RnnCell } from './rnn';

export type { Cell, CellEquations, CellInfo, CellState, GatePath, GradTerm, StepCache, StepGrad } from './cell';
export { unroll, zeroState, copyState, type Visit } from './unroll';

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

/** What the cell of a config knows about itself. */
export function cellInfo(config: ModelConfig): CellInfo {
  return makeCell(config).info;
}
