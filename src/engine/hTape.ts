/**
 * The checkpointed trace's tape of h: its first pass keeps the h after every step, segment by
 * segment, where the cell can replay a segment from it (Cell.replayer: the standard LSTM in wasm)
 * and the tape fits its budget. The backward sweep then recomputes each segment's affine part as one
 * product instead of step by step (the same bits), and drops the segment's tape once used: the
 * tape lives only during the build.
 */
import type { Params } from './types';
import type { Cell, CellState, Replay, StepCache } from './cells';
import { segmentOf } from './traceParts';

/** The tape's default budget: 8·T·H bytes at most (T = 100,000 at H = 128 takes 98 MiB). */
export const TAPE_BUDGET_BYTES = 128 * 2 ** 20;

export class HTape {
  private readonly rows: (Float64Array | null)[];

  private constructor(
    private readonly replayer: Replay,
    private readonly H: number,
    /** Segment k's first step (1-based); the last segment ends at T. */
    private readonly starts: readonly number[],
    private readonly T: number,
  ) {
    this.rows = new Array(starts.length).fill(null);
  }

  /** A tape for a build, or null where the cell has no replay or the tape would pass the budget. */
  static forBuild(cell: Cell, p: Params, starts: readonly number[], T: number, budgetBytes = TAPE_BUDGET_BYTES): HTape | null {
    if (8 * T * cell.H > budgetBytes) return null;
    const replayer = cell.replayer?.(p) ?? null;
    return replayer ? new HTape(replayer, cell.H, starts, T) : null;
  }

  /** Advance's record (Cell.advance): the h after steps i0, i0+1, ... (0-based), a block within one segment. */
  readonly record = (i0: number, hs: Float64Array): void => {
    const t = i0 + 1, k = segmentOf(this.starts, t), start = this.starts[k];
    let rows = this.rows[k];
    if (!rows) {
      const end = k + 1 < this.starts.length ? this.starts[k + 1] - 1 : this.T;
      rows = this.rows[k] = new Float64Array((end - start + 1) * this.H);
    }
    rows.set(hs, (t - start) * this.H);
  };

  /** Segment k's steps inputs[from..to) recomputed from s0 and its tape, which is dropped; null if it has none. */
  replay(k: number, inputs: readonly Float64Array[], s0: CellState, from: number, to: number): StepCache[] | null {
    const rows = this.rows[k];
    if (!rows) return null;
    this.rows[k] = null;
    return this.replayer(inputs, s0, rows, from, to);
  }
}
