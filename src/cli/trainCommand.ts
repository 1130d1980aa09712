/** `bptt train SPEC [--epochs N] [--out FILE] [--resume]`: trains, with a progress line and atomic checkpoints. */
import { changedSettings, NonFiniteError, resumableState, serializeWeights, Trainer, type StepResult } from '../engine';
import type { CommandSpec, ParsedArgs } from './args';
import { CliError, EXIT, usageError } from './errors';
import type { Io } from './io';
import { loadSpecFile } from './specFile';
import { defaultWeightsPath, readWeightsFile, writeAtomic } from './weightsFile';

/** Exit status after SIGINT or SIGTERM (128 + SIGINT), with the last checkpoint written. */
export const EXIT_INTERRUPTED = 130;

export const trainSpec: CommandSpec = {
  name: 'train',
  summary: "train the spec's model and write its weights (NAME.weights.json beside the spec)",
  args: ['SPEC'],
  options: {
    epochs: { type: 'string', value: 'N', description: 'train until N epochs in total (default: train.epochs)' },
    out: { type: 'string', value: 'FILE', description: 'the weights file (default: NAME.weights.json beside the spec)' },
    resume: { type: 'boolean', description: "continue the run saved in the weights file, exactly where it stopped" },
    'checkpoint-seconds': { type: 'string', value: 'S', description: 'write a checkpoint every S seconds (default 10)' },
    'checkpoint-epochs': { type: 'string', value: 'N', description: 'also write a checkpoint every N epochs' },
  },
  details: [
    'A progress line (epoch, loss, steps/s) goes to stderr. Every write is atomic (FILE.tmp-PID, then',
    'renamed), so a crash or kill leaves the previous checkpoint or the new one, never a partial file.',
    'SIGINT or SIGTERM stops at the next update, writes the checkpoint and exits with status 130.',
    'A NaN or infinite loss, gradient or parameter stops training with the step and the parameter',
    '(exit status 1); the last checkpoint is left as it was.',
  ],
};

function positive(v: string | boolean | undefined, name: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw usageError(`--${name}: expected a positive ${integer ? 'integer' : 'number'}, found ${String(v)}`, 'train');
  return n;
}

export async function runTrainCommand(args: ParsedArgs, io: Io): Promise<number> {
  const specPath = args.positionals[0];
  const epochs = positive(args.values.epochs, 'epochs', true);
  const everySeconds = positive(args.values['checkpoint-seconds'], 'checkpoint-seconds', false) ?? 10;
  const everyEpochs = positive(args.values['checkpoint-epochs'], 'checkpoint-epochs', true);
  const problem = loadSpecFile(specPath);
  const out = typeof args.values.out === 'string' ? args.values.out : defaultWeightsPath(specPath, problem);
  const overrides = epochs === undefined ? {} : { epochs };
  let trainer: Trainer;
  try {
    if (args.values.resume) {
      const saved = readWeightsFile(out, problem);
      trainer = Trainer.resume(problem, resumableState(saved), overrides);
      const changed = changedSettings(saved, problem, trainer.train);
      if (changed.length) io.err(`bptt train: warning: resuming with ${changed.join(', ')}; the run will differ from an uninterrupted one\n`);
    } else trainer = Trainer.create(problem, overrides);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError([`bptt train: ${out}: ${err instanceof Error ? err.message : String(err)}`], EXIT.usage);
  }
  const save = (): void => writeAtomic(out, serializeWeights(problem, trainer.state(), trainer.train));

  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals): void => void (signal = s);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const line = progressLine(io, process.stderr.isTTY === true, trainer);
  try {
    let lastSave = Date.now();
    let savedEpoch = trainer.state().progress.epoch;
    while (!trainer.done && signal === null) {
      line.update(trainer.runFor(50, () => Date.now()));
      const epoch = trainer.state().progress.epoch;
      if (Date.now() - lastSave >= everySeconds * 1000 || (everyEpochs !== undefined && epoch - savedEpoch >= everyEpochs)) {
        save();
        lastSave = Date.now();
        savedEpoch = epoch;
      }
      await new Promise<void>((r) => setImmediate(r)); // let a signal in
    }
    save();
    line.end();
    const p = trainer.state().progress;
    const loss = p.losses.length ? ` loss ${p.losses[p.losses.length - 1].toPrecision(6)},` : '';
    if (signal !== null) {
      io.err(`bptt train: stopped by ${signal} at step ${p.step} (epoch ${p.epoch}/${trainer.train.epochs});${loss} checkpoint written to ${out}\n`);
      return EXIT_INTERRUPTED;
    }
    io.err(`${problem.name}: ${p.epoch} epochs, ${p.step} steps,${loss} weights written to ${out}\n`);
    return EXIT.ok;
  } catch (err) {
    line.end();
    if (err instanceof NonFiniteError) throw new CliError([`bptt train: ${err.message}`, `the last checkpoint (if any) in ${out} is unchanged`], EXIT.failed);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The progress line: rewritten in place on a terminal (~10 times a second), else a line a second. */
function progressLine(io: Io, tty: boolean, trainer: Trainer) {
  const every = tty ? 100 : 1000;
  let last = Date.now();
  let stepsSince = 0;
  let shown = false;
  let lastLoss: number | null = null;
  return {
    update(results: StepResult[]): void {
      stepsSince += results.length;
      for (const r of results) if (r.epochLoss !== null) lastLoss = r.epochLoss;
      const now = Date.now();
      if (now - last < every || results.length === 0) return;
      const r = results[results.length - 1];
      const rate = (stepsSince * 1000) / (now - last);
      const loss = lastLoss ?? r.loss;
      const text = `epoch ${r.epoch}/${trainer.train.epochs}  step ${r.step}  loss ${loss.toPrecision(5)}  ${rate.toFixed(rate < 100 ? 1 : 0)} steps/s`;
      io.err(tty ? `\r\x1b[K${text}` : `${text}\n`);
      shown = true;
      last = now;
      stepsSince = 0;
    },
    end(): void {
      if (tty && shown) io.err('\r\x1b[K');
    },
  };
}
