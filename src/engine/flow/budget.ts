/**
 * How much work the flow views may do, in multiply-adds, and what one step of each kind costs.
 * The defaults keep a T = 10,000, H = 256 spec to well under a second per view.
 */
import type { ModelConfig } from '../types';
import { cellInfo } from '../cells';

/** Multiply-adds the flow map's backward sweeps may spend (beyond the one forward pass). */
export const FLOW_BUDGET = 1e8;
/** Multiply-adds one Jacobian row may spend (beyond the one forward pass). */
export const JACOBIAN_BUDGET = 5e8;
/** Multiply-adds the truncation loss (two full traces) may spend; beyond it, it is not computed. */
export const TRUNCATION_BUDGET = 2e9;
/** Rows of the flow map computed at most (the most recent ones). */
export const DEFAULT_MAX_ROWS = 256;
/** Steps back one Jacobian row covers at most. */
export const DEFAULT_MAX_SPAN = 1000;

/** The cell's recurrent matrices: rnn W_hh; lstm W_hi (unless coupled), W_hf, W_hg, W_ho; gru W_hr, W_hz, W_hn. */
export function recurrentCount(config: ModelConfig): number {
  return cellInfo(config).recurrent.length;
}

/** Multiply-adds of one cell backward on one vector: a mat-vec per recurrent matrix, plus O(H). */
export function backwardCost(config: ModelConfig): number {
  return recurrentCount(config) * config.H * config.H + 16 * config.H;
}
