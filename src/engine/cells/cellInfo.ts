/**
 * What a cell says about itself (cell.ts's Cell.info): its states, parameters and their shapes,
 * gates, recurrent matrices and gate path (for flow's λ and γ), its equations as text, and its
 * PyTorch form. Code outside src/engine/cells asks this instead of switching on the cell's kind.
 */
import type { ModelConfig } from '../types';

/** The gate product that carries a gated cell's state path (flow's gate path), e.g. Π f. */
export interface GatePath {
  /** The gate (a key of StepCache.gates). */
  gate: string;
  /** Whether the path goes through 1 - gate (the classic gru's z). */
  complement: boolean;
  /** How the panel and the CLI name the product: 'Π f', 'Π (1 − z)'. */
  label: string;
  /** What the path is: 'cell-state path', 'gate path'. */
  what: string;
}

/** A cell's equations as text in the expression language (src/engine/expr), one assignment a line. */
export interface CellEquations {
  /** Forward, in order: `a = W_xh @ x + W_hh @ h_prev + b_h`, `h = tanh(a)`. */
  forward: string[];
  /** Backward, given dh (and d<state> for every other state) at t: `da = dh * (1 - h * h)`, `dh_prev = transpose(W_hh) @ da`. */
  backward: string[];
}

/**
 * The cell as PyTorch has it: the torch.nn module that computes exactly this cell, and how our
 * parameters sit in its weight_ih_l*, weight_hh_l*, bias_ih_l*, bias_hh_l* (row blocks, one per
 * gate, in PyTorch's order). Weights files are mapped and scripts exported by asking this.
 */
export interface PyTorchForm {
  /** The torch.nn class ('RNN', 'LSTM', 'GRU'), or null when none computes this cell (then `why`). */
  module: 'RNN' | 'LSTM' | 'GRU' | null;
  /** Why no module computes it, and the setting that would make one, e.g. "nn.LSTM has no peepholes; set model.peephole: false". */
  why?: string;
  /** Constructor arguments besides the sizes, as Python: 'nonlinearity="tanh"'. */
  args?: string;
  /** The row blocks in PyTorch's order, each [input matrix, recurrent matrix, bias] in our names: [['W_xi', 'W_hi', 'b_i'], ...]. */
  blocks: [string, string, string][];
  /** A bias PyTorch keeps inside a gate's product, in bias_hh's block (the GRU's b_hn: r * (W_hn h + b_hn)); the rest are b_ih + b_hh. */
  hiddenBias: { block: number; name: string } | null;
}

/** What a cell knows about itself: everything code outside src/engine/cells asks instead of its kind. */
export interface CellInfo {
  /** The spec's model.cell: rnn, lstm, gru, custom. */
  kind: string;
  /** A short description for the panel and the CLI: 'lstm (peephole)', 'gru (classic)'. */
  label: string;
  /** State names, h first. */
  states: string[];
  /** The cell's parameter shapes by name (the output layer's W_hy, b_y are not the cell's), in canonical order. */
  shapes: Record<string, number[]>;
  /** The same shapes in symbols: [['H', 'D'], ['H', 'H'], ['H']]. */
  symbols: Record<string, string[]>;
  /** The gate names shown in the panel, in the notes' order. */
  gates: string[];
  /** The recurrent matrices (those that multiply h_{t-1}): flow's λ is the norm of them stacked. */
  recurrent: string[];
  /** The matrix whose spectral radius stands for "the" recurrent one (W_hh, W_hg, W_hn). */
  mainRecurrent: string;
  /** γ: max f' of the recurrence's nonlinearity (tanh 1, sigmoid 1/4). */
  gamma: number;
  /** The gate product that carries the state path, or null (rnn). */
  path: GatePath | null;
  /** The parameter init.forget_bias sets (lstm b_f), or null. */
  forgetBias: string | null;
  /** The model settings besides D and H that shape this cell (rnn activation, gru variant, lstm peephole and coupled). */
  settings: (keyof ModelConfig)[];
  /** The equations, forward and backward, in the expression language. */
  equations: CellEquations;
  /** Its PyTorch form (module, gate order, the split of the weights). */
  pytorch: PyTorchForm;
  /**
   * A stack (stacked.ts): each layer described under the stack's names, bottom first (its parameters
   * W_xh_l2, ...; its input named x, x_emb or h_l{l-1}; its own states and gates plain). Absent for one cell.
   */
  layers?: CellInfo[];
}

/** The usual shapes of a gate q: W_xq [H, D], W_hq [H, H], b_q [H]. */
export function gateSymbols(q: string): Record<string, string[]> {
  return { [`W_x${q}`]: ['H', 'D'], [`W_h${q}`]: ['H', 'H'], [`b_${q}`]: ['H'] };
}

/** Shapes from symbols, for sizes H and D. */
export function shapesOf(symbols: Record<string, string[]>, H: number, D: number): Record<string, number[]> {
  const size = (s: string): number => (s === 'H' ? H : s === 'D' ? D : Number(s));
  return Object.fromEntries(Object.entries(symbols).map(([k, v]) => [k, v.map(size)]));
}

