/**
 * The training worker (bundled as dist/trainWorker.js, run in a worker_threads Worker): trains in
 * ~50 ms slices, yielding between them so a cancel message gets in, and posts progress and
 * checkpoints. It never touches the file system: the host writes the weights.
 */
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { loadSpec } from '../../engine/spec';
import { NonFiniteError, parseWeights, resumableState, sample, serializeWeights, Trainer, type Problem } from '../../engine';
import type { FromWorker, StartTraining, ToWorker } from './messages';
import { weightsReader } from '../../node/weightsReader';
import { readNamedTextSync } from '../../node/safeRead';

const port = parentPort;
if (!port) throw new Error('trainWorker.js runs only as a worker thread');
let cancelled = false;

const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') cancelled = true;
  else if (m.type === 'start') void train(m).catch((e: unknown) => post(failure(e)));
});

function failure(e: unknown): FromWorker {
  if (e instanceof NonFiniteError) {
    return { type: 'failed', message: e.message, nonFinite: { step: e.step, epoch: e.epoch, what: e.what, param: e.param, index: e.index, value: e.value } };
  }
  return { type: 'failed', message: e instanceof Error ? e.message : String(e) };
}

/** How often a greedy sample is posted while training, in ms. */
const SAMPLE_MS = 1000;

/** A greedy sample, as long as the training text (capped), from its first token; char and token models only. */
let sampledEpoch = -1;
function postSample(problem: Problem, trainer: Trainer): void {
  if (!problem.vocab || problem.config.output !== 'softmax') return;
  const epoch = trainer.state().progress.epoch;
  if (epoch === sampledEpoch) return; // the same weights as the last sample
  sampledEpoch = epoch;
  try {
    const length = Math.min(60, Math.max(4, problem.corpus?.seq ?? problem.sequence.inputs.length));
    post({ type: 'sample', epoch, text: sample(problem, trainer.state().params, { length, temperature: 0, seed: 0 }) });
  } catch {
    // A sample is a nicety: training goes on without it.
  }
}

async function train(start: StartTraining): Promise<void> {
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
  while (!trainer.done && !cancelled) {
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
      postSample(problem, trainer);
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
  postSample(problem, trainer);
  const p = trainer.state().progress;
  post({ type: 'done', cancelled, text: text(), epoch: p.epoch, step: p.step, loss: p.losses.length ? p.losses[p.losses.length - 1] : lastLoss });
}
