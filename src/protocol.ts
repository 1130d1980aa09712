/**
 * The messages between the extension host and the stepper webview, in both directions, and
 * nothing else. Both sides import this module; every message is checked where it arrives.
 */

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
  data: number[];
  /** Entries per cell when pooled, else absent. */
  block?: number[];
}

/** A vector shown with a name, e.g. h_t or the forget gate f. */
export interface NamedVector {
  name: string;
  values: number[];
}

/** One line of the step's equations with the numbers filled in. */
export interface EquationLine {
  /** The symbolic form, e.g. "h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)". */
  symbolic: string;
  /** The same with numbers, e.g. "h_2 = tanh([0.1, …]) = [0.0997, …]". */
  numeric: string;
}

/** One column of the timeline: what is known about step t without moving the cursor. */
export interface TimelineStep {
  t: number;
  input: string;
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
  /** Parameter names in canonical order with their shapes. */
  params: { name: string; shape: number[] }[];
}

/** Everything the panel shows at the cursor. */
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
    dh: number[];
    dh_from_output: number[];
    dh_from_future: number[];
    dc: number[] | null;
    dgates: NamedVector[];
  } | null;
  /** ||dL/dh_t|| for t = 1..T: known (a number) once the backward pass has reached t, else null. */
  dhNorms: (number | null)[];
  /** Backward only: each parameter's contribution at t and the sum accumulated from T down to t. */
  grads: { name: string; contribution: Matrix; accumulated: Matrix }[] | null;
}

/** A problem in the spec, positioned. */
export interface SpecError {
  line: number;
  column: number;
  message: string;
}

// ---------------------------------------------------------------- host -> webview

/** A new or recomputed trace. */
export interface TraceMessage {
  type: 'trace';
  summary: TraceSummary;
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

export type HostMessage = TraceMessage | SnapshotMessage | ErrorsMessage;

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

export type WebviewMessage = ReadyMessage | StepMessage | JumpMessage;

// ---------------------------------------------------------------- runtime checks

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export function isCursor(v: unknown): v is Cursor {
  return isObj(v) && (v.phase === 'forward' || v.phase === 'backward') && isInt(v.t) && v.t >= 1;
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
    default:
      return null;
  }
}

/** Checks a message from the host: the shape the webview relies on, cheaply. */
export function parseHostMessage(v: unknown): HostMessage | null {
  if (!isObj(v)) return null;
  switch (v.type) {
    case 'trace':
      return isObj(v.summary) && isObj(v.snapshot) && isCursor(v.snapshot.cursor) ? (v as unknown as TraceMessage) : null;
    case 'snapshot':
      return isObj(v.snapshot) && isCursor(v.snapshot.cursor) ? (v as unknown as SnapshotMessage) : null;
    case 'errors':
      return typeof v.file === 'string' && Array.isArray(v.errors) ? (v as unknown as ErrorsMessage) : null;
    default:
      return null;
  }
}
