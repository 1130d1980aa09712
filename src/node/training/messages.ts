/** Messages of a training run: the engine worker's (extension) and dist/trainWorker.js's (bptt train). */

/** Host -> worker, once: what to train. The worker loads the spec itself (plain data crosses). */
export interface StartTraining {
  type: 'start';
  specText: string;
  file: string;
  format: 'yaml' | 'json';
  /** The weights file's text to resume from, else null (a fresh run). */
  resumeText: string | null;
  /** Train until this many epochs in total (default: the spec's train.epochs). */
  epochs?: number;
  /** How often a checkpoint is posted, in ms. */
  checkpointMs: number;
  /** Also post a checkpoint every this many epochs (the CLI's --checkpoint-epochs). */
  checkpointEpochs?: number;
  /** Folders data.file must lie inside (after symlinks); absent: anywhere (see src/node/safeRead.ts). */
  roots?: string[];
}

/** Host -> worker: stop at the end of the current slice and post a last checkpoint. */
export interface CancelTraining {
  type: 'cancel';
}

export type ToWorker = StartTraining | CancelTraining;

export interface WorkerProgress {
  type: 'progress';
  epoch: number;
  epochs: number;
  step: number;
  /** The last update's loss. */
  loss: number;
  /** The last completed epoch's mean loss per sequence, else null. */
  epochLoss: number | null;
  stepsPerSecond: number;
  /** The epochs completed in this slice with their mean loss per sequence. */
  points: [number, number][];
}

/** A greedy sample from the current weights (char and token models; about once a second and at the end). */
export interface WorkerSample {
  type: 'sample';
  epoch: number;
  text: string;
}

export interface WorkerCheckpoint {
  type: 'checkpoint';
  /** The serialised weights file. */
  text: string;
  epoch: number;
}

export interface WorkerDone {
  type: 'done';
  cancelled: boolean;
  /** The final weights file. */
  text: string;
  epoch: number;
  step: number;
  loss: number | null;
}

export interface WorkerFailed {
  type: 'failed';
  message: string;
  /** Set for a NaN or infinite value. */
  nonFinite?: { step: number; epoch: number; what: string; param: string | null; index: number[] | null; value: number };
}

export type FromWorker = WorkerProgress | WorkerSample | WorkerCheckpoint | WorkerDone | WorkerFailed;
