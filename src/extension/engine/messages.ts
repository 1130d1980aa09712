/**
 * The messages from the extension host to the engine worker (dist/engineWorker.js), and what they
 * share with the answers (events.ts has the worker's side). The worker holds every spec's session
 * and runs training; the host relays. Plain data: everything here crosses postMessage.
 */
import type { ClipView, Cursor, FlowData, JacobianView, StepSnapshot } from '../../protocol';
import type { EvalResult, LineCheck, Move, MoveResult, ScopeName, SessionInfo, VarNode } from '../../session/api';
import type { StartTraining } from '../../node/training/messages';

/** A spec's text as the editor has it now (unsaved edits included). */
export interface SpecText {
  /** The document's URI as a string: the key of its session. */
  key: string;
  /** Shown in diagnostics and messages (a path, or the untitled name). */
  file: string;
  /** The folder files named in the spec resolve against; null for an untitled spec. */
  dir: string | null;
  /** The folders (real paths) files named in the spec must lie inside: the workspace folders, else the spec's folder. */
  roots: string[];
  /** How messages name those folders. */
  rootsName: string;
  /** Set in an untrusted workspace (Restricted Mode): why no file named in the spec is read. */
  refuse: string | null;
  format: 'yaml' | 'json';
  text: string;
}

/** Who watches a session: its panel, or a debug session. */
export type Watcher = 'panel' | 'debugger';

/** Parse this text (one parse per edit): diagnostics back; an open session rebuilds from it. */
export interface SpecRequest {
  type: 'spec';
  id: number;
  spec: SpecText;
  /** The build id for a rebuild (the host cancels a superseded build by it). */
  build: number;
  /** Rebuild even if the text is unchanged (the weights beside the spec changed). */
  force?: boolean;
}

/** A front-end starts watching the spec's session (built now if there is none). */
export interface AttachRequest {
  type: 'attach';
  spec: SpecText;
  who: Watcher;
  build: number;
  /** Where the cursor starts when the session is new (a restored panel). */
  cursor?: Cursor;
  /** A weights file whose parameters replace the spec's init (a launch configuration's weights). */
  weights?: string;
}

export interface DetachRequest {
  type: 'detach';
  key: string;
  who: Watcher;
}

/** A question to a session, answered by a reply with the same id. */
export type SessionCall =
  | { method: 'info' }
  | { method: 'move'; move: Move; origin?: string }
  | { method: 'lineOf'; t: number }
  | { method: 'scopes'; at: Cursor }
  | { method: 'variables'; at: Cursor; path: string[]; start?: number; count?: number }
  | { method: 'evaluate'; at: Cursor; text: string }
  | { method: 'checkLines'; lines: number[] }
  | { method: 'checkExpression'; text: string }
  | { method: 'snapshot' }
  | { method: 'flow' }
  | { method: 'jacobian'; t: number }
  | { method: 'clip'; threshold: number }
  /** Choose the layer of a stack the snapshot and the flow views show; answers the snapshot. */
  | { method: 'layer'; layer: number };

/** What each call answers. */
export interface CallResults {
  info: SessionInfo;
  move: MoveResult & { moved: boolean };
  lineOf: number;
  scopes: { name: ScopeName; named: number; expensive: boolean }[];
  variables: VarNode[];
  evaluate: EvalResult;
  checkLines: LineCheck[];
  checkExpression: { ok: true } | { ok: false; message: string; column: number };
  snapshot: StepSnapshot;
  flow: FlowData;
  jacobian: JacobianView;
  clip: ClipView;
  layer: StepSnapshot;
}

export interface CallRequest {
  type: 'call';
  id: number;
  key: string;
  call: SessionCall;
}

/** BPTT's gradients against finite differences, on the text given. */
export interface GradcheckRequest {
  type: 'gradcheck';
  id: number;
  spec: SpecText;
}

/** What the host needs to know of a spec before training it (its parse, in the worker). */
export interface DescribeRequest {
  type: 'describe';
  id: number;
  spec: SpecText;
  /** A weights file's text to check against the spec's model (a resume), else null. */
  weightsText: string | null;
}

/** The answer to a DescribeRequest. */
export interface SpecDescription {
  /** The first error (positioned), or null when the spec loads. */
  error: string | null;
  name: string;
  epochs: number;
  /** Whether sampling makes sense (a char or token model with a softmax output). */
  samples: boolean;
  /** Why the weights file does not fit the model, or null. */
  weightsError: string | null;
}

export interface TrainRequest {
  type: 'train';
  job: number;
  start: StartTraining;
}

export interface TrainCancelRequest {
  type: 'trainCancel';
  job: number;
}

/** Sample from the spec's model: the weights its panel traces if one is open, else as a new session would (trained beside it, else init). */
export interface SampleRequest {
  type: 'sample';
  id: number;
  spec: SpecText;
  prime: string;
  length: number;
  temperature: number;
  seed: number;
}

/** The answer to a SampleRequest. */
export interface SampleValue {
  text: string;
  /** Which weights sampled, e.g. "hello.weights.json (epoch 200)" or "the spec's init". */
  weights: string;
}

/** Trace the spec's initial weights instead of the trained ones beside it (or back); a watched session rebuilds. */
export interface UseWeightsRequest {
  type: 'useWeights';
  key: string;
  build: number;
  initial: boolean;
}

/** BPTT: Import PyTorch Weights…: a state_dict's bytes (moved, not copied) to read and describe as a spec; answers an ImportedSpec. */
export interface ImportWeightsRequest {
  type: 'importWeights';
  id: number;
  /** The file's name, for the spec's comment and the errors. */
  file: string;
  /** The spec's name. */
  name: string;
  bytes: Uint8Array;
}

/** The answer to an ImportWeightsRequest: the new spec's text. */
export interface ImportedSpec {
  text: string;
}

/** The document was closed and no front-end watches it: drop what the worker keeps of it. */
export interface ForgetRequest {
  type: 'forget';
  key: string;
}

export type ToEngine = DescribeRequest | SpecRequest | AttachRequest | DetachRequest | CallRequest | GradcheckRequest | TrainRequest | TrainCancelRequest | ForgetRequest | SampleRequest | UseWeightsRequest | ImportWeightsRequest;

/** The error a flow or Jacobian call answers when it stopped because nobody would show its result (a new trace, a closed panel, a newer row). */
export const FLOW_SUPERSEDED = 'superseded: the gradient flow of a trace no longer shown';

/** The cancel flags the host and the worker share: slot build % CANCEL_SLOTS holds a cancelled build's id. */
export const CANCEL_SLOTS = 1024;
