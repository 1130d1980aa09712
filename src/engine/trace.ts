/**
 * A computed trace with random access to any (phase, t). The forward and backward passes run once;
 * records are views onto what they saved. Per-step parameter contributions are formed on demand
 * from the saved gate gradients, and running sums from checkpoints every ~sqrt(T) steps, so a
 * jump to any t costs at most sqrt(T) contributions, never a re-run of the sequence.
 *
 * Above a size (the bytes a plain trace would hold, plainTraceBytes > PLAIN_TRACE_BYTES) the trace
 * keeps no per-step records: it keeps the state every ~sqrt(T) steps and recomputes a segment when
 * the cursor enters it (CheckpointedTrace).
 */
import type { BpttConfig, ModelConfig, Params, Problem } from './types';
import type { BackwardRecord, ForwardRecord, TraceView } from './records';
import { makeCell, type GradTerm, type StepCache } from './cells';
import { type BackwardStep, type ForwardPass } from './bptt';
import { slicedBackward, slicedForward, sliceSteps } from './slicedPasses';
import { addRange, addRuns, addStep, OUTPUT_TERMS } from './gradSum';
import { cloneParams, zerosLike } from './params';
import { norm2, withParams } from './linalg';
import { backwardRecord, checkRange, forwardRecord, layerDh, segmentStarts, strideOf } from './traceParts';
import { CheckpointedTrace } from './checkpointedTrace';

/** runTrace checkpoints a trace (full BPTT or chunks) when T·H is above this. */
export const CHECKPOINT_THRESHOLD = 2e6;
/** runTrace checkpoints a trace (full BPTT or chunks) when a plain one would hold more bytes than this. */
export const PLAIN_TRACE_BYTES = 384 * 1024 * 1024;
/** Window truncation is never checkpointed: above this many bytes its plain trace is refused. */
export const WINDOW_LIMIT_BYTES = 1024 * 1024 * 1024;

/**
 * The bytes a plain trace holds, estimated from above: per step some 30 small typed arrays and
 * records (~160 bytes each in V8 before their numbers: it is the count, not T·H, that sinks a
 * hidden-1 model on a long text), and their numbers, at most ~16 vectors of H and 4 of K.
 */
export function plainTraceBytes(config: Pick<ModelConfig, 'H' | 'K'>, T: number): number {
  return T * (30 * 160 + 8 * (16 * config.H + 4 * config.K));
}

/** Called as a trace is built (forward steps, then backward steps done of total); it may throw to cancel the build. */
export type TraceProgress = (phase: 'forward' | 'backward', done: number, total: number) => void;

export interface TraceOptions {
  /** Force (true) or forbid (false) the checkpointed trace; by default chosen by size. */
  checkpointed?: boolean;
  /** Progress of the build; what it throws ends the build (a cancel). */
  progress?: TraceProgress;
}

/** Every step's records in memory. */
class FullTrace implements TraceView {
  readonly T: number;
  readonly loss: number;
  readonly grads: Params;
  private readonly terms: GradTerm[];
  private readonly fwd: ForwardPass;
  private readonly bwd: BackwardStep[];
  /**
   * checkpoints.get(t) = Σ_{j=t}^{T} contribution(j), for t = T+1 and every multiple of stride. Built
   * on demand from T down (running holds the sum at the lowest one built), so stepping back from T
   * costs one segment per checkpoint, and the first jump far from T at most one sweep.
   */
  private readonly checkpoints = new Map<number, Params>();
  private running: { t: number; sum: Params } | null = null;
  private readonly stride: number;

  constructor(
    problem: Problem,
    readonly params: Params,
    private readonly config: ModelConfig,
    bptt: BpttConfig,
    progress?: TraceProgress,
  ) {
    const cell = makeCell(config);
    this.terms = [...cell.terms, ...OUTPUT_TERMS];
    this.T = problem.sequence.inputs.length;
    // In slices, progress between them: a plain build of T·H up to CHECKPOINT_THRESHOLD took seconds.
    const n = sliceSteps(config);
    this.fwd = slicedForward(cell, problem, params, n, progress);
    this.bwd = slicedBackward(cell, config, bptt, params, this.fwd, n, progress);
    this.loss = this.fwd.loss;
    this.stride = strideOf(this.T);
    this.grads = this.sumSegments(n, progress);
  }

  /** The sum over all steps, segment by segment from T down, as the checkpoints are built; progress about every n steps. */
  private sumSegments(n: number, progress?: TraceProgress): Params {
    const sum = zerosLike(this.params);
    const starts = segmentStarts(this.T, this.stride);
    const runs: [number, number][] = [];
    let hi = this.T; // steps hi+1..T are summed
    for (let k = starts.length - 1; k >= 0; k--) {
      runs.push([starts[k] - 1, hi]);
      hi = starts[k] - 1;
    }
    // One addRange a segment, from the last: addRuns over groups of segments of about n steps each.
    for (let i = 0; i < runs.length; ) {
      let j = i + 1, steps = runs[i][1] - runs[i][0];
      while (j < runs.length && steps < n) steps += runs[j][1] - runs[j++][0];
      if (i > 0) progress?.('backward', this.T, this.T);
      addRuns(this.terms, this.fwd.caches, this.bwd, runs.slice(i, j), sum);
      i = j;
    }
    return sum;
  }

  /** The running sum at c (T + 1 or a multiple of the stride), building the checkpoints down to it. */
  private checkpoint(c: number): Params {
    const have = this.checkpoints.get(c);
    if (have) return have;
    if (!this.running) {
      this.running = { t: this.T + 1, sum: zerosLike(this.params) };
      this.checkpoints.set(this.T + 1, cloneParams(this.running.sum));
    }
    const starts = segmentStarts(this.T, this.stride);
    let k = starts.length - 1;
    while (k >= 0 && starts[k] >= this.running.t) k--;
    // Add segments below the lowest checkpoint built, as sumSegments does, until c.
    while (this.running.t > c && k >= 0) {
      const lo = starts[k];
      addRange(this.terms, this.fwd.caches, this.bwd, lo - 1, this.running.t - 1, this.running.sum);
      this.running.t = lo;
      if (lo % this.stride === 0) this.checkpoints.set(lo, cloneParams(this.running.sum));
      k--;
    }
    return this.checkpoints.get(c) as Params;
  }

  forward(t: number): ForwardRecord {
    checkRange(t, this.T);
    return forwardRecord(this.config, t, this.fwd.caches[t - 1], this.fwd.outs[t - 1]);
  }

  backward(t: number): BackwardRecord {
    checkRange(t, this.T);
    return backwardRecord(t, this.bwd[t - 1]);
  }

  contribution(t: number): Params {
    checkRange(t, this.T);
    const g = zerosLike(this.params);
    addStep(this.terms, this.fwd.caches[t - 1], this.bwd[t - 1], g);
    return g;
  }

  accumulated(t: number): Params {
    checkRange(t, this.T);
    if (t === 1) return cloneParams(this.grads); // End lands here: the total, without building checkpoints
    let c = t;
    while (c <= this.T && c % this.stride !== 0) c++;
    const sum = cloneParams(this.checkpoint(c));
    addRange(this.terms, this.fwd.caches, this.bwd, t - 1, c - 1, sum); // steps t..c-1
    return sum;
  }

  hiddenStates(): Float64Array[] {
    return [this.fwd.caches[0].prev.h, ...this.fwd.caches.map((c) => c.h)];
  }

  forwardCaches(): readonly StepCache[] {
    return this.fwd.caches;
  }

  dhNorms(layer?: number): number[] {
    return this.bwd.map((s) => norm2(layerDh(s, layer)));
  }

  stepLosses(): (number | null)[] {
    return this.fwd.outs.map((o) => o.loss);
  }
}

export class Trace implements TraceView {
  readonly T: number;
  readonly loss: number;
  readonly grads: Params;
  readonly config: ModelConfig;
  readonly bptt: BpttConfig;
  readonly params: Params;
  /** Whether the trace keeps checkpoints and recomputes segments instead of every step's records. */
  readonly checkpointed: boolean;
  private readonly impl: FullTrace | CheckpointedTrace;

  constructor(problem: Problem, params: Params = problem.params, options: TraceOptions = {}) {
    this.config = problem.config;
    this.bptt = problem.bptt;
    this.params = params;
    const T = problem.sequence.inputs.length;
    const size = T * problem.config.H;
    const bytes = plainTraceBytes(problem.config, T);
    const windowed = problem.bptt.truncate === 'window';
    if (options.checkpointed && windowed) throw new RangeError('a checkpointed trace supports truncate none and chunks, not window');
    this.checkpointed = options.checkpointed ?? (!windowed && (size > CHECKPOINT_THRESHOLD || bytes > PLAIN_TRACE_BYTES));
    if (!this.checkpointed && windowed && bytes > WINDOW_LIMIT_BYTES && options.checkpointed === undefined) {
      const mb = (b: number) => `${Math.round(b / (1024 * 1024))} MB`;
      throw new RangeError(
        `truncate: window keeps every step's records and is not checkpointed; T = ${T} steps would take about ${mb(bytes)}, above ${mb(WINDOW_LIMIT_BYTES)}. Use truncate: chunks or none, or a shorter sequence.`,
      );
    }
    // The parameters stay resident in wasm memory for the passes (the kernels copy only vectors).
    this.impl = withParams(params, () =>
      this.checkpointed ? new CheckpointedTrace(problem, params, { progress: options.progress }) : new FullTrace(problem, params, this.config, this.bptt, options.progress),
    );
    this.T = this.impl.T;
    this.loss = this.impl.loss;
    this.grads = this.impl.grads;
  }

  forward(t: number): ForwardRecord {
    return this.impl.forward(t);
  }

  backward(t: number): BackwardRecord {
    return this.impl.backward(t);
  }

  contribution(t: number): Params {
    return this.impl.contribution(t);
  }

  accumulated(t: number): Params {
    return this.impl.accumulated(t);
  }

  /** ||dL/dh_t|| for t = 1..T, of a stack's layer (1 = bottom; the top one by default): cheap on both kinds (a checkpointed trace kept them from its sweep). */
  dhNorms(layer?: number): number[] {
    return this.impl.dhNorms(layer);
  }

  /** L_t for t = 1..T (null without a target), without recomputing segments. */
  stepLosses(): (number | null)[] {
    return this.impl.stepLosses();
  }

  /** The hidden state before step 1 and after each step: h_0 .. h_T (a checkpointed trace recomputes them). */
  hiddenStates(): Float64Array[] {
    return this.impl.hiddenStates();
  }

  /** Every step's forward cache when the trace keeps them (a plain trace); null for a checkpointed one. */
  forwardCaches(): readonly StepCache[] | null {
    return this.impl instanceof FullTrace ? this.impl.forwardCaches() : null;
  }
}

/** Runs the forward and backward passes of a problem (with its own or the given parameters). */
export function runTrace(problem: Problem, params?: Params, options?: TraceOptions): Trace {
  return new Trace(problem, params, options);
}
