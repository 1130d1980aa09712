/**
 * A training run inside the engine worker: trains in ~50 ms slices, yielding between them so other
 * messages (a cancel, a session's step) get in, and posts progress and checkpoints. It never
 * writes a file: the host writes the weights.
 */
import { dirname } from 'node:path';
import { loadSpec } from '../../engine/spec';
import { NonFiniteError, parseWeights, resumableState, sample, serializeWeights, Trainer, type Problem } from '../../engine';
import type { FromWorker, StartTraining } from './messages';
import { weightsReader } from '../weightsReader';
import { readNamedTextSync } from '../safeRead';

/** Runs one training to its end (or a cancel); every message goes to post, a failure too. */
export function runTraining(start: StartTraining, post: (m: FromWorker) => void, cancelled: () => boolean): Promise<void> {
  return train(start, post, cancelled).catch((e: unknown) => post(failure(e)));
}

function failure(e: unknown): FromWorker {
  if (e instanceof NonFiniteError) {
    return { type: 'failed', message: e.message, nonFinite: { step: e.step, epoch: e.epoch, what: e.what, param: e.param, index: e.index, value: e.value } };
  }
  return { type: 'failed', message: e instanceof Error ? e.message : String(e) };
}

/** How often a greedy sample is posted while training, in ms. */
const SAMPLE_MS = 1000;

/** A greedy sample, as long as the training text (capped), from its first token; char and token models only. */
function postSample(problem: Problem, trainer: Trainer, post: (m: FromWorker) => void, last: { epoch: number }): void {
  if (!problem.vocab || problem.config.output !== 'softmax') return;
  const epoch = trainer.state().progress.epoch;
  if (epoch === last.epoch) return; // the same weights as the last sample
  last.epoch = epoch;
  try {
    const length = Math.min(60, Math.max(4, problem.corpus?.seq ?? problem.sequence.inputs.length));
    post({ type: 'sample', epoch, text: sample(problem, trainer.state().params, { length, temperature: 0, seed: 0 }) });
  } catch {
    // A sample is a nicety: training goes on without it.
  }
}

async function train(start: StartTraining, post: (m: FromWorker) => void, cancelled: () => boolean): Promise<void> {
  const sampled = { epoch: -1 };
  const loaded = loadSpec(start.specText, { file: start.file, format: start.format, readFile: (rel: string) => readNamedTextSync(rel, { baseDir: dirname(start.file), roots: start.roots, rootsName: 'the workspace folders' }), readBytes: weightsReader(dirname(start.file), start.roots) });
  if (!loaded.problem) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new Error(`the spec has errors${first ? `: line ${first.line}: ${first.message}` : ''}`);
  }
  const problem = loaded.problem;
  const overrides = start.epochs === undefined ? {} : { epochs: start.epochs };
  const trainer = start.resumeText === null ? Trainer.create(problem, overrides) : Trainer.resume(problem, resumableState(parseWeights(start.resumeText, problem)), overrides);
  const text = (): string => serializeWeights(problem, trainer.state(), trainer.train);
  let lastCheckpoint = Date.now();
  let savedEpoch = trainer.state().progress.epoch;
  let lastSample = 0;
  let lastLoss: number | null = null;
  let epochLoss: number | null = null;
  while (!trainer.done && !cancelled()) {
    const t0 = Date.now();
    const results = trainer.runFor(50, () => Date.now());
    const dt = Math.max(1, Date.now() - t0);
    const last = results[results.length - 1];
    const points: [number, number][] = [];
    for (const r of results) if (r.epochLoss !== null) {
      epochLoss = r.epochLoss;
      points.push([r.epoch, r.epochLoss]);
    }
    if (last) {
      lastLoss = last.loss;
      post({ type: 'progress', epoch: last.epoch, epochs: trainer.train.epochs, step: last.step, loss: last.loss, epochLoss, stepsPerSecond: (results.length * 1000) / dt, points });
    }
    if (Date.now() - lastSample >= SAMPLE_MS) {
      postSample(problem, trainer, post, sampled);
      lastSample = Date.now();
    }
    const epoch = trainer.state().progress.epoch;
    if (Date.now() - lastCheckpoint >= start.checkpointMs || (start.checkpointEpochs !== undefined && epoch - savedEpoch >= start.checkpointEpochs)) {
      post({ type: 'checkpoint', text: text(), epoch });
      lastCheckpoint = Date.now();
      savedEpoch = epoch;
    }
    await new Promise<void>((r) => setImmediate(r)); // let a cancel in
  }
  postSample(problem, trainer, post, sampled);
  const p = trainer.state().progress;
  post({ type: 'done', cancelled: cancelled(), text: text(), epoch: p.epoch, step: p.step, loss: p.losses.length ? p.losses[p.losses.length - 1] : lastLoss });
}
