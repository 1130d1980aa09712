/** The recurrent matrices of a cell (those that multiply h_{t-1}) and their spectra. */
import type { ModelConfig, Params } from '../types';
import { cellInfo } from '../cells';
import { matrixSpectralNorm, spectralNorm, spectralRadius } from './spectral';
import type { FlowProgress } from './slices';

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
export function stackedRecurrentNorm(config: ModelConfig, p: Params, names = recurrentNames(config)): number {
  const H = config.H;
  const stacked = new Float64Array(names.length * H * H);
  names.forEach((n, i) => stacked.set(p[n].data, i * H * H));
  return matrixSpectralNorm(stacked, names.length * H, H);
}

/**
 * λ, ρ of the main recurrent matrix, and each recurrent matrix's ρ and norm (ρ costs an
 * eigen-decomposition each). layer: a stack's layer (1 = bottom), its own matrices only (W_hh_l2, ...).
 * progress: before each matrix (one ρ is one eigen-decomposition: not sliced further).
 */
export function recurrentSpectra(config: ModelConfig, p: Params, layer?: number, progress?: FlowProgress): RecurrentSpectra {
  const whole = cellInfo(config);
  const info = (layer !== undefined && whole.layers?.[layer - 1]) || whole;
  const names = info.recurrent;
  const perMatrix = names.map((name, i) => {
    progress?.('spectra', i, names.length);
    return { name, radius: spectralRadius(p[name]), norm: spectralNorm(p[name]) };
  });
  progress?.('spectra', names.length, names.length);
  const main = info.mainRecurrent;
  return {
    norm: stackedRecurrentNorm(config, p, names),
    radius: perMatrix.find((m) => m.name === main)?.radius ?? NaN,
    perMatrix,
  };
}
