/**
 * A spec being stepped: the resolved problem, its trace, the cursor over the 2T places, the flow
 * and Jacobian caches, the snapshot of the current place. Every front-end (the panel, the debugger,
 * the CLI's adapter, the bench, the browser tests) drives this one model; it knows none of them.
 * Pure: no vscode, no DOM, no Node.
 */
import { runTrace, seedTrajectory, type FlowProgress, type Problem, type Trace, type TraceProgress } from '../engine';
import type { ClipView, FlowData, JacobianView, StepSnapshot, TraceSummary } from '../protocol';
import { placeAt, placeIndex, Stepper, type Cursor } from './cursor';
import { dataLines, stepsOnLine, type DataLines } from './dataLines';
import { SessionChanges, type SessionChange } from './changes';
import { FlowCache } from './flowCache';
import { clipView } from './flowView';
import { Place } from './place';
import { snapshotAt, summarize } from './snapshot';
import { children, scopes, type ScopeName, type VarNode } from './variables';

/** Where a spec came from: its text (for the lines of its data) and the name shown for it. */
export interface SessionSource {
  /** The spec's URI or path, as front-ends name it (summary.file). */
  file: string;
  text: string;
  format: 'yaml' | 'json';
  /** "weights: NAME.weights.json (epoch E)" when the parameters are not the spec's init. */
  weights?: string;
}

export type { SessionChange } from './changes';

/** Flow and Jacobian views reuse the trace's forward pass when it kept every step at the problem's own parameters. */
function adoptForward(problem: Problem, trace: Trace): void {
  const caches = trace.forwardCaches();
  if (caches && trace.params === problem.params) seedTrajectory(problem, caches);
}

export class StepSession {
  private problemNow: Problem;
  private traceNow: Trace;
  private sourceNow: SessionSource;
  readonly stepper: Stepper;
  private lines: DataLines | null = null;
  /** The trace's flow data and Jacobian rows, per layer. */
  private views: FlowCache;
  private placeCache: Place | null = null;
  private readonly changes = new SessionChanges();
  /** The layer of a stack the panel's cards and flow views show (1 = bottom); undefined: the top one. */
  private layerNow: number | undefined;

  constructor(problem: Problem, trace: Trace, source: SessionSource, cursor?: Cursor) {
    this.problemNow = problem;
    this.traceNow = trace;
    this.sourceNow = source;
    adoptForward(problem, trace);
    this.views = new FlowCache(problem, trace.grads);
    this.stepper = new Stepper(trace.T);
    if (cursor) this.stepper.jump(cursor);
    this.stepper.onDidChange((c) => this.changes.emit({ kind: 'move', cursor: c, origin: this.changes.origin }));
  }

  /** Builds the trace of a problem (progress may throw to cancel) and a session over it. */
  static build(problem: Problem, source: SessionSource, opts: { cursor?: Cursor; progress?: TraceProgress } = {}): StepSession {
    return new StepSession(problem, runTrace(problem, undefined, { progress: opts.progress }), source, opts.cursor);
  }

  get problem(): Problem {
    return this.problemNow;
  }

  get trace(): Trace {
    return this.traceNow;
  }

  get source(): SessionSource {
    return this.sourceNow;
  }

  get T(): number {
    return this.traceNow.T;
  }

  get cursor(): Cursor {
    return this.stepper.cursor;
  }

  /** The cursor's position on the line 0..2T-1. */
  get position(): number {
    return this.stepper.position;
  }

  /**
   * A new trace of the same spec (edited, or new weights): the cursor keeps its phase and t where
   * they still exist, the caches go, and observers hear `trace`.
   */
  replace(problem: Problem, trace: Trace, source: SessionSource): void {
    this.problemNow = problem;
    this.traceNow = trace;
    this.sourceNow = source;
    adoptForward(problem, trace);
    this.lines = null;
    this.views = new FlowCache(problem, trace.grads);
    this.placeCache = null;
    this.changes.quietly(() => this.stepper.retarget(trace.T));
    this.changes.emit({ kind: 'trace', cursor: this.cursor });
  }

  /** Moves by delta places (stopping at either end); returns whether the cursor moved. */
  step(delta: number, origin?: string): boolean {
    return this.changes.moving(origin, () => this.stepper.step(delta));
  }

  /** start (forward t = 1), end (backward t = 1) or an exact place. */
  jump(to: 'start' | 'end' | Cursor, origin?: string): boolean {
    return this.changes.moving(origin, () => this.stepper.jump(to));
  }

  /** Moves to a position on the line 0..2T-1. */
  goto(position: number, origin?: string): boolean {
    return this.jump(placeAt(Math.min(Math.max(0, position), 2 * this.T - 1), this.T), origin);
  }

  /** What is known at a place (the cursor's by default); the last one asked is kept. */
  place(at: Cursor = this.cursor): Place {
    const c = { phase: at.phase, t: Math.min(Math.max(1, at.t), this.T) };
    const p = this.placeCache;
    if (p && p.trace === this.traceNow && p.cursor.phase === c.phase && p.cursor.t === c.t) return p;
    return (this.placeCache = new Place(this.problemNow, this.traceNow, c));
  }

  /** Position of a place on the line 0..2T-1. */
  indexOf(c: Cursor): number {
    return placeIndex(c, this.T);
  }

  placeAt(position: number): Cursor {
    return placeAt(position, this.T);
  }

  /** The layers of the model: model.layers (1 for a single cell). */
  get layers(): number {
    return this.problemNow.config.layers ?? 1;
  }

  /** The layer the snapshot, the flow map and the Jacobian rows are about: 1 = bottom, layers = top (the default). */
  get layer(): number {
    return Math.min(this.layerNow ?? this.layers, this.layers);
  }

  /** Chooses the layer (clamped to 1..layers); returns whether it changed. The cursor stays; nobody is told (the asker re-reads). */
  setLayer(layer: number): boolean {
    const l = Math.min(Math.max(1, Math.round(layer)), this.layers);
    if (l === this.layer) return false;
    this.layerNow = l;
    return true;
  }

  summary(): TraceSummary {
    const s = summarize(this.problemNow, this.traceNow, this.sourceNow.file);
    return this.sourceNow.weights ? { ...s, weights: this.sourceNow.weights } : s;
  }

  snapshot(at: Cursor = this.cursor): StepSnapshot {
    return snapshotAt(this.problemNow, this.traceNow, at, this.layer);
  }

  /**
   * The Jacobian row a chart shows for the cursor at t: its own, but at t = 1 (End, where users land)
   * there is no step back, so the whole sequence's row, t = T, marked with the cursor's t.
   */
  chartJacobian(t: number, progress?: FlowProgress): JacobianView {
    if (t !== 1 || this.T < 2) return this.jacobian(t, progress);
    return { ...this.jacobian(this.T, progress), cursorT: t };
  }

  /** The gradient-flow data of this trace for the session's layer, computed once per layer (progress: between slices; may throw to stop). */
  flow(progress?: FlowProgress): FlowData {
    return this.views.flow(this.layer, progress);
  }

  /** The Jacobian row at t (of the session's layer), kept for the next visit. */
  jacobian(t: number, progress?: FlowProgress): JacobianView {
    return this.views.jacobian(t, this.layer, progress);
  }

  clip(threshold: number): ClipView {
    return clipView(this.traceNow.grads, threshold);
  }

  /** The scopes at a place with their sizes. */
  scopes(at?: Cursor): { name: ScopeName; named: number; expensive: boolean }[] {
    return scopes(this.place(at));
  }

  /** A page of the values tree at a place (see variables.ts for paths). */
  variables(at: Cursor, path: string[], start?: number, count?: number): VarNode[] {
    return children(this.place(at), path, start, count);
  }

  /** Lines of each step's data in the spec's text. */
  dataLines(): DataLines {
    return (this.lines ??= dataLines(this.sourceNow.text, this.sourceNow.format, this.T));
  }

  /** The line of step t's data (1-based). */
  lineOf(t: number): number {
    return this.dataLines().lineOf[Math.min(Math.max(1, t), this.T) - 1];
  }

  /** The steps whose data is on a line. */
  stepsOnLine(line: number): number[] {
    return stepsOnLine(this.dataLines(), line);
  }

  onDidChange(listener: (e: SessionChange) => void): { dispose(): void } {
    return this.changes.on(listener);
  }
}
