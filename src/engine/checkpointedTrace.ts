/**
 * A trace that scales with T: it keeps the cell state at the start of every segment of ~sqrt(T)
 * steps, the gradient arriving from the future at every segment's end, the running parameter-
 * gradient sums at the segment starts, and each step's loss, and recomputes a segment's forward
 * caches (and its backward records) when the cursor enters it (gradient checkpointing, Chen et al.
 * 2016). A few recomputed segments are kept, least recently used first out.
 *
 * It gives the same numbers as the plain trace, bit for bit: the same steps run in the same order
 * from the same saved state, and the running sums are formed by the same packed products over the
 * same segments. Truncation: none and chunks (window needs every step's records; see Trace).
 */
import type { BpttConfig, ModelConfig, Params, Problem, Sequence } from './types';
import type { BackwardRecord, ForwardRecord, TraceView } from './records';
import { advance, copyState, makeCell, unroll, zeroState, type Cell, type CellState, type GradTerm } from './cells';
import { backwardRange, lossScale, type BackwardStep } from './bptt';
import { addRange, addStep, OUTPUT_TERMS } from './gradSum';
import { cloneParams, zerosLike } from './params';
import { norm2, withParams } from './linalg';
import { backwardRecord, checkRange, forwardRecord, layerDh, segmentOf, segmentStarts, strideOf } from './traceParts';
import { HTape } from './hTape';
import { RunningSums } from './runningSums';
import { VecPool } from './vecPool';
import { recomputeSegment, SegmentLru, type Segment } from './segments';

export interface CheckpointedOptions {
  /** Recomputed segments kept in memory (default 4). */
  cacheSegments?: number;
  /**
   * Bytes for the running gradient sums (default 96 MiB). When one sum per segment would take more,
   * only every m-th is kept and the others are rebuilt from the next kept one, segment by segment.
   */
  sumBudgetBytes?: number;
  /** Bytes for the first pass's tape of h (hTape.ts, default 128 MiB); above it, segments recompute step by step. */
  tapeBudgetBytes?: number;
  /** Progress of the build, once a segment; what it throws ends the build. */
  progress?: (phase: 'forward' | 'backward', done: number, total: number) => void;
}

export class CheckpointedTrace implements TraceView {
  readonly T: number;
  readonly loss: number;
  readonly grads: Params;
  readonly config: ModelConfig;
  readonly bptt: BpttConfig;
  readonly stride: number;
  private readonly cell: Cell;
  private readonly terms: GradTerm[];
  private readonly seq: Sequence;
  private readonly scale: number;
  private readonly starts: number[];
  /** The state before each segment's first step. */
  private readonly states: CellState[];
  /** Every state's gradient arriving from the future at each segment's last step, before any chunk cut there. */
  private readonly dEnd: CellState[];
  /** Σ_{j=t}^{T} contribution(j) at t = T+1 and segment starts that are multiples of the stride (runningSums.ts). */
  private readonly sums: RunningSums;
  private readonly losses: (number | null)[];
  private readonly lru: SegmentLru;
  /** ||dL/dh_t|| for every t, from the backward sweep. */
  private readonly dhNormsOf: Float64Array;
  /** A stack's ||dL/dh_t|| of every layer (bottom first), from the same sweep; empty for a single cell. */
  private readonly layerNormsOf: Float64Array[];

  constructor(
    problem: Problem,
    readonly params: Params = problem.params,
    options: CheckpointedOptions = {},
  ) {
    this.config = problem.config;
    this.bptt = problem.bptt;
    if (this.bptt.truncate === 'window') throw new RangeError('a checkpointed trace supports truncate none and chunks, not window');
    this.lru = new SegmentLru(Math.max(1, options.cacheSegments ?? 4));
    this.seq = problem.sequence;
    this.cell = makeCell(this.config);
    this.terms = [...this.cell.terms, ...OUTPUT_TERMS];
    this.T = this.seq.inputs.length;
    this.stride = strideOf(this.T);
    this.starts = segmentStarts(this.T, this.stride);
    this.scale = lossScale(this.config, this.seq);
    const S = this.starts.length;
    this.sums = new RunningSums(params, this.T, this.stride, options.sumBudgetBytes);
    this.dhNormsOf = new Float64Array(this.T);
    const L = this.config.layers ?? 1;
    this.layerNormsOf = Array.from({ length: L > 1 ? L : 0 }, () => new Float64Array(this.T));

    // Forward: the state at each segment start, and every step's h where the cell replays a
    // segment from it (hTape.ts). No output layer here: the backward sweep below recomputes every
    // segment with its outputs once, from the same states, and takes the losses from there (the
    // same bits).
    this.states = new Array(S);
    this.losses = new Array(this.T);
    const starts = new Set(this.starts);
    this.states[0] = problem.s0;
    options.progress?.('forward', 0, this.T);
    const tape = HTape.forBuild(this.cell, params, this.starts, this.T, options.tapeBudgetBytes);
    advance(this.cell, params, this.seq.inputs, problem.s0, (i) => starts.has(i + 2), (i, state) => {
      this.states[segmentOf(this.starts, i + 2)] = state;
      options.progress?.('forward', i + 1, this.T);
    }, 0, this.T, tape?.record);

    // Backward, segment by segment from the last: recompute its forward, run its backward from
    // what arrives at its end, and add its contributions to the running sum.
    this.dEnd = new Array(S);
    let dNext = zeroState(this.cell);
    const sum = zerosLike(params);
    this.sums.keep(this.T + 1, sum);
    for (let k = S - 1; k >= 0; k--) {
      options.progress?.('backward', this.T - this.end(k), this.T);
      this.dEnd[k] = dNext;
      // A segment the cache will not keep is garbage once swept: its vectors' chunks serve the next.
      const scope = k >= this.lru.capacity ? VecPool.scope() : null;
      try {
        dNext = this.sweep(k, tape, sum);
        scope?.recycle();
      } finally {
        scope?.close();
      }
    }
    VecPool.dropSpares();
    this.grads = sum;
    // The loss summed over t in order, as the plain trace's forward pass sums it.
    let loss = 0;
    for (const l of this.losses) if (l !== null) loss += l;
    this.loss = loss * this.scale;
  }

  /**
   * The build's work on segment k: recompute it, run its backward from what arrives at its end, add
   * its contributions to the running sum, keep its losses and norms (the segment itself only where
   * the cache keeps it). Returns what leaves its first step: a copy (kept in dEnd, as the states).
   */
  private sweep(k: number, tape: HTape | null, sum: Params): CellState {
    const seg = this.recompute(k, tape);
    for (let i = 0; i < seg.n; i++) this.losses[seg.start - 1 + i] = seg.outs[i].loss;
    const steps = this.backwardOf(seg, k);
    addRange(this.terms, seg.caches, steps, 0, seg.n, sum);
    if (this.sums.keeps(seg.start)) this.sums.keep(seg.start, sum);
    for (let i = 0; i < seg.n; i++) this.dhNormsOf[seg.start - 1 + i] = norm2(steps[i].dh);
    this.layerNormsOf.forEach((norms, l) => {
      for (let i = 0; i < seg.n; i++) norms[seg.start - 1 + i] = norm2(layerDh(steps[i], l + 1));
    });
    if (k < this.lru.capacity) this.lru.remember(seg);
    return copyState(steps[0].grad.dprev);
  }

  /** Running sums are kept at every sumEvery-th multiple of the stride. */
  get sumEvery(): number {
    return this.sums.sumEvery;
  }

  /**
   * The running sum at c (T + 1 or a multiple of the stride): kept, or rebuilt from the next kept
   * one by adding the segments between, last first, as the backward sweep added them.
   */
  private sumAt(c: number): Params {
    return this.sums.at(c, (sum, above) => {
      for (let k = this.segmentOf(above - 1); k >= 0 && this.starts[k] >= c; k--) {
        const seg = this.segment(k);
        addRange(this.terms, seg.caches, this.backwardOf(seg, k), 0, seg.n, sum);
      }
    });
  }

  /** The last step of segment k. */
  private end(k: number): number {
    return k + 1 < this.starts.length ? this.starts[k + 1] - 1 : this.T;
  }

  private segmentOf(t: number): number {
    return segmentOf(this.starts, t);
  }

  /** Segment k's records: from the build's tape of h where it has one (the same bits), else step by step. */
  private recompute(k: number, tape?: HTape | null): Segment {
    const start = this.starts[k];
    return recomputeSegment(this.cell, this.config, this.params, this.seq, start, this.end(k) - start + 1, this.states[k], (from, to) => tape?.replay(k, this.seq.inputs, this.states[k], from, to) ?? null);
  }

  private backwardOf(seg: Segment, k: number): BackwardStep[] {
    if (!seg.steps) {
      seg.steps = withParams(this.params, () => backwardRange(this.cell, this.config, this.bptt, this.params, seg.caches, seg.outs, this.scale, seg.start - 1, this.dEnd[k]));
    }
    return seg.steps;
  }

  /** Segment k, recomputed if it is not among the recent ones. */
  private segment(k: number): Segment {
    const kept = this.lru.get(this.starts[k]);
    if (kept) return kept;
    const seg = withParams(this.params, () => this.recompute(k));
    this.lru.remember(seg);
    return seg;
  }

  forward(t: number): ForwardRecord {
    checkRange(t, this.T);
    const seg = this.segment(this.segmentOf(t));
    return forwardRecord(this.config, t, seg.caches[t - seg.start], seg.outs[t - seg.start]);
  }

  backward(t: number): BackwardRecord {
    checkRange(t, this.T);
    const k = this.segmentOf(t);
    const seg = this.segment(k);
    return backwardRecord(t, this.backwardOf(seg, k)[t - seg.start]);
  }

  contribution(t: number): Params {
    checkRange(t, this.T);
    const k = this.segmentOf(t);
    const seg = this.segment(k);
    const g = zerosLike(this.params);
    addStep(this.terms, seg.caches[t - seg.start], this.backwardOf(seg, k)[t - seg.start], g);
    return g;
  }

  accumulated(t: number): Params {
    checkRange(t, this.T);
    // c: the first running-sum place at or after t (a multiple of the stride, or T + 1).
    let c = t;
    while (c <= this.T && c % this.stride !== 0) c++;
    const sum = cloneParams(this.sumAt(c));
    if (c > t) {
      // Steps t..c-1 all lie in t's segment: c is the next checkpoint at or after t.
      const k = this.segmentOf(t);
      const seg = this.segment(k);
      addRange(this.terms, seg.caches, this.backwardOf(seg, k), t - seg.start, c - seg.start, sum);
    }
    return sum;
  }

  /** ||dL/dh_t|| for t = 1..T (of a stack's layer, 1 = bottom; the top one by default), without recomputing anything. */
  dhNorms(layer?: number): number[] {
    return Array.from((layer !== undefined && this.layerNormsOf[layer - 1]) || this.dhNormsOf);
  }

  /** L_t for every t (null where there is no target), without recomputing anything. */
  stepLosses(): (number | null)[] {
    return this.losses.slice();
  }

  /** h_0 .. h_T, by one forward pass from the start. */
  hiddenStates(): Float64Array[] {
    return withParams(this.params, () => this.statesFromStart());
  }

  private statesFromStart(): Float64Array[] {
    const hs: Float64Array[] = [this.states[0].h];
    unroll(this.cell, this.params, this.seq.inputs, this.states[0], (cache) => void hs.push(cache.h));
    return hs;
  }
}
