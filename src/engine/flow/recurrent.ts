/** The recurrent matrices of a cell (those that multiply h_{t-1}) and their spectra. */
import type { ModelConfig, Params } from '../types';
import { cellInfo } from '../cells';
import { matrixSpectralNorm, spectralNorm, spectralRadius } from './spectral';
import { FLOW_SLICE, slicer, type FlowProgress } from './slices';
import type { Tick } from './eigenvalues';

/** The cell's recurrent matrices (rnn W_hh; lstm W_hi (unless coupled), W_hf, W_hg, W_ho; gru W_hr, W_hz, W_hn). */
export function recurrentNames(config: ModelConfig): string[] {
  return cellInfo(config).recurrent;
}

export interface RecurrentSpectra {
  /** λ: ‖W_hh‖_2, or for gated cells the spectral norm of the recurrent matrices stacked: ‖[W_h·; ...]‖_2. */
  norm: number;
  /** ρ of the main recurrent matrix (W_hh, W_hg, W_hn); NaN for a custom cell without an [H, H] one (IndRNN's u is a vector). */
  radius: number;
  /** Each recurrent matrix's spectral radius and norm. */
  perMatrix: { name: string; radius: number; norm: number }[];
}

/** λ: ‖W_hh‖_2 (rnn), or ‖[W_h·; ...]‖_2 of the recurrent matrices stacked ([nH, H]) for gated cells; names: a stack's layer's only. */
export function stackedRecurrentNorm(config: ModelConfig, p: Params, names = recurrentNames(config), tick?: Tick): number {
  const H = config.H;
  const stacked = new Float64Array(names.length * H * H);
  names.forEach((n, i) => stacked.set(p[n].data, i * H * H));
  return matrixSpectralNorm(stacked, names.length * H, H, tick);
}

/**
 * λ, ρ of the main recurrent matrix, and each recurrent matrix's ρ and norm (ρ costs an
 * eigen-decomposition each). layer: a stack's layer (1 = bottom), its own matrices only (W_hh_l2, ...).
 * progress: between steps of each decomposition (done counts the matrices finished; the stacked norm last).
 */
export function recurrentSpectra(config: ModelConfig, p: Params, layer?: number, progress?: FlowProgress): RecurrentSpectra {
  const whole = cellInfo(config);
  const info = (layer !== undefined && whole.layers?.[layer - 1]) || whole;
  const names = info.recurrent;
  // The decompositions are scalar JavaScript loops, several times slower per multiply-add than the cells' products: smaller slices.
  const tick = slicer(progress, 'spectra', names.length + 1, FLOW_SLICE / 8);
  const perMatrix = names.map((name, i) => ({ name, radius: spectralRadius(p[name], (c) => tick(c, i)), norm: spectralNorm(p[name], (c) => tick(c, i)) }));
  const main = info.mainRecurrent;
  return {
    norm: stackedRecurrentNorm(config, p, names, (c) => tick(c, names.length)),
    radius: perMatrix.find((m) => m.name === main)?.radius ?? NaN,
    perMatrix,
  };
}
