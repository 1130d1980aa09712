/**
 * The messages between the extension host and the stepper webview, in both directions, and
 * nothing else. Both sides import this module; every message is checked where it arrives.
 */
import { validColumns } from './traceColumns';

/** Which pass the cursor is in. */
export type Phase = 'forward' | 'backward';

/** The stepper's cursor: forward t = 1..T, then backward t = T..1. */
export interface Cursor {
  phase: Phase;
  t: number;
}

/**
 * A parameter's values as a heatmap: row-major data with its shape. A matrix larger than the panel
 * can show arrives pooled: each cell stands for a block of block[0] x block[1] entries and holds the
 * block's entry of largest magnitude (sign kept), so extremes stay visible.
 */
export interface Matrix {
  /** The parameter's true shape. */
  shape: number[];
  /** The shape of data: equal to shape unless pooled. */
  grid: number[];
  /** At full precision (the panel formats it once; binary on the way: as many bytes as display-precision JSON). */
  data: Float64Array;
  /** Entries per cell when pooled, else absent. */
  block?: number[];
}

/** A vector shown with a name, e.g. h_t or the forget gate f. */
export interface NamedVector {
  name: string;
  /** At full precision: the card chooses one format for its numbers and writes each once. */
  values: Float64Array;
  /** What the row is when its usual description would mislead, e.g. a stacked layer's input: "input: h_l1, from layer 1". */
  label?: string;
}

/** An equation's right-hand side as a tree to typeset (the expression language's, without positions). */
export type MathNode =
  | { k: 'name'; name: string }
  | { k: 'num'; value: number }
  | { k: 'un'; op: string; arg: MathNode }
  | { k: 'bin'; op: string; left: MathNode; right: MathNode }
  | { k: 'call'; fn: string; args: MathNode[] };

/**
 * A value written into an equation: a vector ([n]) or matrix ([r, c]) at full precision; long
 * ones elided to the rows and columns listed (0-based), the panel drawing ⋯ at each gap.
 */
export interface TermValue {
  shape: number[];
  rows: number[];
  cols: number[];
  /** rows.length × cols.length, row-major. */
  data: Float64Array;
}

/** A line typeset: the target, the right-hand side, every name's value at t, and the result. */
export interface EquationMath {
  target: string;
  expr: MathNode;
  /** Values of the names in expr (params: param = true, written without t). */
  values: { name: string; value: TermValue; param?: boolean }[];
  result: TermValue | null;
}

/** One line of the step's equations with the numbers filled in. */
export interface EquationLine {
  /** The line typeset with its numbers, when the host could build it; absent from older hosts. */
  math?: EquationMath;
  /** The symbolic form, e.g. "h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)". */
  symbolic: string;
  /** The same with numbers, e.g. "h_2 = tanh([0.1, …]) = [0.0997, …]". */
  numeric: string;
}

/** One column of the timeline: what is known about step t without moving the cursor. */
export interface TimelineStep {
  t: number;
  /** The input in full: a token, a number, or a vector's entries (the column's title). */
  input: string;
  /** A vector input's short form for the narrow column, e.g. "-0.42…" (its first entry); absent when input fits. */
  inputShort?: string;
  target: string | null;
  loss: number | null;
}

/** The model and sequence, sent when a trace is (re)computed; small and independent of the cursor. */
export interface TraceSummary {
  name: string;
  file: string;
  cell: string;
  /** A one-line description: "lstm (peephole) · D=4 H=3 K=4 · softmax + cross-entropy (sum)". */
  description: string;
  T: number;
  loss: number;
  truncate: 'none' | 'chunks' | 'window';
  k: number;
  timeline: TimelineStep[];
  /** Parameter names in canonical order with their shapes; rowLabels/colLabels name a dimension of tokens (input or output vocabulary). */
  params: { name: string; shape: number[]; rowLabels?: string[]; colLabels?: string[]; /** The current value, pooled to a budget (the Weights section); absent from older hosts. */ value?: Matrix }[];
  /** ||dL/dh_t|| for t = 1..T, once per trace (null: not finite); absent from older hosts. */
  dhNorms?: (number | null)[];
  /** A stack (model.layers > 1): ||dL/dh_t|| of each layer, bottom first (the top one's is dhNorms); absent above MAX_LAYER_NORMS numbers (T·L). */
  layerDhNorms?: (number | null)[][];
  /** A stack whose layerDhNorms were left out (T·L above MAX_LAYER_NORMS): its number of layers L. */
  layerDhNormsOmitted?: number;
  /** Where the parameters come from when not the spec's init, e.g. "weights: hello.weights.json (epoch 200)". */
  weights?: string;
}

/**
 * A summary's per-step columns as typed arrays (see src/traceColumns.ts): labels once each, the
 * others index them (-1: none). NaN in dhNorms is a null norm; hasLoss says which steps have an L_t.
 */
export interface TraceColumns {
  labels: string[];
  inputs: Int32Array;
  /** A vector input's short form (TimelineStep.inputShort), or -1. */
  shorts: Int32Array;
  targets: Int32Array;
  losses: Float64Array;
  hasLoss: Uint8Array;
  dhNorms: Float64Array | null;
  layerDhNorms: Float64Array[] | null;
}

/** A TraceSummary as it travels, its T-long fields packed into columns (worker -> host -> webview). */
export interface PackedTraceSummary extends Omit<TraceSummary, 'timeline' | 'dhNorms' | 'layerDhNorms'> {
  columns: TraceColumns;
}

/** The most numbers a summary's layerDhNorms holds (T·L): above, the timeline's strip shows only the top layer. */
export const MAX_LAYER_NORMS = 1_000_000;

/** Above this T a snapshot leaves dhNorms empty (the summary has them). */
export const STRIP_IN_SNAPSHOT = 256;

/**
 * Everything the panel shows at the cursor. Numbers at full precision, formatted once by the card
 * that shows them (a card chooses one format for all its numbers: rounding here first would round
 * twice); vectors and matrices as Float64Array, which VS Code posts to a webview as binary.
 */
export interface StepSnapshot {
  cursor: Cursor;
  /** Forward quantities at t: x, h, c, gates, y, p (always present: the backward view refers to them). */
  forward: NamedVector[];
  /** L_t, or null without a target. */
  loss: number | null;
  /** The output distribution (softmax) with labels, when the output is softmax. */
  distribution: { label: string; p: number; target: boolean }[] | null;
  equations: EquationLine[];
  /** Backward only: dL/dh_t and its two parts, dc_t, the gate gradients. */
  backward: {
    dh: Float64Array;
    dh_from_output: Float64Array;
    dh_from_future: Float64Array;
    dc: Float64Array | null;
    /** dL/dc_t (and any state but h) as its two parts, like dL/dh_t: through h_t at t, and from step t+1; absent from older hosts. */
    stateParts?: { name: string; local: Float64Array; fromFuture: Float64Array }[];
    dgates: NamedVector[];
    /** dL/ds_t for every state s of the cell but h (lstm: dc; a custom cell: each of its states), named d<s>. */
    dstates?: NamedVector[];
  } | null;
  /**
   * ||dL/dh_t|| for t = 1..T: known (a number) once the backward pass has reached t, else null.
   * Empty for long sequences (T > STRIP_IN_SNAPSHOT): the panel then reads TraceSummary.dhNorms
   * (sent once per trace), known for t' >= t in the backward phase.
   */
  dhNorms: (number | null)[];
  /** Backward only: each parameter's contribution at t and the sum accumulated from T down to t. */
  grads: { name: string; contribution: Matrix; accumulated: Matrix }[] | null;
  /**
   * A stack (model.layers > 1 or an embedding): every layer at t, bottom first (the top one is also
   * forward/backward above). For the panel's layer switch; absent for a single cell.
   */
  layers?: LayerSnapshot[];
  /** A stack: the layer the cards and equations above show (1 = bottom; see LayerMessage). */
  layer?: number;
}

/** One layer of a stack at the cursor: its gates, states and h; in the backward phase dL/dh, dgates, dstates. */
export interface LayerSnapshot {
  /** 1 = the bottom layer. */
  layer: number;
  forward: NamedVector[];
  backward: { dh: Float64Array; dgates: NamedVector[]; dstates: NamedVector[] } | null;
}

/** A problem in the spec, positioned. */
export interface SpecError {
  line: number;
  column: number;
  message: string;
}

/** ||dL_t/dh_k||_2 over (t, k), rows L_t by columns k: bounded on long sequences, columns pooled (largest norm) when wide. */
export interface FlowMapView {
  T: number;
  /** 1-based t of each row, ascending. */
  rows: number[];
  /** 1-based first k of each column, ascending; a column covers k .. k + block - 1 (at most T). */
  cols: number[];
  /** Steps per column: 1 unless pooled. */
  block: number;
  /** norms[i][j] for t = rows[i] and column j: a number, or null above the diagonal, without a target or not computed. */
  norms: (number | null)[][];
  /** With truncation: dropped[i][j] = true when the spec's truncation cuts every pair the cell stands for; else null. */
  dropped: boolean[][] | null;
  /** Why not every pair was computed (to be stated on the view), else null. */
  bounded: string | null;
  /** With truncation: the share of the full gradient's norm the truncated gradient loses. */
  truncation: { share: number; fullNorm: number; truncatedNorm: number } | null;
  /** ratios[i][j] = ‖dL_t/dh_k‖ / ‖dL_t/dh_t‖ (pooled: the block's largest), null where norms is; absent from older hosts. */
  ratios?: (number | null)[][];
  /** How the gradient changes per step back, in plain words; absent from older hosts. */
  verdict?: FlowVerdict;
  /** A stack: the layer whose h the map is about (1 = bottom); absent for a single cell. */
  layer?: number;
}

/** The gradient's factor per step back, averaged over the map, and what it means. */
export interface FlowVerdict {
  /** The geometric mean factor per step back (1 = steady), null when no row reaches back. */
  factor: number | null;
  kind: 'vanishing' | 'exploding' | 'steady' | 'unknown';
  /** The farthest distance t - k any row reached. */
  steps: number;
  /** E.g. "×1.50 per step back: exploding; 9 steps back: ×38.4". */
  text: string;
}

/** A recurrent matrix's spectral radius rho and spectral norm ||W||_2, e.g. W_hh. */
export interface SpectralInfo {
  name: string;
  radius: number;
  norm: number;
}

/** What global norm clipping at a threshold would do to the trace's gradient (all parameters together). */
export interface ClipView {
  threshold: number;
  /** ||g||_2 over all parameters. */
  norm: number;
  /** min(1, threshold / norm). */
  scale: number;
  clippedNorm: number;
  perParam: { name: string; norm: number; clippedNorm: number }[];
}

/** ||dh_t/dh_k||_2 along the cursor's row t beside the bound (gamma lambda)^(t-k), and the gate path. */
export interface JacobianView {
  t: number;
  /** The cursor's t this row answers, when it is not t: at t = 1 there is no step back, so the last row (t = T) is shown. */
  cursorT?: number;
  /** The k of each entry below, ascending, ending at t. */
  ks: number[];
  /** ||dh_t/dh_k||_2; here and in bound and gatePath a value that overflowed arrives as null (JSON has no Infinity). */
  norms: number[];
  /** (gamma * lambda)^(t-k). */
  bound: number[];
  /** gamma = max f' of the recurrent nonlinearity. */
  gamma: number;
  /** lambda = ||W_hh||_2 (or the cell's recurrent counterpart). */
  lambda: number;
  /** gamma * lambda: the bound's factor per step back. */
  gammaLambda: number;
  /** lstm: product of forget gates; gru: product of (1 - z) or z; max over units; null for rnn. */
  gatePath: number[] | null;
  /** What the gate path multiplies, e.g. "Π f" (lstm), "Π (1 − z)" (gru classic), "Π z" (gru pytorch); null for rnn. */
  gateLabel: string | null;
  /** What the gate path is, as the cell says: "cell-state path" (lstm), "gate path"; null without one. */
  gateWhat?: string | null;
  /** The gate path in a sentence: its product back to the row's first k, per step, open or closing; null without one. */
  gateSummary?: string | null;
  /** λ's matrix as the cell names it: "‖W_hh‖₂", "‖[W_hi; W_hf; W_hg; W_ho]‖₂". */
  lambdaName?: string;
  /** Set when the cell has no [H, H] recurrent matrix (IndRNN's u is a vector): why there is no λ and no bound; bound is then empty. */
  noBound?: string;
  /** Why the row stops short of k = 1, else null. */
  bounded: string | null;
  /** A stack: the layer whose h_t and h_k the row relates (1 = bottom); absent for a single cell. */
  layer?: number;
}

/** The gradient-flow views' data that depends on the trace, not the cursor. */
export interface FlowData {
  map: FlowMapView;
  /** The recurrent matrices' spectral radii and norms (rnn: W_hh). */
  spectral: SpectralInfo[];
  /** The clipping preview at the default threshold (the spec's train.clip, else 5). */
  clip: ClipView;
}

// ---------------------------------------------------------------- host -> webview

/** A new or recomputed trace. */
export interface TraceMessage {
  type: 'trace';
  /** Packed by the host (its columns as typed arrays); the plain form is accepted too. */
  summary: TraceSummary | PackedTraceSummary;
  snapshot: StepSnapshot;
}
/** The snapshot at the cursor after a move. */
export interface SnapshotMessage {
  type: 'snapshot';
  snapshot: StepSnapshot;
}
/** The spec has errors; the last good trace stays visible. Empty list: errors cleared. */
export interface ErrorsMessage {
  type: 'errors';
  file: string;
  errors: SpecError[];
}

/** The gradient-flow data of the last trace sent, computed after it (it can take a moment); null with the reason if it failed. */
export interface FlowMessage {
  type: 'flow';
  flow: FlowData | null;
  error?: string;
}
/** The flow data of the trace shown are being computed: how far, in words ("the forward pass, 40%"). */
export interface FlowProgressMessage {
  type: 'flowProgress';
  text: string;
}
/** The Jacobian row of the cursor's t, sent after the snapshot that moved there. */
export interface JacobianMessage {
  type: 'jacobian';
  row: JacobianView;
}
/** The answer to a `clip` request: the preview at the threshold asked for. */
export interface ClipPreviewMessage {
  type: 'clipPreview';
  clip: ClipView;
}

/** What a training run is doing. */
export type TrainingStatus = 'running' | 'done' | 'cancelled' | 'failed';

/**
 * Training progress for the panel's training section (sent while a run of this panel's spec goes,
 * and once when it ends). `points` are the epochs completed since the last message, each with its
 * mean loss per sequence; the webview appends them to the loss curve.
 */
export interface TrainingProgressMessage {
  type: 'trainingProgress';
  status: TrainingStatus;
  epoch: number;
  epochs: number;
  step: number;
  /** The last update's loss; null before the first. */
  loss: number | null;
  stepsPerSecond: number;
  points: [number, number][];
  /** A fresh run: the curve starts over. */
  reset?: boolean;
  /** With status 'failed': what went wrong (step and parameter for a NaN). */
  message?: string;
}
/** A greedy sample from the current weights (char and token models), every few epochs. */
export interface TrainingSampleMessage {
  type: 'trainingSample';
  epoch: number;
  text: string;
}

/** A trace build's progress: running (forward or backward, steps done of total), then how it ended. */
export interface BuildMessage {
  type: 'build';
  status: 'running' | 'done' | 'cancelled' | 'failed';
  phase: Phase;
  done: number;
  total: number;
}

/** The user's settings the panel follows (contributes.configuration `bptt.*`): defaults for its own switches. */
export interface PanelSettings {
  /** ms between steps while playing (bptt.playSpeed: 1, 2, 4 or 10 steps/s). */
  playInterval: number;
  /** The heatmaps' default colour scale: one per card, or shared across cards (bptt.heatmap.scale). */
  heatmapScale: 'card' | 'shared';
  /** Colour by log magnitude by default (bptt.heatmap.logScale). */
  heatmapLog: boolean;
}
/** The settings, sent when the webview is ready and whenever one changes. */
export interface SettingsMessage {
  type: 'settings';
  settings: PanelSettings;
}
/** Which weights the panel traces (sent with each trace): the trained ones beside the spec or its initial ones. */
export interface WeightsChoiceMessage {
  type: 'weightsChoice';
  current: 'trained' | 'initial';
  /** The trained weights, e.g. "hello.weights.json (epoch 200)"; null when there are none (no choice to offer). */
  trained: string | null;
  /** Whether the model samples (a char or token model with a softmax output): the Sample form is offered. */
  samples: boolean;
}
/** The answer to a `sample` request: the text, or why there is none. */
export interface SampleResultMessage {
  type: 'sampleResult';
  text: string | null;
  error?: string;
  /** Which weights sampled, e.g. "hello.weights.json (epoch 200)" or "the spec's init". */
  weights: string;
}

export type HostMessage = TraceMessage | SnapshotMessage | ErrorsMessage | FlowMessage | FlowProgressMessage | JacobianMessage | ClipPreviewMessage | TrainingProgressMessage | TrainingSampleMessage | BuildMessage | SettingsMessage | WeightsChoiceMessage | SampleResultMessage;

// ---------------------------------------------------------------- webview -> host

/** The webview has loaded and wants the current trace. */
export interface ReadyMessage {
  type: 'ready';
}
/** Move the cursor by delta steps along forward 1..T then backward T..1. */
export interface StepMessage {
  type: 'step';
  delta: number;
}
/** Jump to the first forward step, the last backward step, or an exact place. */
export interface JumpMessage {
  type: 'jump';
  to: 'start' | 'end' | Cursor;
}

/** Preview global gradient-norm clipping at this threshold (finite, > 0). */
export interface ClipMessage {
  type: 'clip';
  threshold: number;
}

/** Stop the trace build under way (the last good trace stays). */
export interface CancelBuildMessage {
  type: 'cancelBuild';
}

/** Show layer `layer` of a stack (1 = bottom) in the cards, the equations and the flow views. */
export interface LayerMessage {
  type: 'layer';
  layer: number;
}

/** Sample from the weights the panel traces: `length` tokens after `prime`; temperature 0 = greedy. */
export interface SampleMessage {
  type: 'sample';
  prime: string;
  length: number;
  temperature: number;
}
/** Trace the trained weights beside the spec, or the spec's initial ones (to compare). */
export interface UseWeightsMessage {
  type: 'useWeights';
  weights: 'trained' | 'initial';
}
/** Show this place of the panel's spec in the editor (an error's position). */
export interface RevealMessage {
  type: 'reveal';
  line: number;
  column: number;
}

/** Bounds on a sample request: the prime's length, the tokens generated, the temperature. */
export const SAMPLE_LIMITS = { prime: 1000, length: 10_000, temperature: 100 } as const;

export type WebviewMessage = ReadyMessage | StepMessage | JumpMessage | ClipMessage | CancelBuildMessage | LayerMessage | SampleMessage | UseWeightsMessage | RevealMessage;

// ---------------------------------------------------------------- runtime checks

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export function isCursor(v: unknown): v is Cursor {
  return isObj(v) && (v.phase === 'forward' || v.phase === 'backward') && isInt(v.t) && v.t >= 1;
}

const isNums = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
/** JSON turns NaN and ±Infinity into null: a norm may arrive as null. */
const isNormList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number');

function isFlowMap(v: unknown): v is FlowMapView {
  if (!isObj(v) || !isInt(v.T) || !isNums(v.rows) || !isNums(v.cols) || !isInt(v.block) || !Array.isArray(v.norms)) return false;
  const width = v.cols.length;
  if (v.norms.length !== v.rows.length || !v.norms.every((r) => isNormList(r) && (r as unknown[]).length === width)) return false;
  return v.dropped === null || (Array.isArray(v.dropped) && v.dropped.length === v.rows.length && v.dropped.every((r) => Array.isArray(r) && r.length === width));
}

function isJacobian(v: unknown): v is JacobianView {
  return isObj(v) && isInt(v.t) && isNums(v.ks) && isNormList(v.norms) && isNormList(v.bound) && (v.gatePath === null || isNormList(v.gatePath)) && (v.cursorT === undefined || isInt(v.cursorT));
}

function isClip(v: unknown): v is ClipView {
  return isObj(v) && typeof v.threshold === 'number' && Array.isArray(v.perParam);
}

const TRAINING_STATUS: readonly string[] = ['running', 'done', 'cancelled', 'failed'];
/** A loss may arrive as null (JSON has no NaN). */
const isLoss = (v: unknown): boolean => v === null || typeof v === 'number';

function isTrainingProgress(v: Record<string, unknown>): boolean {
  return (
    typeof v.status === 'string' && TRAINING_STATUS.includes(v.status) &&
    isInt(v.epoch) && isInt(v.epochs) && isInt(v.step) && isLoss(v.loss) && typeof v.stepsPerSecond === 'number' &&
    Array.isArray(v.points) && v.points.every((p) => Array.isArray(p) && p.length === 2 && isInt(p[0]) && isLoss(p[1])) &&
    (v.message === undefined || typeof v.message === 'string') && (v.reset === undefined || typeof v.reset === 'boolean')
  );
}

/** Checks a message from the webview (a browser page: trust nothing). */
export function parseWebviewMessage(v: unknown): WebviewMessage | null {
  if (!isObj(v)) return null;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'step':
      return isInt(v.delta) && Math.abs(v.delta) <= 1_000_000 ? { type: 'step', delta: v.delta } : null;
    case 'jump':
      if (v.to === 'start' || v.to === 'end') return { type: 'jump', to: v.to };
      return isCursor(v.to) ? { type: 'jump', to: { phase: v.to.phase, t: v.to.t } } : null;
    case 'clip':
      return typeof v.threshold === 'number' && Number.isFinite(v.threshold) && v.threshold > 0 ? { type: 'clip', threshold: v.threshold } : null;
    case 'cancelBuild':
      return { type: 'cancelBuild' };
    case 'layer':
      return isInt(v.layer) && v.layer >= 1 && v.layer <= 1000 ? { type: 'layer', layer: v.layer } : null;
    case 'sample':
      return typeof v.prime === 'string' && v.prime.length <= SAMPLE_LIMITS.prime && isInt(v.length) && v.length >= 1 && v.length <= SAMPLE_LIMITS.length &&
        typeof v.temperature === 'number' && Number.isFinite(v.temperature) && v.temperature >= 0 && v.temperature <= SAMPLE_LIMITS.temperature
        ? { type: 'sample', prime: v.prime, length: v.length, temperature: v.temperature }
        : null;
    case 'useWeights':
      return v.weights === 'trained' || v.weights === 'initial' ? { type: 'useWeights', weights: v.weights } : null;
    case 'reveal':
      return isInt(v.line) && v.line >= 1 && isInt(v.column) && v.column >= 1 ? { type: 'reveal', line: v.line, column: v.column } : null;
    default:
      return null;
  }
}

/** Checks a message from the host: the shape the webview relies on, cheaply. */
export function parseHostMessage(v: unknown): HostMessage | null {
  if (!isObj(v)) return null;
  switch (v.type) {
    case 'trace':
      return isObj(v.summary) && (v.summary.weights === undefined || typeof v.summary.weights === 'string') && (!('columns' in v.summary) || (isInt(v.summary.T) && validColumns(v.summary.columns, v.summary.T))) && isObj(v.snapshot) && isCursor(v.snapshot.cursor)
        ? (v as unknown as TraceMessage)
        : null;
    case 'snapshot':
      return isObj(v.snapshot) && isCursor(v.snapshot.cursor) ? (v as unknown as SnapshotMessage) : null;
    case 'errors':
      return typeof v.file === 'string' && Array.isArray(v.errors) ? (v as unknown as ErrorsMessage) : null;
    case 'flow':
      if (v.flow === null) return typeof v.error === 'string' ? { type: 'flow', flow: null, error: v.error } : null;
      return isObj(v.flow) && isFlowMap(v.flow.map) && Array.isArray(v.flow.spectral) && isClip(v.flow.clip) ? (v as unknown as FlowMessage) : null;
    case 'flowProgress':
      return typeof v.text === 'string' && v.text.length <= 200 ? { type: 'flowProgress', text: v.text } : null;
    case 'jacobian':
      return isJacobian(v.row) ? (v as unknown as JacobianMessage) : null;
    case 'clipPreview':
      return isClip(v.clip) ? (v as unknown as ClipPreviewMessage) : null;
    case 'trainingProgress':
      return isTrainingProgress(v) ? (v as unknown as TrainingProgressMessage) : null;
    case 'trainingSample':
      return isInt(v.epoch) && typeof v.text === 'string' ? { type: 'trainingSample', epoch: v.epoch, text: v.text } : null;
    case 'build':
      return typeof v.status === 'string' && ['running', 'done', 'cancelled', 'failed'].includes(v.status) && (v.phase === 'forward' || v.phase === 'backward') && isInt(v.done) && isInt(v.total)
        ? { type: 'build', status: v.status as BuildMessage['status'], phase: v.phase, done: v.done, total: v.total }
        : null;
    case 'settings': {
      const st = v.settings;
      return isObj(st) && typeof st.playInterval === 'number' && st.playInterval > 0 && (st.heatmapScale === 'card' || st.heatmapScale === 'shared') && typeof st.heatmapLog === 'boolean'
        ? { type: 'settings', settings: { playInterval: st.playInterval, heatmapScale: st.heatmapScale, heatmapLog: st.heatmapLog } }
        : null;
    }
    case 'weightsChoice':
      return (v.current === 'trained' || v.current === 'initial') && (v.trained === null || typeof v.trained === 'string') && typeof v.samples === 'boolean'
        ? { type: 'weightsChoice', current: v.current, trained: v.trained, samples: v.samples }
        : null;
    case 'sampleResult':
      return (v.text === null || typeof v.text === 'string') && typeof v.weights === 'string' && (v.error === undefined || typeof v.error === 'string')
        ? { type: 'sampleResult', text: v.text, weights: v.weights, ...(v.error === undefined ? {} : { error: v.error }) }
        : null;
    default:
      return null;
  }
}
