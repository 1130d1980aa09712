/** The checkpointed trace's recomputed segments and the few it keeps, least recently used first out. */
import type { StepCache } from './cells';
import type { BackwardStep } from './bptt';
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
