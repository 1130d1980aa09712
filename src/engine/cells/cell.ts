/**
 * The contract between the time loop and a recurrent cell (forward and backward of one timestep,
 * the faster runs a cell may offer, its batched pass). The description each cell gives of itself,
 * so code outside src/engine/cells asks the cell instead of switching on its kind, is cellInfo.ts.
 */
import type { Params } from '../types';
import type { CellInfo } from './cellInfo';

export type { CellEquations, CellInfo, GatePath, PyTorchForm } from './cellInfo';
export { gateSymbols, shapesOf } from './cellInfo';

/** Per state name (h; the lstm's c), one vector per sequence of a batch. */
export type BatchState = Record<string, Float64Array[]>;

/**
 * The recurrent state carried between timesteps: one vector of size H per state name, in the
 * cell's order (h first; the lstm has h and c; a custom cell its own).
 */
export type CellState = Record<string, Float64Array>;

/** Everything a cell's backward needs from its forward at one timestep. */
export interface StepCache {
  x: Float64Array;
  /** The state before the step (s_{t-1} for every state s). */
  prev: CellState;
  /** The state after the step (s_t for every state s). */
  state: CellState;
  /** h_t (the same vector as state.h): what the output layer reads. */
  h: Float64Array;
  /** Pre-activations by gate name (rnn: a). */
  pre: Record<string, Float64Array>;
  /** Gate values after their nonlinearity (rnn: none; a custom cell: every intermediate). */
  gates: Record<string, Float64Array>;
  /** Cell-specific saved intermediates (tanh(c_t), r*h_prev, W_hn h_prev + b_hn, ...). */
  aux: Record<string, Float64Array>;
  /** Stacked layers: each layer's own step, bottom first (see stacked.ts). */
  layers?: StepCache[];
}

/** What one timestep's backward returns. Linear in the incoming gradients, given the cache. */
export interface StepGrad {
  /** dL/d(pre-activation) of each gate (rnn: a). */
  dgates: Record<string, Float64Array>;
  /** dL/ds_t in total for every state s (h: as given; c: from the future and through h_t). */
  dstate: CellState;
  /** dL/ds_{t-1} through this step, for every state s. */
  dprev: CellState;
  /** dL/dx_t, when asked for (stacked layers pass it down); else null. */
  dx: Float64Array | null;
  /** Further per-step gradients the cell's terms read (a custom cell's parameter gradients). */
  extra?: Record<string, Float64Array>;
  /** Stacked layers: each layer's own backward step, bottom first. */
  layers?: StepGrad[];
}

/** The backward record of one timestep, before any parameter gradient is formed (bptt.ts's backwardRange). */
export interface BackwardStep {
  /** dL/dz_t after reduction scaling. */
  dz: Float64Array;
  dhFromOutput: Float64Array;
  dhFromFuture: Float64Array;
  dh: Float64Array;
  grad: StepGrad;
}

/** Receives the h after each of the steps i0, i0+1, ... as the rows of hs ([n, H], a view valid during the call). */
export type TapeRecord = (i0: number, hs: Float64Array) => void;

/** Steps inputs[from..to) from s0, knowing tape's rows: the h after each of those steps ([to - from, H]). */
export type Replay = (inputs: readonly Float64Array[], s0: CellState, tape: Float64Array, from: number, to: number) => StepCache[];

export interface Cell {
  readonly H: number;
  readonly D: number;
  readonly info: CellInfo;
  /** One step forward from the state before it. Allocates the step's own vectors (they are kept by traces). */
  forward(p: Params, x: Float64Array, prev: CellState): StepCache;
  /**
   * One step back. d holds, for every state s, dL/ds_t from outside this step: h from the output at
   * t and from step t+1 (its total), the others from step t+1; a missing state counts as zero.
   * withDx: also return dL/dx_t.
   */
  backward(p: Params, cache: StepCache, d: CellState, withDx?: boolean): StepGrad;
  /** How each parameter's gradient is formed from a step's gate gradients and saved inputs. */
  readonly terms: GradTerm[];
  /**
   * Where the cell steps a run of inputs faster than step by step (the standard LSTM: the input
   * halves of a block of steps as one product): a runner for inputs[from..to) whose step(i, prev)
   * returns what forward(p, inputs[i], prev) would, bit for bit. unroll asks for it; null: forward.
   */
  runner?(p: Params, inputs: readonly Float64Array[], from: number, to: number): StepRunner | null;
  /**
   * Optional: backwardRange's one sweep over a run of steps in one go (the standard LSTM's in wasm),
   * the same numbers: dzs are the steps' dL/dz_t after scaling, K the output size, chunk the
   * truncation's period (0: none), dNext what arrives at the last step. Null where it does not apply.
   */
  backwardRun?(p: Params, K: number, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState): BackwardStep[] | null;
  /**
   * Where the cell has a faster run that keeps no step's vectors (the standard LSTM): inputs[from..to)
   * from s0 with the same numbers as unroll, calling keep(i, state) after each step i with want(i).
   * Returns the last state, or null when it does not apply (then unroll; see advance in unroll.ts).
   */
  advance?(p: Params, inputs: readonly Float64Array[], s0: CellState, from: number, to: number, want: (i: number) => boolean, keep: (i: number, state: CellState) => void, record?: TapeRecord): CellState | null;
  /**
   * Where the cell recomputes a run of steps faster from the h it had after each step (a tape the first
   * pass kept through advance's record): a Replay giving unroll's records bit for bit (the standard
   * LSTM: every step's affine part as one product, only the gates step by step). Null where it does
   * not apply.
   */
  replayer?(p: Params): Replay | null;
  /**
   * The cell's minibatch path: for fixed parameters, B sequences of one length as [B, ·] row blocks
   * per timestep through matrix-matrix kernels (src/engine/batch drives it). Absent: the trainer
   * runs a batch sequence by sequence through the trace.
   */
  batch?(p: Params): BatchCell;
}

/** A cell's stepping over a run of inputs (Cell.runner); release() ends it (pinned operands). */
export interface StepRunner {
  step(i: number, prev: CellState): StepCache;
  release(): void;
}

/**
 * A cell's batched pass for fixed parameters. Row r = t·B + b of a [T·B, ·] buffer is sequence b at
 * step t+1. The driver (src/engine/batch) owns the output layer and the loss.
 */
export interface BatchCell {
  /** Arrays its products read on every step (stacked or transposed matrices): kept resident in wasm memory for the pass. */
  readonly resident: Float64Array[];
  /** Numbers the pass keeps per row and step (for bounding a batch's memory before it runs). */
  readonly perRowStep: number;
  /** The forward over X [T·B, D], every sequence from its own state. */
  forward(X: Float64Array, T: number, B: number, s0: BatchState): BatchRun;
}

/** A batched forward, kept for its backward. */
export interface BatchRun {
  /** h_0 .. h_T as [(T+1)·B, H]: block 0 the initial states. */
  readonly Hs: Float64Array;
  /** Each state after the last step, one vector per sequence. */
  end(): BatchState;
  /**
   * The backward from dH [T·B, H], dL/dh_t from outside the cell (the output layer, the layer above);
   * cut(t): nothing flows from step t+2 into step t+1 (row block t) — a truncation's chunk end.
   * Adds the parameters' gradients into grads (the cell's own names); returns dL/dx rows [T·B, D] when withDx.
   */
  backward(dH: Float64Array, cut: (t: number) => boolean, grads: Params, withDx: boolean): Float64Array | null;
}

/**
 * One parameter's gradient at a step, from a gradient (a key of StepGrad.dgates or StepGrad.extra,
 * or dz for the output layer) and a saved vector (x, a state s or s_prev, or a key of StepCache.aux):
 * outer: dP += grad ⊗ input (a matrix); bias: dP += grad (also a whole matrix's gradient from extra);
 * diag: dP += grad ⊙ input (peepholes).
 */
export type GradTerm =
  | { kind: 'outer'; param: string; grad: string; input: string }
  | { kind: 'bias'; param: string; grad: string }
  | { kind: 'diag'; param: string; grad: string; input: string }
  /** dP += input ⊗ grad: a table read by row, such as the embedding's dW_emb = x ⊗ de. */
  | { kind: 'outerT'; param: string; grad: string; input: string };

/** The usual terms of a gate q: W_xq, W_hq from x and h_prev, and b_q. */
export function gateTerms(q: string, grad = q, hInput = 'h_prev'): GradTerm[] {
  return [
    { kind: 'outer', param: `W_x${q}`, grad, input: 'x' },
    { kind: 'outer', param: `W_h${q}`, grad, input: hInput },
    { kind: 'bias', param: `b_${q}`, grad },
  ];
}
