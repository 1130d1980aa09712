/** The contract between the time loop and a recurrent cell (forward and backward of one timestep). */
import type { Params } from '../types';

/** The recurrent state carried between timesteps. */
export interface CellState {
  h: Float64Array;
  /** lstm only. */
  c: Float64Array | null;
}

/** Everything a cell's backward needs from its forward at one timestep. */
export interface StepCache {
  x: Float64Array;
  hPrev: Float64Array;
  cPrev: Float64Array | null;
  h: Float64Array;
  c: Float64Array | null;
  /** Pre-activations by gate name (rnn: a). */
  pre: Record<string, Float64Array>;
  /** Gate values after their nonlinearity (rnn: none). */
  gates: Record<string, Float64Array>;
  /** Cell-specific saved intermediates (tanh(c_t), r*h_prev, W_hn h_prev + b_hn). */
  aux: Record<string, Float64Array>;
}

/** What one timestep's backward returns. Linear in the incoming gradients, given the cache. */
export interface StepGrad {
  /** dL/d(pre-activation) of each gate (rnn: a). */
  dgates: Record<string, Float64Array>;
  /** dL/dh_{t-1} through this step. */
  dhPrev: Float64Array;
  /** dL/dc_{t-1} through this step (lstm). */
  dcPrev: Float64Array | null;
  /** dL/dc_t in total (lstm): from the future and through h_t. */
  dc: Float64Array | null;
}

export interface Cell {
  readonly H: number;
  readonly D: number;
  forward(p: Params, x: Float64Array, prev: CellState): StepCache;
  /**
   * One step back: dh is dL/dh_t in total, dcFuture is dL/dc_t arriving from step t+1 (lstm).
   */
  backward(p: Params, cache: StepCache, dh: Float64Array, dcFuture: Float64Array | null): StepGrad;
  /** How each parameter's gradient is formed from a step's gate gradients and saved inputs. */
  readonly terms: GradTerm[];
}

/**
 * One parameter's gradient at a step, from a gate gradient (a key of StepGrad.dgates, or dz for the
 * output layer) and a saved vector (x, hPrev, cPrev, h, c, or a key of StepCache.aux):
 * outer: dP += grad ⊗ input (a matrix); bias: dP += grad; diag: dP += grad ⊙ input (peepholes).
 */
export type GradTerm =
  | { kind: 'outer'; param: string; grad: string; input: string }
  | { kind: 'bias'; param: string; grad: string }
  | { kind: 'diag'; param: string; grad: string; input: string };

/** The usual terms of a gate q: W_xq, W_hq from x and h_prev, and b_q. */
export function gateTerms(q: string, grad = q, hInput = 'hPrev'): GradTerm[] {
  return [
    { kind: 'outer', param: `W_x${q}`, grad, input: 'x' },
    { kind: 'outer', param: `W_h${q}`, grad, input: hInput },
    { kind: 'bias', param: `b_${q}`, grad },
  ];
}
