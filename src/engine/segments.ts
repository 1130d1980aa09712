/** The checkpointed trace's recomputed segments and the few it keeps, least recently used first out. */
import type { ModelConfig, Params, Sequence } from './types';
import { unroll, type Cell, type CellState, type StepCache } from './cells';
import { outputs, type BackwardStep } from './bptt';
import type { OutputStep } from './output';

/** One recomputed segment of a checkpointed trace. */
export interface Segment {
  /** First step (1-based) and number of steps. */
  start: number;
  n: number;
  caches: StepCache[];
  outs: OutputStep[];
  /** Built on first backward use. */
  steps: BackwardStep[] | null;
}

/**
 * Steps start .. start+n-1 (1-based) recomputed from s0, the state before them, with their outputs:
 * from replay(from, to) where it gives them (the build's tape of h: the same bits), else step by step.
 */
export function recomputeSegment(
  cell: Cell, config: ModelConfig, p: Params, seq: Sequence, start: number, n: number, s0: CellState,
  replay: (from: number, to: number) => StepCache[] | null,
): Segment {
  const from = start - 1;
  let caches = replay(from, from + n);
  if (!caches) {
    const unrolled: StepCache[] = (caches = new Array(n));
    unroll(cell, p, seq.inputs, s0, (cache, i) => void (unrolled[i - from] = cache), from, from + n);
  }
  return { start, n, caches, outs: outputs(config, p, seq, from, caches), steps: null };
}

/** The last `capacity` segments used, by their first step. */
export class SegmentLru {
  private readonly kept: Segment[] = [];

  constructor(readonly capacity: number) {}

  /** The segment starting at `start` if kept (it becomes the most recent), else undefined. */
  get(start: number): Segment | undefined {
    const i = this.kept.findIndex((s) => s.start === start);
    if (i < 0) return undefined;
    const seg = this.kept[i];
    this.kept.splice(i, 1);
    this.kept.push(seg);
    return seg;
  }

  /** Keeps seg as the most recent, dropping the least recent beyond capacity. */
  remember(seg: Segment): void {
    this.kept.push(seg);
    if (this.kept.length > this.capacity) this.kept.shift();
  }
}
