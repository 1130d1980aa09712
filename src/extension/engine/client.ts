/**
 * The host's side of the engine worker: one worker_threads Worker for the extension, started on
 * first use. Requests are answered by id; build progress, new traces, cursor moves and training
 * messages are events, routed by spec key (or, for training, by job: trainingJobs.ts). Which build
 * is followed, and the cancel flags the worker's build reads between segments (so a cancel gets in
 * while the worker is busy), are the ledger's (buildLedger.ts).
 */
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../engine';
import type { GradcheckResult } from '../../engine';
import type { SpecError } from '../../protocol';
import { log } from '../output';
import { BuildLedger } from './buildLedger';
import { BuildNotes } from './buildNotes';
import { TrainingJobs } from './trainingJobs';
import type { FromWorker, StartTraining } from '../../node/training/messages';
import type { BuildFailed, BuildProgress, Built, Changed, DiagnosticsValue, FlowProgressEvent, FromEngine } from './events';
import type { CallResults, ImportedSpec, SampleValue, SpecDescription, SessionCall, SpecText, ToEngine, Watcher } from './messages';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** What a spec's watchers hear. */
export interface SpecEvents {
  progress?(m: BuildProgress): void;
  built?(m: Built): void;
  failed?(m: BuildFailed): void;
  changed?(m: Changed): void;
  flowProgress?(m: FlowProgressEvent): void;
}

export class EngineClient implements vscode.Disposable {
  private worker: Worker | null = null;
  private disposed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<SpecEvents>>();
  private readonly training = new TrainingJobs((m) => this.send(m));
  private readonly builds = new BuildLedger();
  private readonly notes = new BuildNotes((key) => this.cancelBuild(key));

  constructor(private readonly extensionUri: vscode.Uri) {}

  // ------------------------------------------------------------ specs and sessions

  /** One parse per edit: the diagnostics, and a rebuild of the spec's session if one is open. */
  async spec(spec: SpecText, force = false): Promise<Diagnostic[]> {
    // A rebuild happens only where a front-end watches the session. The build under way is not
    // cancelled here: when the worker rebuilds, the new build supersedes it there (between its
    // slices); when the text is the one already built or building (an edit, then a save of the
    // same text), it goes on and stays the build to follow. Cancelling it here left the panel on
    // its old trace, with no error and nothing building.
    const key = spec.key;
    const before = this.builds.before(key);
    const build = this.listeners.get(key)?.size ? this.builds.newBuild(key, false) : 0;
    const r = await this.request<DiagnosticsValue>({ type: 'spec', id: this.nextId++, spec, build, force });
    if (!r.rebuilding) this.builds.notRebuilt(key, build, before);
    return r.diagnostics;
  }

  /** A front-end watches the spec's session: built now if needed; events go to `events`. */
  attach(spec: SpecText, who: Watcher, events: SpecEvents, opts: { cursor?: vscode.Position | unknown; weights?: string } = {}): vscode.Disposable {
    let set = this.listeners.get(spec.key);
    if (!set) this.listeners.set(spec.key, (set = new Set()));
    set.add(events);
    // Not superseding the build under way: the worker joins it when the text is the same (a `joined`), else stops it.
    const build = this.builds.newBuild(spec.key, false);
    this.send({ type: 'attach', spec, who, build, cursor: opts.cursor as Built['cursor'] | undefined, weights: opts.weights });
    return {
      dispose: () => {
        set.delete(events);
        this.send({ type: 'detach', key: spec.key, who });
      },
    };
  }

  /** Stops the spec's build under way (if any); the last good trace stays. */
  cancelBuild(key: string): boolean {
    return this.builds.cancel(key);
  }

  /** Whether a build of the spec is under way. */
  isBuilding(key: string): boolean {
    return this.builds.isBuilding(key);
  }

  /** The build whose trace the spec's front-ends wait for (or last got): after a join, the one they joined. */
  latestBuild(key: string): number | undefined {
    return this.builds.latestBuild(key);
  }

  call<M extends SessionCall['method']>(key: string, call: Extract<SessionCall, { method: M }>): Promise<CallResults[M]> {
    return this.request<CallResults[M]>({ type: 'call', id: this.nextId++, key, call });
  }

  forget(key: string): void {
    if (this.worker) this.send({ type: 'forget', key });
  }

  describe(spec: SpecText, weightsText: string | null = null): Promise<SpecDescription> {
    return this.request({ type: 'describe', id: this.nextId++, spec, weightsText });
  }

  /** A sample from the weights the spec's session traces (see SampleRequest). */
  sample(spec: SpecText, o: { prime: string; length: number; temperature: number; seed: number }): Promise<SampleValue> {
    return this.request({ type: 'sample', id: this.nextId++, spec, ...o });
  }

  /** The spec's session traces its initial weights (or the trained ones again); its watchers hear `built`. */
  useWeights(key: string, initial: boolean): void {
    this.send({ type: 'useWeights', key, build: this.builds.newBuild(key), initial });
  }

  gradcheck(spec: SpecText): Promise<{ name: string; results: GradcheckResult[] | null; errors: SpecError[]; ms: number }> {
    return this.request({ type: 'gradcheck', id: this.nextId++, spec });
  }

  /** A new spec's text for a PyTorch state_dict's bytes, read in the worker (the bytes move there). */
  importWeights(file: string, name: string, bytes: Uint8Array): Promise<ImportedSpec> {
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return this.request({ type: 'importWeights', id: this.nextId++, file, name, bytes: own }, [own.buffer as ArrayBuffer]);
  }

  // ------------------------------------------------------------ training

  /** Starts a training run; its messages go to onMessage. Returns the cancel. */
  train(start: StartTraining, onMessage: (m: FromWorker) => void): { cancel(): void } {
    return this.training.start(start, onMessage);
  }

  // ------------------------------------------------------------ plumbing

  private request<T>(m: ToEngine & { id: number }, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('the extension is shutting down'));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(m.id, { resolve: resolve as (v: unknown) => void, reject });
      this.send(m, transfer);
    });
  }

  private send(m: ToEngine, transfer?: ArrayBuffer[]): void {
    if (this.disposed) return; // shutting down: the worker is gone and stays gone
    this.start().postMessage(m, transfer);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(vscode.Uri.joinPath(this.extensionUri, 'dist', 'engineWorker.js').fsPath, { workerData: { cancel: this.builds.flagsBuffer } });
    w.on('message', (m: FromEngine) => this.onMessage(m));
    w.on('error', (e) => log(`the engine worker failed: ${e.stack ?? e.message}`));
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = null;
      log(`the engine worker exited (code ${code}); it restarts on the next request`);
      for (const p of this.pending.values()) p.reject(new Error('the engine worker stopped'));
      this.pending.clear();
      this.training.failAll(`the engine worker exited (code ${code})`);
      for (const [key, build] of this.builds.stopAll()) this.notes.end(key), this.emit(key, (l) => l.failed?.({ type: 'buildFailed', key, build, errors: [{ line: 1, column: 1, message: 'the engine worker stopped' }], cancelled: false }));
    });
    this.worker = w;
    return w;
  }

  private emit(key: string, f: (l: SpecEvents) => void): void {
    for (const l of [...(this.listeners.get(key) ?? [])]) {
      try {
        f(l);
      } catch (e) {
        log(`a listener of ${key} failed: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
  }

  /** A trace's summary arrives packed (its per-step columns as typed arrays, moved, not cloned) and stays so. */
  private onMessage(m: FromEngine): void {
    switch (m.type) {
      case 'reply': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.error));
        return;
      }
      case 'progress':
        if (!this.builds.progress(m)) return;
        this.notes.progress(m);
        this.emit(m.key, (l) => l.progress?.(m));
        return;
      case 'built':
        this.builds.end(m);
        this.notes.end(m.key);
        this.emit(m.key, (l) => l.built?.(m));
        return;
      case 'buildFailed': {
        const followed = this.builds.end(m);
        if (followed) this.notes.end(m.key);
        // A superseded build's cancel is no news: the newer build reports.
        if (m.cancelled && !followed) return;
        this.emit(m.key, (l) => l.failed?.(m));
        return;
      }
      case 'joined':
        this.builds.joined(m);
        return;
      case 'flowProgress':
        this.emit(m.key, (l) => l.flowProgress?.(m));
        return;
      case 'changed':
        this.emit(m.key, (l) => l.changed?.(m));
        return;
      case 'training':
        this.training.route(m.job, m.message);
        return;
      default: {
        const never: never = m;
        log(`unknown message from the engine worker: ${JSON.stringify(never)}`);
      }
    }
  }

  dispose(): void {
    this.notes.endAll();
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    void w?.terminate();
  }
}
