/** The per-timestep records of a trace: what the panel and the CLI show at (phase, t). */
import type { Params } from './types';

/** What the forward pass computed at timestep t (t counts from 1). */
export interface ForwardRecord {
  t: number;
  /** x_t: [D] */
  x: Float64Array;
  /** h_t: [H] */
  h: Float64Array;
  /** c_t: [H], lstm only (the same vector as states.c). */
  c?: Float64Array;
  /** Every state s_t of the cell by name, h first (lstm: h, c; a custom cell its own). */
  states: Record<string, Float64Array>;
  /**
   * Pre-activations: rnn { a } (a = W_xh x + W_hh h_prev + b_h); lstm { i, f, g, o };
   * gru { r, z, n } (and pytorch's hn = W_hn h_prev + b_hn).
   */
  pre: Record<string, Float64Array>;
  /** Gate values after their nonlinearity: lstm { i, f, g, o }, gru { r, z, n }, rnn {}. */
  gates: Record<string, Float64Array>;
  /** Output pre-activation z_t = W_hy h_t + b_y: [K] */
  z: Float64Array;
  /** y_t = out(z_t): [K] */
  y: Float64Array;
  /** Probabilities, when the output is softmax (equal to y). */
  p?: Float64Array;
  /** L_t, or null when step t has no target. */
  loss: number | null;
  /** Stacked layers (model.layers > 1, or an embedding): each layer's h_t, states, pre-activations and gates, bottom first. */
  layers?: LayerForward[];
}

/** One layer's forward record in a stack (plain state and gate names). */
export interface LayerForward {
  /** The layer's input at t: x_t (layer 1), the embedding's row of x_t, or the layer below's h_t. */
  x: Float64Array;
  h: Float64Array;
  states: Record<string, Float64Array>;
  pre: Record<string, Float64Array>;
  gates: Record<string, Float64Array>;
}

/** One layer's backward record in a stack: dL/ds_t in total for each state, the gate gradients. */
export interface LayerBackward {
  dh: Float64Array;
  /** The part of dh from the same step: the output's W_hyᵀ dz_t (top layer), else back through the layer above at t. */
  dh_from_output: Float64Array;
  /** The part of dh from step t+1 (through the layer's own h_{t+1}, c_{t+1}), after truncation. */
  dh_from_future: Float64Array;
  dstates: Record<string, Float64Array>;
  dgates: Record<string, Float64Array>;
}

/** What the backward pass computed at timestep t. */
export interface BackwardRecord {
  t: number;
  /** dL/dh_t in total: [H] */
  dh: Float64Array;
  /** The part of dL/dh_t through the output at t: W_hy^T dz_t. */
  dh_from_output: Float64Array;
  /** The part of dL/dh_t from the future (through h_{t+1}, and c_{t+1} for lstm), after truncation. */
  dh_from_future: Float64Array;
  /** dL/dc_t in total, lstm only (the same vector as dstates.c). */
  dc?: Float64Array;
  /** dL/ds_t in total for every state s but h, by state name (lstm: c). */
  dstates: Record<string, Float64Array>;
  /** dL/dz_t, the gradient at the output pre-activation: [K] (zeros when t has no target). */
  dz: Float64Array;
  /** Gradients at the gate pre-activations (rnn: { a }). */
  dgates: Record<string, Float64Array>;
  /** Stacked layers, bottom first (the top one's are also dh, dstates, dgates above). */
  layers?: LayerBackward[];
}

/** Random access to a computed trace. */
export interface TraceView {
  readonly T: number;
  /** The total loss (sum or mean of L_t as the spec says). */
  readonly loss: number;
  /** The complete parameter gradients (the running sum at t = 1). */
  readonly grads: Params;
  forward(t: number): ForwardRecord;
  backward(t: number): BackwardRecord;
  /** Each parameter's contribution to the gradient at timestep t. */
  contribution(t: number): Params;
  /** The gradient accumulated by the backward pass from T down to t (inclusive). */
  accumulated(t: number): Params;
}
