/**
 * BPTT: Train Model / Resume Training / Sample. Training runs in the engine worker (dist/engineWorker.js,
 * beside the sessions); the host only shows progress and writes the weights atomically beside the spec.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps, writeAtomicAsync } from '../../node/atomicWrite';
import { specFormat, specText } from '../specFiles';
import { log, output } from '../output';
import type { StepperPanels } from '../panels';
import type { TrainingProgressMessage, TrainingSampleMessage } from '../../protocol';
import type { FromWorker, StartTraining } from '../../node/training/messages';
import type { EngineClient } from '../engine/client';
import { weightsPathFor } from './weightsPath';
import { namedFileRoots, readBesideSpec } from '../namedFiles';

/** How often the worker posts a checkpoint (and the host writes it). */
const CHECKPOINT_MS = 2000;

export interface TrainOptions {
  resume?: boolean;
  /** Train until this many epochs in total (tests use it). */
  epochs?: number;
}

export interface TrainResult {
  weightsPath: string;
  cancelled: boolean;
  /** Set when training failed (a NaN or a worker crash); the failure is already reported. */
  error?: string;
  epoch: number;
  loss: number | null;
}


/** One training run at a time per spec; the running ones, for cancel and the status bar. */
export class Trainings implements vscode.Disposable {
  private readonly running = new Map<string, { cancel: () => void }>();
  private readonly status = vscode.window.createStatusBarItem('bptt.training', vscode.StatusBarAlignment.Left, 50);
  private readonly changed = new vscode.EventEmitter<void>();
  /** A run started or ended (for the `bptt.training` context key). */
  readonly onDidChangeRunning = this.changed.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly panels: StepperPanels,
  ) {
    this.status.name = 'BPTT Training';
    this.status.command = 'bptt.cancelTraining';
  }

  isRunning(doc?: vscode.TextDocument): boolean {
    return doc ? this.running.has(doc.uri.toString()) : this.running.size > 0;
  }

  cancelAll(): void {
    for (const r of this.running.values()) r.cancel();
  }

  async train(doc: vscode.TextDocument, opts: TrainOptions = {}): Promise<TrainResult | undefined> {
    if (doc.uri.scheme !== 'file') throw new Error('save the spec first: the weights are written beside it');
    const key = doc.uri.toString();
    if (this.running.has(key)) {
      void vscode.window.showInformationMessage(`BPTT: ${path.basename(doc.uri.fsPath)} is already training.`);
      return undefined;
    }
    // The spec is parsed in the engine worker, as everywhere: the host never runs the loader.
    const spec = specText(doc);
    const head = await this.engine.describe(spec);
    if (head.error) throw new Error(`the spec has errors (${head.error})`);
    const weightsPath = weightsPathFor(doc.uri.fsPath, head.name);
    let resumeText: string | null = null;
    if (opts.resume) {
      if (!fs.existsSync(weightsPath)) throw new Error(`no weights to resume: ${path.basename(weightsPath)} does not exist beside the spec`);
      resumeText = readBesideSpec(weightsPath, doc.uri.fsPath);
      const checked = await this.engine.describe(spec, resumeText); // a bad file is reported before training starts
      if (checked.weightsError) throw new Error(checked.weightsError);
    }
    const problem = { name: head.name, train: { epochs: head.epochs } };
    const start: StartTraining = { type: 'start', specText: doc.getText(), file: doc.uri.fsPath, format: specFormat(doc.uri), resumeText, epochs: opts.epochs, checkpointMs: CHECKPOINT_MS, roots: namedFileRoots(doc.uri.fsPath) };
    removeStaleTemps(weightsPath); // temporary files of a window killed mid-write
    const label = path.basename(doc.uri.fsPath);
    log(`${opts.resume ? 'Resume' : 'Train'} ${label}: training in a worker; weights -> ${weightsPath}`);

    // The panel shows the training section: opened beside the spec if it is not open.
    this.panels.openOrReveal(doc);
    const toPanel = (m: TrainingProgressMessage | TrainingSampleMessage): void => this.panels.get(doc.uri)?.showTraining(m);
    let last: TrainingProgressMessage = { type: 'trainingProgress', status: 'running', epoch: 0, epochs: problem.train.epochs, step: 0, loss: null, stepsPerSecond: 0, points: [], reset: true };
    toPanel(last);

    let onMessage: (m: FromWorker) => void = () => undefined;
    const job = this.engine.train(start, (m) => onMessage(m));
    let cancelRequested = false;
    const cancel = (): void => {
      if (cancelRequested) return;
      cancelRequested = true;
      job.cancel(); // the run stops at the end of its current ~50 ms slice and posts a last checkpoint
    };
    this.running.set(key, { cancel });
    this.changed.fire();
    this.status.text = `$(sync~spin) BPTT: training ${problem.name || label}`;
    this.status.tooltip = 'Training in a worker thread. Click to cancel (the last checkpoint is kept).';
    this.status.show();

    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `BPTT: training ${label}`, cancellable: true },
        (progress, token) =>
          new Promise<TrainResult>((resolve) => {
            token.onCancellationRequested(cancel);
            let settled = false;
            /** The worker said done: its last weights are being written; its exit means nothing more. */
            let ended = false;
            let shownPct = 0;
            const finish = (r: TrainResult): void => {
              if (settled) return;
              settled = true;
              resolve(r);
            };
            // Writes go one after another (the last one wins) and never block the extension host.
            let writing: Promise<void> = Promise.resolve();
            const save = (text: string): Promise<void> =>
              (writing = writing.then(() =>
                writeAtomicAsync(weightsPath, text).catch((e: unknown) => log(`Train ${label}: cannot write ${weightsPath}: ${e instanceof Error ? e.message : String(e)}`)),
              ));
            const fail = (message: string): void => {
              log(`Train ${label} failed: ${message}`);
              toPanel({ ...last, status: 'failed', points: [], reset: false, message });
              void vscode.window.showErrorMessage(`BPTT: training ${label} failed: ${message}`, 'Show Output').then((pick) => pick && output().show(true), () => undefined);
              finish({ weightsPath, cancelled: false, error: message, epoch: 0, loss: null });
            };
            onMessage = (m: FromWorker) => {
              if (m.type === 'progress') {
                const pct = Math.min(100, (100 * m.epoch) / Math.max(1, m.epochs));
                const loss = m.epochLoss ?? m.loss;
                progress.report({ increment: pct - shownPct, message: `epoch ${m.epoch}/${m.epochs} · loss ${loss.toPrecision(4)} · ${m.stepsPerSecond.toFixed(0)} steps/s` });
                shownPct = pct;
                this.status.text = `$(sync~spin) BPTT: epoch ${m.epoch}/${m.epochs} · loss ${loss.toPrecision(4)}`;
                last = { type: 'trainingProgress', status: 'running', epoch: m.epoch, epochs: m.epochs, step: m.step, loss: m.loss, stepsPerSecond: m.stepsPerSecond, points: m.points };
                toPanel(last);
              } else if (m.type === 'sample') {
                toPanel({ type: 'trainingSample', epoch: m.epoch, text: m.text });
              } else if (m.type === 'checkpoint') void save(m.text);
              else if (m.type === 'done') {
                ended = true;
                const final = save(m.text);
                log(`${m.cancelled ? 'Cancelled' : 'Trained'} ${label}: epoch ${m.epoch}, step ${m.step}${m.loss === null ? '' : `, loss ${m.loss.toPrecision(6)}`}; weights in ${weightsPath}`);
                toPanel({ ...last, status: m.cancelled ? 'cancelled' : 'done', epoch: m.epoch, step: m.step, points: [], reset: false });
                void final.then(() => finish({ weightsPath, cancelled: m.cancelled, epoch: m.epoch, loss: m.loss }));
              } else if (m.type === 'failed') {
                const nf = m.nonFinite;
                fail(nf ? `non-finite ${nf.what} at step ${nf.step} (epoch ${nf.epoch})${nf.param ? `, parameter ${nf.param}${nf.index ? `[${nf.index.join(', ')}]` : ''}` : ''} = ${nf.value}; the last checkpoint is unchanged` : m.message);
              }
            };
          }),
      );
    } finally {
      // The stepper now traces with the new weights.
      this.panels.get(doc.uri)?.refresh(doc).catch((e: unknown) => log(`the stepper could not reload ${label}: ${e instanceof Error ? e.message : String(e)}`));
      this.running.delete(key);
      this.changed.fire();
      if (this.running.size === 0) this.status.hide();
    }
  }

  dispose(): void {
    this.cancelAll();
    this.status.dispose();
    this.changed.dispose();
  }
}

/**
 * BPTT: Sample from the palette: a prime, a temperature and a length from input boxes (or given);
 * the worker parses the spec and samples from the trained weights; the text goes to the output channel.
 * (The panel's Sample form asks the same worker, see panelRequests.ts.)
 */
export async function sampleFromWeights(engine: EngineClient, doc: vscode.TextDocument, given?: { prime?: string; temperature?: number; length?: number }): Promise<string | undefined> {
  const spec = specText(doc);
  const head = await engine.describe(spec);
  if (head.error) throw new Error(`the spec has errors (${head.error})`);
  if (!head.samples) throw new Error('sampling needs a char or token model (data.text and a softmax output)');
  if (doc.uri.scheme !== 'file') throw new Error('save the spec and train it first');
  const weightsPath = weightsPathFor(doc.uri.fsPath);
  if (!fs.existsSync(weightsPath)) throw new Error(`no weights: train the model first (${path.basename(weightsPath)} does not exist beside the spec)`);
  const prime = given?.prime ?? (await vscode.window.showInputBox({ title: 'BPTT: Sample', prompt: 'Priming text (empty: the first token)', value: '' }));
  if (prime === undefined) return undefined;
  const number = (v: string): string | undefined => (v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 ? undefined : 'a number ≥ 0');
  const t = given?.temperature ?? Number(await vscode.window.showInputBox({ title: 'BPTT: Sample', prompt: 'Temperature (0 = greedy)', value: '0', validateInput: number }) ?? NaN);
  if (!Number.isFinite(t)) return undefined;
  const length = given?.length ?? Number(await vscode.window.showInputBox({ title: 'BPTT: Sample', prompt: 'Tokens to generate', value: '20', validateInput: number }) ?? NaN);
  if (!Number.isFinite(length)) return undefined;
  const r = await engine.sample(spec, { prime, length: Math.floor(length), temperature: t, seed: t === 0 ? 0 : Date.now() % 2 ** 31 });
  output().appendLine(`sample (${r.weights}, temperature ${t}): ${r.text}`);
  output().show(true);
  return r.text;
}
