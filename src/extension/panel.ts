/**
 * The stepper panel: one per spec, beside the editor. The spec's session lives in the engine
 * worker; the panel watches it (new traces, moves by any front-end, build progress) and relays the
 * webview's step/jump requests. A host-side mirror of the cursor answers `cursor` at once.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Cursor } from '../session/cursor';
import { PanelTrace } from './panelTrace';
import { TrainingLog } from './training/trainingLog';
import { parseWebviewMessage, type HostMessage, type WeightsChoiceMessage, type SpecError, type StepSnapshot, type PackedTraceSummary, type TrainingProgressMessage, type TrainingSampleMessage, type WebviewMessage } from '../protocol';
import { PanelWebview } from './panelWebview';
import { Disposable } from './dispose';
import { specText } from './specFiles';
import { log, reportError, safeJson } from './output';
import { panelSettings } from './settings';
import { answerSample, revealPosition } from './panelRequests';
import { FlowRelay } from './panelFlow';
import type { EngineClient } from './engine/client';
import type { Built, BuildFailed, BuildProgress, Changed } from './engine/events';

export const STEPPER_VIEW_TYPE = 'bptt.stepper';

export class StepperPanel extends Disposable {
  /** The session as the worker last said: summary, errors, weights, the cursor's mirror. */
  private readonly trace: PanelTrace;
  /** Set when the webview panel goes on to show another spec (bptt.reusePanel): dispose keeps it open. */
  private handedOver = false;
  private readonly view: PanelWebview;
  private readonly flow: FlowRelay;
  /** The training run of this spec last reported, replayed to a (re)loaded webview. */
  private readonly training = new TrainingLog();
  private readonly key: string;
  private settleFirst!: () => void;
  /** Resolves when the first build has ended (a trace, or errors). */
  readonly firstBuild = new Promise<void>((r) => (this.settleFirst = r));
  private readonly onDidDisposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    extensionUri: vscode.Uri,
    private readonly engine: EngineClient,
    doc: vscode.TextDocument,
    pendingCursor?: Cursor,
  ) {
    super();
    this.key = uri.toString();
    this.trace = new PanelTrace(pendingCursor);
    this.view = this.register(new PanelWebview(panel, extensionUri, (m) => this.handle(m)));
    this.flow = this.register(new FlowRelay(engine, this.key, (m) => this.post(m), () => this.trace.mirror?.cursor.t, () => this.view.ready && !this.isDisposed));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.panel.title = path.basename(uri.path);
    this.view.load();
    this.register(
      engine.attach(specText(doc), 'panel', { progress: (m) => this.onProgress(m), built: (m) => this.onBuilt(m), failed: (m) => this.onFailed(m), changed: (m) => this.onChanged(m), flowProgress: (m) => this.flow.progress(m) }, { cursor: pendingCursor }),
    );
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onDidDisposeEmitter.fire();
    super.dispose();
    this.settleFirst();
    if (this.handedOver) return;
    try {
      this.panel.dispose();
    } catch {
      // already disposed by VS Code
    }
  }

  /** Stops watching this spec and gives up the webview panel, still open, to show another spec. */
  handOver(): vscode.WebviewPanel {
    this.handedOver = true;
    this.dispose();
    return this.panel;
  }

  /** Which weights the trace uses and the trained ones beside the spec, if any. */
  get weightsChoice(): Readonly<WeightsChoiceMessage> {
    return this.trace.weights;
  }

  /** The settings changed: the webview's switches follow them. */
  postSettings(): void {
    this.post({ type: 'settings', settings: panelSettings() });
  }

  /** The cursor now, or the one waiting for a valid trace. */
  get cursor(): Cursor | undefined {
    return this.trace.cursor;
  }

  get T(): number | undefined {
    return this.trace.summary?.T;
  }

  get lastErrors(): readonly SpecError[] {
    return this.trace.errors;
  }

  /** The last trace's summary (model, loss, weights used), null before the first. */
  get lastSummary(): PackedTraceSummary | null {
    return this.trace.summary;
  }

  /** The last message of a kind delivered to the webview (for the integration tests: a webview cannot be read from the host). */
  lastSent<K extends HostMessage['type']>(type: K): Extract<HostMessage, { type: K }> | undefined {
    return this.view.lastSent(type);
  }

  /** Re-runs the spec from the document's current text (`force`: even if unchanged, e.g. new weights). */
  refresh(doc: vscode.TextDocument, force = true): Promise<void> {
    return this.engine.spec(specText(doc), force).then(() => undefined);
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, false);
  }

  /** Handles a message as if the webview sent it (checked, never trusted; the integration tests use it). */
  onMessage(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (msg) this.handle(msg);
    else log(`ignored an invalid message for the stepper: ${safeJson(raw)}`);
  }

  private handle(msg: WebviewMessage): void {
    switch (msg.type) {
      case 'ready':
        this.view.ready = true;
        this.postSettings(); // first: the trace is drawn with the switches they set
        if (this.trace.summary) void this.sendTrace();
        if (this.trace.errors.length) this.post({ type: 'errors', file: this.key, errors: this.trace.errors });
        for (const m of this.training.replay()) this.post(m);
        return;
      case 'step':
        if (!this.trace.mirror) return;
        this.trace.mirror.step(msg.delta);
        return this.move({ kind: 'step', delta: msg.delta });
      case 'jump':
        if (!this.trace.mirror) return;
        this.trace.mirror.jump(msg.to);
        return this.move({ kind: 'jump', to: msg.to });
      case 'clip':
        if (this.trace.summary) void this.ask(this.engine.call(this.key, { method: 'clip', threshold: msg.threshold }), (clip) => this.post({ type: 'clipPreview', clip }));
        return;
      case 'cancelBuild':
        this.engine.cancelBuild(this.key);
        return;
      case 'layer':
        if (this.trace.summary) void this.ask(this.engine.call(this.key, { method: 'layer', layer: msg.layer }), (snapshot) => (this.postSnapshot(snapshot), this.flow.sendFlow()));
        return;
      case 'sample':
        void answerSample(this.engine, this.uri, msg).then((answer) => this.post(answer));
        return;
      case 'useWeights':
        this.engine.useWeights(this.key, msg.weights === 'initial');
        return;
      case 'reveal':
        revealPosition(this.uri, msg.line, msg.column).then(undefined, (e: unknown) => reportError('showing the error in the spec', e));
        return;
      default: {
        const never: never = msg;
        log(`unhandled message ${safeJson(never)}`);
      }
    }
  }

  /** Moves the session's cursor; an unmoved cursor (at either end) still answers, so the webview never waits. */
  private move(move: { kind: 'step'; delta: number } | { kind: 'jump'; to: 'start' | 'end' | Cursor }): void {
    void this.ask(this.engine.call(this.key, { method: 'move', move, origin: 'panel' }), (r) => {
      this.trace.mirror?.jump(r.cursor);
      if (!r.moved) void this.ask(this.engine.call(this.key, { method: 'snapshot' }), (snapshot) => this.postSnapshot(snapshot));
    });
  }

  private onProgress(m: BuildProgress): void {
    this.post({ type: 'build', status: 'running', phase: m.phase, done: m.done, total: m.total });
  }

  private onBuilt(m: Built): void {
    if (m.warning) void vscode.window.showWarningMessage(`BPTT: ${m.warning}`);
    const hadErrors = this.trace.built(m);
    this.panel.title = m.summary.name || path.basename(this.uri.path);
    if (hadErrors) this.post({ type: 'errors', file: this.key, errors: [] });
    this.post({ type: 'build', status: 'done', phase: 'backward', done: m.T, total: m.T });
    if (m.snapshot) this.postTrace(m.summary, m.snapshot);
    this.settleFirst();
  }

  private onFailed(m: BuildFailed): void {
    this.trace.errors = m.errors;
    if (!this.trace.summary) this.panel.title = path.basename(this.uri.path);
    this.post({ type: 'build', status: m.cancelled ? 'cancelled' : 'failed', phase: 'forward', done: 0, total: 0 });
    // The webview keeps the last good trace and shows the errors beside it, and its flow.
    this.post({ type: 'errors', file: this.key, errors: m.errors });
    this.flow.resume();
    this.settleFirst();
  }

  private onChanged(m: Changed): void {
    this.trace.mirror?.jump(m.change.cursor);
    if (m.snapshot) this.postSnapshot(m.snapshot);
  }

  /** The trace message, then (computed in the worker after it) the flow data and the cursor's Jacobian row. */
  private async sendTrace(): Promise<void> {
    const summary = this.trace.summary;
    if (!summary) return;
    await this.ask(this.engine.call(this.key, { method: 'snapshot' }), (snapshot) => this.postTrace(summary, snapshot));
  }

  private postTrace(summary: PackedTraceSummary, snapshot: StepSnapshot): void {
    if (!this.view.ready) return; // `ready` asks again
    this.post({ type: 'trace', summary, snapshot });
    this.post(this.trace.weights);
    this.flow.sendFlow();
    this.flow.scheduleJacobian();
  }

  private postSnapshot(snapshot: StepSnapshot): void {
    this.post({ type: 'snapshot', snapshot });
    this.flow.scheduleJacobian();
  }

  /** Runs a worker answer into f; a failure is logged (the panel keeps what it shows). */
  private ask<T>(p: Promise<T>, f: (v: T) => void): Promise<void> {
    return p.then(
      (v) => {
        if (!this.isDisposed) f(v);
      },
      (e: unknown) => log(`the stepper of ${this.key}: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** A training run of this spec reports: kept, so a (re)loaded webview gets the whole curve. */
  showTraining(m: TrainingProgressMessage | TrainingSampleMessage): void {
    this.training.record(m);
    this.post(m);
  }

  private post(msg: HostMessage): void {
    this.view.post(msg);
  }
}
