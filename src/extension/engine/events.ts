/**
 * The messages from the engine worker to the extension host: replies by id, and the events of a
 * spec's builds and session (routed by key) and of training runs (by job). Plain data, with a
 * trace's summary packed (its columns' buffers move with the message).
 */
import type { Diagnostic, FlowPhase } from '../../engine';
import type { Cursor, PackedTraceSummary, SpecError, StepSnapshot } from '../../protocol';
import type { SessionChange } from '../../session/api';
import type { FromWorker } from '../../node/training/messages';

export type Reply = { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: string };

/** The diagnostics of one parse (the answer to a SpecRequest, by id). */
export interface DiagnosticsValue {
  diagnostics: Diagnostic[];
  /** Whether an open session is rebuilding from this text (its `built` or `buildFailed` follows). */
  rebuilding: boolean;
}

/** A build is under way: how far (posted a few times a second). */
export interface BuildProgress {
  type: 'progress';
  key: string;
  build: number;
  phase: 'forward' | 'backward';
  done: number;
  total: number;
}

/** The flow data of a session are being computed: which part and how far (posted a few times a second, after the first moments). */
export interface FlowProgressEvent {
  type: 'flowProgress';
  key: string;
  phase: FlowPhase;
  done: number;
  total: number;
}

/** A session has a (new) trace. */
export interface Built {
  type: 'built';
  key: string;
  build: number;
  /** Packed (src/traceColumns.ts): its columns moved from the worker, forwarded to the webview as they are. */
  summary: PackedTraceSummary;
  T: number;
  cursor: Cursor;
  /** Set when a panel watches. */
  snapshot: StepSnapshot | null;
  /** Something the user should hear about (invalid weights beside the spec). */
  warning?: string;
  /** Set when trained weights exist beside the spec: which ones the trace uses (see UseWeightsRequest). */
  weightsChoice?: { current: 'trained' | 'initial'; trained: string };
  /** Whether the model samples (a char or token model with a softmax output). */
  samples?: boolean;
}

/** A build did not produce a trace: the spec's errors, or a cancel. The last good trace stays. */
export interface BuildFailed {
  type: 'buildFailed';
  key: string;
  build: number;
  errors: SpecError[];
  cancelled: boolean;
}

/** A front-end's attach joined the build of the same text under way (`into`): its `built` is the answer to build `build` too. */
export interface Joined {
  type: 'joined';
  key: string;
  build: number;
  into: number;
}

/** The cursor moved (by any front-end) or a new trace replaced the old. */
export interface Changed {
  type: 'changed';
  key: string;
  change: SessionChange;
  /** Set when a panel watches. */
  snapshot: StepSnapshot | null;
}

/** A training run's messages, as the training loop posts them. */
export interface TrainingEvent {
  type: 'training';
  job: number;
  message: FromWorker;
}

export type FromEngine = Reply | BuildProgress | Built | BuildFailed | Joined | Changed | TrainingEvent | FlowProgressEvent;
