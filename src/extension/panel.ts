/**
 * The stepper panel: one per spec, beside the editor. The host owns the trace and a Stepper cursor;
 * the webview shows the current step's snapshot and sends step/jump requests back.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { runTrace, type Problem, type Trace } from '../engine';
import { Stepper, type Cursor } from '../session/cursor';
import { TrainingLog } from './training/trainingLog';
import { withTrainedWeights } from './training/trainedWeights';
import { isCursor, parseWebviewMessage, type FlowData, type HostMessage, type JacobianView, type SpecError, type TrainingProgressMessage, type TrainingSampleMessage, type WebviewMessage } from '../protocol';
import { summarize, snapshotAt } from '../session/snapshot';
import { clipView, flowData, jacobianView } from '../session/flowView';
import { panelHtml } from './panelHtml';
import { Disposable } from './dispose';
import { loadSpecDocument } from './specFiles';
import { log, reportError, safeJson } from './output';

export const STEPPER_VIEW_TYPE = 'bptt.stepper';

/** The Jacobian row waits this long after a move: a held arrow key or fast play computes only where the cursor rests. */
const JACOBIAN_DELAY_MS = 60;

/**
 * What the webview saves with `vscode.setState` so a reload restores the panel (see serializer.ts):
 * `file` is the spec's URI as a string (the host sends it as `summary.file` in the trace message),
 * `cursor` the last snapshot's cursor `{ phase, t }`. Other fields the webview keeps are ignored here.
 */
export interface StepperState {
  file: string;
  cursor?: Cursor;
}

/** Reads a StepperState from whatever the webview stored; null if it names no spec. */
export function parseStepperState(v: unknown): StepperState | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  if (typeof s.file !== 'string' || !s.file) return null;
  return { file: s.file, cursor: isCursor(s.cursor) ? { phase: s.cursor.phase, t: s.cursor.t } : undefined };
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false, // the webview keeps its state with setState; the host keeps the cursor
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class StepperPanel extends Disposable {
  private problem: Problem | null = null;
  private trace: Trace | null = null;
  private stepper: Stepper | null = null;
  private errors: SpecError[] = [];
  /** The webview has said `ready` since it was last (re)loaded. */
  private ready = false;
  /** Set while a recomputation moves the cursor: the trace message carries the snapshot. */
  private recomputing = false;
  /** The gradient-flow data of the current trace, computed after the trace is sent (see scheduleFlow). */
  private flow: FlowData | null = null;
  /** Jacobian rows of the current trace by t, computed as the cursor reaches them. */
  private jacobians = new Map<number, JacobianView>();
  /** "weights: NAME.weights.json (epoch E)" when the trace uses trained weights (see withTrainedWeights). */
  private weightsNote: string | undefined;
  /** The training run of this spec last reported, replayed to a (re)loaded webview. */
  private readonly training = new TrainingLog();
  private flowTimer: ReturnType<typeof setTimeout> | undefined;
  private jacobianTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onDidDisposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private pendingCursor?: Cursor,
  ) {
    super();
    this.register({ dispose: () => (clearTimeout(this.flowTimer), clearTimeout(this.jacobianTimer)) });
    panel.webview.options = webviewOptions(extensionUri);
    this.register(panel.webview.onDidReceiveMessage((m) => this.onMessage(m)));
    this.register(panel.onDidChangeViewState(() => !panel.visible && (this.ready = false)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.panel.title = path.basename(uri.path);
    this.panel.webview.html = this.html();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onDidDisposeEmitter.fire();
    super.dispose();
    try {
      this.panel.dispose();
    } catch {
      // already disposed by VS Code
    }
  }

  /** The cursor now, or the one waiting for a valid trace. */
  get cursor(): Cursor | undefined {
    return this.stepper?.cursor ?? this.pendingCursor;
  }

  get T(): number | undefined {
    return this.trace?.T;
  }

  get lastErrors(): readonly SpecError[] {
    return this.errors;
  }

  /** Re-runs the spec from the document's current text; keeps the cursor where it still makes sense. */
  refresh(doc: vscode.TextDocument): void {
    const loaded = loadSpecDocument(doc);
    const diagnostics = loaded.diagnostics;
    const { problem, note } = loaded.problem ? withTrainedWeights(doc, loaded.problem) : { problem: null, note: undefined };
    let trace: Trace | null = null;
    let errors: SpecError[] = diagnostics.filter((d) => d.severity === 'error').map((d) => ({ line: d.line, column: d.column, message: d.message }));
    if (problem && errors.length === 0) {
      try {
        trace = runTrace(problem);
      } catch (e) {
        errors = [{ line: 1, column: 1, message: `the engine could not run this spec: ${e instanceof Error ? e.message : String(e)}` }];
        log(`trace of ${doc.uri.toString()} failed: ${e instanceof Error ? e.stack : e}`);
      }
    }
    const hadErrors = this.errors.length > 0;
    this.errors = errors;
    if (!problem || !trace) {
      // The webview keeps the last good trace and shows the errors beside it.
      if (!this.trace) this.panel.title = path.basename(doc.uri.path);
      this.post({ type: 'errors', file: this.uri.toString(), errors });
      return;
    }
    this.problem = problem;
    this.weightsNote = note;
    this.trace = trace;
    this.flow = null;
    this.jacobians = new Map();
    this.panel.title = problem.name || path.basename(doc.uri.path);
    this.recomputing = true;
    try {
      if (!this.stepper) {
        this.stepper = new Stepper(trace.T);
        this.register(this.stepper.onDidChange(() => !this.recomputing && this.postSnapshot()));
        if (this.pendingCursor) this.stepper.jump(this.pendingCursor);
        this.pendingCursor = undefined;
      } else {
        this.stepper.retarget(trace.T);
      }
    } finally {
      this.recomputing = false;
    }
    if (hadErrors) this.post({ type: 'errors', file: this.uri.toString(), errors: [] });
    this.postTrace();
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, false);
  }

  /** Handles a message from the webview (a browser page: checked, never trusted). */
  onMessage(raw: unknown): void {
    try {
      const msg = parseWebviewMessage(raw);
      if (!msg) {
        log(`ignored an invalid message from the stepper webview: ${safeJson(raw)}`);
        return;
      }
      this.handle(msg);
    } catch (e) {
      reportError('the stepper', e);
    }
  }

  private handle(msg: WebviewMessage): void {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (this.trace) this.postTrace();
        if (this.errors.length) this.post({ type: 'errors', file: this.uri.toString(), errors: this.errors });
        this.postTraining();
        return;
      case 'step':
        // An unmoved cursor (at either end) still answers, so the webview never waits.
        if (this.stepper && !this.stepper.step(msg.delta)) this.postSnapshot();
        return;
      case 'jump':
        if (this.stepper && !this.stepper.jump(msg.to)) this.postSnapshot();
        return;
      case 'clip':
        if (this.trace) this.post({ type: 'clipPreview', clip: clipView(this.trace.grads, msg.threshold) });
        return;
      default: {
        const never: never = msg;
        log(`unhandled message ${safeJson(never)}`);
      }
    }
  }

  private postTrace(): void {
    if (!this.problem || !this.trace || !this.stepper) return;
    this.post({
      type: 'trace',
      summary: { ...summarize(this.problem, this.trace, this.uri.toString()), ...(this.weightsNote ? { weights: this.weightsNote } : {}) },
      snapshot: snapshotAt(this.problem, this.trace, this.stepper.cursor),
    });
    this.scheduleFlow();
  }

  private postSnapshot(): void {
    if (!this.problem || !this.trace || !this.stepper) return;
    this.post({ type: 'snapshot', snapshot: snapshotAt(this.problem, this.trace, this.stepper.cursor) });
    this.scheduleJacobian();
  }

  /**
   * The flow map can take a moment on long sequences: it is computed once per trace, after the
   * trace message is on its way, so opening or editing never waits for it; then the cursor's row.
   */
  private scheduleFlow(): void {
    clearTimeout(this.flowTimer);
    this.flowTimer = setTimeout(() => {
      const { problem, trace } = this;
      if (!problem || !trace || !this.ready) return; // `ready` asks again
      try {
        this.flow ??= flowData(problem, trace.grads);
        this.post({ type: 'flow', flow: this.flow });
      } catch (e) {
        log(`the gradient flow of ${this.uri.toString()} failed: ${e instanceof Error ? e.stack : e}`);
        this.post({ type: 'flow', flow: null, error: e instanceof Error ? e.message : String(e) });
      }
      this.scheduleJacobian();
    }, 0);
  }

  /** The Jacobian row of the cursor's t, after the snapshot; skipped if the cursor has moved on. */
  private scheduleJacobian(): void {
    clearTimeout(this.jacobianTimer);
    this.jacobianTimer = setTimeout(() => {
      const { problem, trace, stepper } = this;
      if (!problem || !trace || !stepper || !this.ready) return;
      const t = stepper.cursor.t;
      try {
        let row = this.jacobians.get(t);
        if (!row) {
          row = jacobianView(problem, t);
          this.jacobians.set(t, row);
          // A few dozen rows at most: on long sequences each row is long.
          if (this.jacobians.size > 64) this.jacobians.delete(this.jacobians.keys().next().value as number);
        }
        this.post({ type: 'jacobian', row });
      } catch (e) {
        log(`the Jacobian row at t = ${t} of ${this.uri.toString()} failed: ${e instanceof Error ? e.stack : e}`);
      }
    }, JACOBIAN_DELAY_MS);
  }

  /** A training run of this spec reports: kept, so a (re)loaded webview gets the whole curve. */
  showTraining(m: TrainingProgressMessage | TrainingSampleMessage): void {
    this.training.record(m);
    this.post(m);
  }

  private postTraining(): void {
    for (const m of this.training.replay()) this.post(m);
  }

  private post(msg: HostMessage): void {
    if (!this.ready || this.isDisposed) return; // the webview asks with `ready` when it (re)loads
    this.panel.webview.postMessage(msg).then(
      (delivered) => delivered || log(`a ${msg.type} message was not delivered`),
      (e) => reportError('sending to the stepper', e),
    );
  }

  private html(): string {
    const webview = this.panel.webview;
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      title: this.panel.title,
    });
  }
}

