/** `bptt train SPEC [--epochs N] [--out FILE] [--resume]`: trains, with a progress line and atomic checkpoints. */
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { changedSettings, resumableState, Trainer } from '../engine';
import type { FromWorker, StartTraining, ToWorker, WorkerProgress } from '../node/training/messages';
import { removeStaleTemps } from '../node/atomicWrite';
import type { CommandSpec, ParsedArgs } from './args';
import { CliError, EXIT, usageError } from './errors';
import type { Io } from './io';
import { loadSpecFile, namedFileRoots, readSpecText } from './specFile';
import { escapeControls } from './escape';
import { defaultWeightsPath, readWeightsFile, readWeightsText, writeAtomic } from './weightsFile';

/** Exit status after SIGINT or SIGTERM (128 + SIGINT), with the last checkpoint written. */
export const EXIT_INTERRUPTED = 130;

export const trainSpec: CommandSpec = {
  name: 'train',
  summary: "train the spec's model and write its weights (SPEC.weights.json beside the spec)",
  args: ['SPEC'],
  options: {
    epochs: { type: 'string', value: 'N', description: 'train until N epochs in total (default: train.epochs)' },
    out: { type: 'string', value: 'FILE', description: 'the weights file (default: SPEC.weights.json beside SPEC.rnn.yaml)' },
    resume: { type: 'boolean', description: "continue the run saved in the weights file, exactly where it stopped" },
    'checkpoint-seconds': { type: 'string', value: 'S', description: 'write a checkpoint every S seconds (default 10)' },
    'checkpoint-epochs': { type: 'string', value: 'N', description: 'also write a checkpoint every N epochs' },
  },
  details: [
    'A progress line (epoch, loss, steps/s) goes to stderr. Every write is atomic (FILE.tmp-PID, then',
    'renamed), so a crash or kill leaves the previous checkpoint or the new one, never a partial file.',
    'SIGINT or SIGTERM stops after the update under way, writes the checkpoint and exits with status',
    '130; a second SIGINT or SIGTERM exits at once, the last checkpoint as it was. Stale FILE.tmp-PID',
    'files of killed runs are removed at the start.',
    'A NaN or infinite loss, gradient or parameter stops training with the step and the parameter',
    '(exit status 1); the last checkpoint is left as it was.',
  ],
};

function positive(v: string | boolean | undefined, name: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw usageError(`--${name}: expected a positive ${integer ? 'integer' : 'number'}, found ${String(v)}`, 'train');
  return n;
}

export async function runTrainCommand(args: ParsedArgs, io: Io): Promise<number> {
  const specPath = args.positionals[0];
  const epochs = positive(args.values.epochs, 'epochs', true);
  const everySeconds = positive(args.values['checkpoint-seconds'], 'checkpoint-seconds', false) ?? 10;
  const everyEpochs = positive(args.values['checkpoint-epochs'], 'checkpoint-epochs', true);
  const problem = loadSpecFile(specPath);
  const out = typeof args.values.out === 'string' ? args.values.out : defaultWeightsPath(specPath);
  const overrides = epochs === undefined ? {} : { epochs };
  let trainer: Trainer;
  let resumeText: string | null = null;
  try {
    if (args.values.resume) {
      const saved = readWeightsFile(out, problem);
      resumeText = readWeightsText(out);
      trainer = Trainer.resume(problem, resumableState(saved), overrides);
      const changed = changedSettings(saved, problem, trainer.train);
      if (changed.length) io.err(`bptt train: warning: resuming with ${changed.join(', ')}; the run will differ from an uninterrupted one\n`);
    } else trainer = Trainer.create(problem, overrides);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError([`bptt train: ${out}: ${err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
  // Temporary files of earlier runs killed mid-write (kill -9): theirs, never a running writer's.
  removeStaleTemps(out);
  const start: StartTraining = {
    type: 'start',
    specText: readSpecText(specPath),
    file: resolve(specPath),
    format: /\.json$/i.test(specPath) ? 'json' : 'yaml',
    resumeText,
    epochs,
    checkpointMs: everySeconds * 1000,
    checkpointEpochs: everyEpochs,
    roots: namedFileRoots(specPath),
  };
  return trainInWorker(start, { out, epochs: trainer.train.epochs, name: problem.name }, io);
}

/**
 * Training runs in a worker thread (dist/trainWorker.js, the extension's), so this thread is free
 * for signals even while one update takes seconds: the first SIGINT or SIGTERM asks the worker to
 * stop after its slice and writes the last state; a second one exits at once, leaving the last
 * checkpoint (every write is atomic) as it was.
 */
function trainInWorker(start: StartTraining, run: { out: string; epochs: number; name: string }, io: Io): Promise<number> {
  const { out } = run;
  const worker = new Worker(join(__dirname, 'trainWorker.js'));
  const line = progressLine(io, process.stderr.isTTY === true, run.epochs);
  let signal: NodeJS.Signals | null = null;
  return new Promise<number>((finish, fail) => {
    const settle = (f: () => void): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void worker.terminate();
      f();
    };
    const onSignal = (s: NodeJS.Signals): void => {
      if (signal === null) {
        signal = s;
        worker.postMessage({ type: 'cancel' } satisfies ToWorker);
        return;
      }
      line.end();
      io.err(`bptt train: stopped at once by a second ${s}; the last checkpoint (if any) in ${out} is as it was\n`);
      process.exit(EXIT_INTERRUPTED); // the write in progress, if any, is atomic: it lands whole or not at all
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    worker.on('error', (err) => settle(() => fail(err)));
    worker.on('message', (m: FromWorker) => {
      try {
        switch (m.type) {
          case 'progress':
            line.update(m);
            break;
          case 'sample':
            break;
          case 'checkpoint':
            writeAtomic(out, m.text);
            break;
          case 'failed':
            line.end();
            settle(() =>
              fail(
                m.nonFinite
                  ? new CliError([`bptt train: ${m.message}`, `the last checkpoint (if any) in ${out} is unchanged`], EXIT.failed)
                  : new CliError([`bptt train: ${m.message}`], EXIT.failed),
              ),
            );
            break;
          case 'done': {
            writeAtomic(out, m.text);
            line.end();
            const loss = m.loss !== null ? ` loss ${m.loss.toPrecision(6)},` : '';
            if (signal !== null) {
              io.err(`bptt train: stopped by ${signal} at step ${m.step} (epoch ${m.epoch}/${run.epochs});${loss} checkpoint written to ${out}\n`);
              settle(() => finish(EXIT_INTERRUPTED));
            } else {
              io.err(`${escapeControls(run.name)}: ${m.epoch} epochs, ${m.step} steps,${loss} weights written to ${out}\n`);
              settle(() => finish(EXIT.ok));
            }
            break;
          }
          default: {
            const never: never = m;
            throw new Error(`unknown message from the training worker: ${JSON.stringify(never)}`);
          }
        }
      } catch (err) {
        line.end();
        settle(() => fail(err));
      }
    });
    worker.postMessage(start satisfies ToWorker);
  });
}

/** The progress line: rewritten in place on a terminal (~10 times a second), else a line a second. */
function progressLine(io: Io, tty: boolean, epochs: number) {
  const every = tty ? 100 : 1000;
  let last = 0;
  let shown = false;
  return {
    update(m: WorkerProgress): void {
      const now = Date.now();
      if (now - last < every) return;
      const loss = m.epochLoss ?? m.loss;
      const rate = m.stepsPerSecond;
      const text = `epoch ${m.epoch}/${epochs}  step ${m.step}  loss ${loss.toPrecision(5)}  ${rate.toFixed(rate < 100 ? 1 : 0)} steps/s`;
      io.err(tty ? `\r\x1b[K${text}` : `${text}\n`);
      shown = true;
      last = now;
    },
    end(): void {
      if (tty && shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}
