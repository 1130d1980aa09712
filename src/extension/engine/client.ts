/**
 * The host's side of the engine worker: one worker_threads Worker for the extension, started on
 * first use. Requests are answered by id; build progress, new traces, cursor moves and training
 * messages are events, routed by spec key (or, for training, by job: trainingJobs.ts). Cancelling a build flips a shared flag the
 * worker's build reads between segments, so a cancel gets in while the worker is busy.
 */
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../engine';
import type { GradcheckResult } from '../../engine';
import type { SpecError } from '../../protocol';
import { log } from '../output';
import { BuildNotes } from './buildNotes';
import { TrainingJobs } from './trainingJobs';
import type { FromWorker, StartTraining } from '../../node/training/messages';
import type { BuildFailed, BuildProgress, Built, Changed, DiagnosticsValue, FromEngine } from './events';
import { CANCEL_SLOTS, type CallResults, type ImportedSpec, type SampleValue, type SpecDescription, type SessionCall, type SpecText, type ToEngine, type Watcher } from './messages';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** What a spec's watchers hear. */
export interface SpecEvents {
  progress?(m: BuildProgress): void;
  built?(m: Built): void;
  failed?(m: BuildFailed): void;
  changed?(m: Changed): void;
}

export class EngineClient implements vscode.Disposable {
  private worker: Worker | null = null;
  private disposed = false;
  private readonly cancel = new SharedArrayBuffer(4 * CANCEL_SLOTS);
  private readonly flags = new Int32Array(this.cancel);
  private nextId = 1;
  private nextBuild = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<SpecEvents>>();
  private readonly training = new TrainingJobs((m) => this.send(m));
  /** The latest build asked for, per spec key (cancelled when a newer one supersedes it). */
  private readonly builds = new Map<string, number>();
  private readonly building = new Map<string, number>();
  /** The last build of each spec that ended (built or failed): ids only grow. */
  private readonly ended = new Map<string, number>();
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
    const before = { latest: this.builds.get(key), building: this.building.get(key) };
    const build = this.listeners.get(key)?.size ? this.newBuild(key, false) : 0;
    const r = await this.request<DiagnosticsValue>({ type: 'spec', id: this.nextId++, spec, build, force });
    if (!r.rebuilding) {
      if (build && this.builds.get(key) === build) restore(this.builds, key, before.latest);
      if (this.building.get(key) === build) {
        // Back to the build under way, unless it ended while the reply was on its way.
        const ended = before.building !== undefined && (this.ended.get(key) ?? -1) >= before.building;
        restore(this.building, key, ended ? undefined : before.building);
        // A cancel asked while this reply was on its way named this build: it meant the one running.
        if (build && before.building !== undefined && !ended && Atomics.load(this.flags, build % CANCEL_SLOTS) === build) {
          Atomics.store(this.flags, before.building % CANCEL_SLOTS, before.building);
        }
      }
    }
    return r.diagnostics;
  }

  /** A front-end watches the spec's session: built now if needed; events go to `events`. */
  attach(spec: SpecText, who: Watcher, events: SpecEvents, opts: { cursor?: vscode.Position | unknown; weights?: string } = {}): vscode.Disposable {
    let set = this.listeners.get(spec.key);
    if (!set) this.listeners.set(spec.key, (set = new Set()));
    set.add(events);
    // Not superseding the build under way: the worker joins it when the text is the same (a `joined`), else stops it.
    const build = this.newBuild(spec.key, false);
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
    const b = this.building.get(key);
    if (b === undefined) return false;
    Atomics.store(this.flags, b % CANCEL_SLOTS, b);
    return true;
  }

  /** Whether a build of the spec is under way. */
  isBuilding(key: string): boolean {
    return this.building.has(key);
  }

  /** The build whose trace the spec's front-ends wait for (or last got): after a join, the one they joined. */
  latestBuild(key: string): number | undefined {
    return this.builds.get(key);
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
    this.send({ type: 'useWeights', key, build: this.newBuild(key), initial });
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

  private newBuild(key: string, supersede = true): number {
    const previous = this.builds.get(key);
    if (supersede && previous !== undefined) Atomics.store(this.flags, previous % CANCEL_SLOTS, previous);
    const build = this.nextBuild++;
    Atomics.store(this.flags, build % CANCEL_SLOTS, 0);
    this.builds.set(key, build);
    this.building.set(key, build);
    return build;
  }

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
    const w = new Worker(vscode.Uri.joinPath(this.extensionUri, 'dist', 'engineWorker.js').fsPath, { workerData: { cancel: this.cancel } });
    w.on('message', (m: FromEngine) => this.onMessage(m));
    w.on('error', (e) => log(`the engine worker failed: ${e.stack ?? e.message}`));
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = null;
      log(`the engine worker exited (code ${code}); it restarts on the next request`);
      for (const p of this.pending.values()) p.reject(new Error('the engine worker stopped'));
      this.pending.clear();
      this.training.failAll(`the engine worker exited (code ${code})`);
      for (const [key, build] of this.building) this.notes.end(key), this.emit(key, (l) => l.failed?.({ type: 'buildFailed', key, build, errors: [{ line: 1, column: 1, message: 'the engine worker stopped' }], cancelled: false }));
      this.building.clear();
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
        if (this.builds.get(m.key) !== m.build) return;
        this.notes.progress(m);
        this.emit(m.key, (l) => l.progress?.(m));
        return;
      case 'built':
        this.ended.set(m.key, Math.max(m.build, this.ended.get(m.key) ?? -1));
        this.notes.end(m.key);
        if (this.building.get(m.key) === m.build) this.building.delete(m.key);
        this.emit(m.key, (l) => l.built?.(m));
        return;
      case 'buildFailed':
        this.ended.set(m.key, Math.max(m.build, this.ended.get(m.key) ?? -1));
        if (this.builds.get(m.key) === m.build) this.notes.end(m.key);
        if (this.building.get(m.key) === m.build) this.building.delete(m.key);
        // A superseded build's cancel is no news: the newer build reports.
        if (m.cancelled && this.builds.get(m.key) !== m.build) return;
        this.emit(m.key, (l) => l.failed?.(m));
        return;
      case 'joined':
        // The attach's build is the one under way: its progress and its end are the ones to follow.
        if (this.builds.get(m.key) === m.build) this.builds.set(m.key, m.into);
        if (this.building.get(m.key) === m.build) this.building.set(m.key, m.into);
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

/** Sets map[key] back to what it was (absent when it was). */
function restore(map: Map<string, number>, key: string, value: number | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}
