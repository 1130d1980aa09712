/**
 * The one time loop (tfjs-layers' rnn(stepFunction) idea): a cell stepped over a run of inputs from
 * a state, every state carried by name. The trace, the checkpointed trace, flow, gradient check,
 * training and sampling all run the forward through it, so no site knows which states a cell has.
 */
import type { Params } from '../types';
import type { Cell, CellState, StepCache, TapeRecord } from './cell';

/**
 * What a visit may do after step i: nothing (the state runs on), or hand back the state the next
 * step starts from instead (a truncation detaching the state at a chunk's start).
 */
export type Visit = (cache: StepCache, i: number) => CellState | void;

/** Runs shorter than this step one by one (Cell.forward) rather than through the cell's runner. */
const RUNNER_MIN_STEPS = 8;

/**
 * Steps the cell over inputs[from..to) from state s0, calling visit after each step with the step's
 * cache and its index into inputs. Returns the state after the last step.
 */
export function unroll(cell: Cell, p: Params, inputs: readonly Float64Array[], s0: CellState, visit?: Visit, from = 0, to = inputs.length): CellState {
  // A runner stacks the cell's input matrices once: worth it over runs of a few steps or more.
  const runner = to - from >= RUNNER_MIN_STEPS ? (cell.runner?.(p, inputs, from, to) ?? null) : null;
  let state = s0;
  try {
    for (let i = from; i < to; i++) {
      const cache = runner ? runner.step(i, state) : cell.forward(p, inputs[i], state);
      const next = visit ? visit(cache, i) : undefined;
      state = next ?? cache.state;
    }
  } finally {
    runner?.release();
  }
  return state;
}

/**
 * Steps the cell over inputs[from..to) from s0 keeping no step's records: keep(i, state) after each
 * step i with want(i), with a state of its own (a copy); record, if given, receives every step's h.
 * The cell's own run where it has one (Cell.advance), else unroll. Returns the state after the last step.
 */
export function advance(
  cell: Cell, p: Params, inputs: readonly Float64Array[], s0: CellState, want: (i: number) => boolean, keep: (i: number, state: CellState) => void, from = 0, to = inputs.length,
  record?: TapeRecord,
): CellState {
  const fast = cell.advance?.(p, inputs, s0, from, to, want, keep, record);
  if (fast) return fast;
  return unroll(cell, p, inputs, s0, (cache, i) => {
    record?.(i, cache.h);
    if (want(i)) keep(i, copyState(cache.state));
  }, from, to);
}

/** Zeros for every state of a cell: what arrives from beyond the last step or a truncation cut. */
export function zeroState(cell: Cell): CellState {
  return Object.fromEntries(cell.info.states.map((s) => [s, new Float64Array(cell.H)]));
}

/** A copy of a state, vector by vector. */
export function copyState(s: CellState): CellState {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Float64Array.from(v)]));
}
