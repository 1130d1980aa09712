/** Builds the cell a model config asks for; code outside src/engine/cells asks it instead of the config's kind. */
import type { ModelConfig } from '../types';
import type { Cell, CellInfo } from './cell';
import { GruCell } from './gru';
import { LstmCell } from './lstm';
import { RnnCell } from './rnn';
import { CustomCell } from './custom';
import { StackedCell } from './stacked';

export type { BackwardStep, BatchCell, BatchRun, BatchState, Cell, CellEquations, CellInfo, CellState, GatePath, GradTerm, PyTorchForm, Replay, StepCache, StepGrad, StepRunner, TapeRecord } from './cell';
export { advance, unroll, zeroState, copyState, type Visit } from './unroll';
export { CustomCell, compile, EquationError, type EquationIssue } from './custom';
export { layerInput, layerParam } from './stacked';

/** The config's cell; with model.layers > 1 or model.embedding, a stack of them (stacked.ts). */
export function makeCell(config: ModelConfig): Cell {
  const L = config.layers ?? 1;
  const E = config.embedding ?? null;
  if (L === 1 && E === null) return oneCell(config);
  const layers = Array.from({ length: L }, (_, k) => oneCell({ ...config, D: k > 0 ? config.H : (E ?? config.D) }));
  return new StackedCell(layers, E === null ? null : { V: config.D, E });
}

function oneCell(config: ModelConfig): Cell {
  switch (config.cell) {
    case 'rnn':
      return new RnnCell(config.D, config.H, config.activation);
    case 'lstm':
      return new LstmCell(config.D, config.H, config.peephole, config.coupled);
    case 'gru':
      return new GruCell(config.D, config.H, config.variant);
    case 'custom':
      return customCell(config);
  }
}

/** Compiled once per config object and size (compiling checks every line; the cell itself is pure). */
const compiled = new WeakMap<object, CustomCell>();

function customCell(config: ModelConfig): CustomCell {
  if (!config.custom) throw new Error('model.cell: custom needs model.state, model.params and model.equations');
  const have = compiled.get(config.custom);
  if (have && have.H === config.H && have.D === config.D) return have;
  const cell = new CustomCell(config.D, config.H, config.custom);
  compiled.set(config.custom, cell);
  return cell;
}

/**
 * The model settings of our cell that computes PyTorch's module, with a note for each setting the
 * file cannot tell: nn.GRU is our gru in its pytorch variant. Found by asking the cells' PyTorch forms.
 */
export function cellForTorch(module: 'RNN' | 'LSTM' | 'GRU'): { settings: Partial<ModelConfig>; notes: Partial<Record<keyof ModelConfig, string>> } {
  const base: ModelConfig = { cell: 'rnn', D: 1, H: 1, K: 1, activation: 'tanh', variant: 'classic', peephole: false, coupled: false, output: 'softmax', loss: 'cross-entropy', reduction: 'sum' };
  const candidates: { settings: Partial<ModelConfig>; notes: Partial<Record<keyof ModelConfig, string>> }[] = [
    { settings: { cell: 'rnn', activation: 'tanh' }, notes: { activation: 'nn.RNN nonlinearity: tanh or relu (the file does not say)' } },
    { settings: { cell: 'lstm' }, notes: {} },
    { settings: { cell: 'gru', variant: 'pytorch' }, notes: { variant: 'nn.GRU: n = tanh(W_xn x + b_n + r (W_hn h + b_hn)), h = (1 - z) n + z h_prev' } },
  ];
  const found = candidates.find((c) => cellInfo({ ...base, ...c.settings }).pytorch.module === module);
  if (!found) throw new Error(`no cell computes nn.${module}`);
  return found;
}

/** What the cell of a config knows about itself. */
export function cellInfo(config: ModelConfig): CellInfo {
  return makeCell(config).info;
}
