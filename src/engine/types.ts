/** Core types shared by the engine, the spec loader and the CLI. Pure data: no vscode, no DOM. */

export type CellKind = 'rnn' | 'lstm' | 'gru' | 'custom';
export type Activation = 'tanh' | 'sigmoid' | 'relu' | 'identity';
export type OutputKind = 'softmax' | 'identity' | 'tanh' | 'sigmoid';
export type LossKind = 'cross-entropy' | 'mse';
export type Reduction = 'sum' | 'mean';
export type Truncate = 'none' | 'chunks' | 'window';
export type GruVariant = 'classic' | 'pytorch';
export type InitScheme = 'xavier' | 'uniform' | 'normal' | 'zeros';
export type OptimizerKind = 'sgd' | 'momentum' | 'adagrad' | 'adam';

/** The model's architecture and sizes: x in R^D, h in R^H, y in R^K. */
export interface ModelConfig {
  cell: CellKind;
  D: number;
  H: number;
  K: number;
  /** rnn only: f in h_t = f(W_xh x_t + W_hh h_{t-1} + b_h). */
  activation: Activation;
  /** gru only: classic (the notes') or pytorch form. */
  variant: GruVariant;
  /** lstm only: i and f see c_{t-1}, o sees c_t through diagonal weights. */
  peephole: boolean;
  /** lstm only: i = 1 - f. */
  coupled: boolean;
  /** custom only: the cell written as equations (model.state, model.params, model.equations). */
  custom?: CustomCellSpec;
  /** model.layers: stacked cells of this kind (1 when absent); layer l >= 2's parameters end in _l{l}. */
  layers?: number;
  /** model.embedding: E, a token table W_emb [V = D, E] before the first layer; null or absent without one. */
  embedding?: number | null;
  /** y = out(W_hy h + b_y). */
  output: OutputKind;
  loss: LossKind;
  reduction: Reduction;
}

/** A custom cell as the spec writes it. */
export interface CustomCellSpec {
  /** State names, h first: each a vector of size H carried between steps. */
  states: string[];
  /** Parameter shapes in H, D and integers, by name, in the spec's order. */
  params: Record<string, (string | number)[]>;
  /** One assignment a line, in the expression language. */
  equations: string;
}

/** A dense tensor, row-major: shape [rows, cols] for matrices, [n] for vectors. */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

/** Parameters by the spec's names (W_xh, W_hh, b_h, W_hy, b_y, ...), in canonical order. */
export type Params = Record<string, Tensor>;

/** A target at one timestep: a class index (cross-entropy), a distribution or vector (mse), or none. */
export type Target = { kind: 'class'; index: number } | { kind: 'vector'; values: Float64Array };

/** One training sequence. inputs[t-1] and targets[t-1] belong to timestep t (t = 1..T). */
export interface Sequence {
  inputs: Float64Array[];
  targets: (Target | null)[];
  /** Display labels for each input (the token for a char model), when known. */
  inputLabels?: string[];
  /** Display labels for each target, when known. */
  targetLabels?: (string | null)[];
}

export interface BpttConfig {
  truncate: Truncate;
  /** Steps per chunk (chunks) or steps each L_t backpropagates through (window). */
  k: number;
}

export interface TrainConfig {
  optimizer: OptimizerKind;
  lr: number;
  epochs: number;
  /** Gradient-norm clipping threshold; null disables. */
  clip: number | null;
  batch: number;
  seed: number;
}

/** Where a char or token model's data came from. */
export interface VocabInfo {
  /** Tokens in index order. */
  vocab: string[];
  /** Whether tokens are characters (text) or whole tokens. */
  chars: boolean;
}

/** A fully resolved spec: everything the engine needs to trace, check or train. */
export interface Problem {
  name: string;
  config: ModelConfig;
  bptt: BpttConfig;
  train: TrainConfig;
  params: Params;
  /** The state before step 1, one vector per state of the cell (h; lstm h and c), from init.h0, init.c0, ... */
  s0: Record<string, Float64Array>;
  sequence: Sequence;
  vocab: VocabInfo | null;
  /** For training on a file: the whole corpus as token indices and the sequence length. */
  corpus: { indices: Int32Array; seq: number } | null;
  /** init.pytorch: module prefixes that pick the model out of a PyTorch file (for --weights too). */
  pytorch?: { rnn?: string; embedding?: string; output?: string };
}

/** A message about a place in a spec file. Lines and columns count from 1. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Byte offsets into the text, for editors. */
  offset: number;
  length: number;
  /** The path of the field in the spec, e.g. ['model', 'hidden']. */
  path: (string | number)[];
}
