/**
 * The flow views' long computations in slices: a hook called between them, about every FLOW_SLICE
 * multiply-adds, where a worker serves its waiting messages (as between a build's slices) and may
 * throw to stop a computation nobody will show. The slicing never changes a value: the same
 * operations run in the same order, the hook only runs between them.
 */
import type { ModelConfig } from '../types';
import { recurrentCount } from './budget';

/** Which part of the flow views is being computed. */
export type FlowPhase = 'forward' | 'map' | 'truncation' | 'spectra' | 'jacobian' | 'pooling';

/** Called between slices with the part and how far it is (done of total, in that part's units); may throw to stop. */
export type FlowProgress = (phase: FlowPhase, done: number, total: number) => void;

/** Multiply-adds between two calls of the hook: ~2^22, a few milliseconds of work. */
export const FLOW_SLICE = 2 ** 22;

/** Multiply-adds of one forward step: a mat-vec per recurrent matrix over [h; x], plus the output layer. */
export function forwardCost(config: ModelConfig): number {
  return recurrentCount(config) * config.H * (config.H + config.D) + config.K * config.H + 16 * config.H;
}

/**
 * A work counter for a phase: tick(cost, done) adds cost multiply-adds and calls the hook (with done
 * of total) once `slice` (FLOW_SLICE) have been spent since its last call. Without a hook it does nothing.
 */
export function slicer(progress: FlowProgress | undefined, phase: FlowPhase, total: number, slice = FLOW_SLICE): (cost: number, done: number) => void {
  if (!progress) return () => undefined;
  let spent = 0;
  return (cost, done) => {
    spent += cost;
    if (spent < slice) return;
    spent = 0;
    progress(phase, done, total);
  };
}
