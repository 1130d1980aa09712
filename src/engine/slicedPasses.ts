/**
 * A plain trace's forward and backward passes in slices of steps, calling progress between them (the
 * engine worker serves its waiting messages there, as between a checkpointed build's segments). The
 * slices give every step the same bits as one pass over the sequence: a step's work depends on its
 * state and inputs alone, and the checkpointed trace already runs the same passes segment by segment.
 */
import type { BpttConfig, ModelConfig, Params, Problem } from './types';
import { zeroState, type Cell, type StepCache } from './cells';
import { backwardPass, backwardRange, forwardPass, lossScale, type BackwardStep, type ForwardPass } from './bptt';
import type { TraceProgress } from './trace';

/**
 * Steps a plain trace's passes run between progress calls, so a worker serves its messages between
 * them (the checkpointed build reports once a segment): ~2^24 multiply-adds of the step's products,
 * at most 4,096 steps (a tiny model's per-step overhead).
 */
export function sliceSteps(config: Pick<ModelConfig, 'D' | 'H' | 'K'>): number {
  return Math.max(16, Math.min(4096, Math.floor(2 ** 24 / (config.H * (config.H + config.D + config.K)))));
}

/**
 * The forward pass slice by slice, progress between them: each slice's forwardPass from the state the
 * one before ended in, the steps and losses as one forwardPass over the sequence (the loss summed in
 * the same order, scaled by the whole sequence's reduction).
 */
export function slicedForward(cell: Cell, problem: Problem, params: Params, n: number, progress?: TraceProgress): ForwardPass {
  const { inputs, targets } = problem.sequence, T = inputs.length;
  const caches: StepCache[] = [], outs: ForwardPass['outs'] = [];
  let state = problem.s0;
  for (let lo = 0; lo < T; lo += n) {
    progress?.('forward', lo, T);
    const part = forwardPass(cell, problem.config, params, { inputs: inputs.slice(lo, lo + n), targets: targets.slice(lo, lo + n) }, state);
    caches.push(...part.caches);
    outs.push(...part.outs);
    state = part.caches[part.caches.length - 1].state;
  }
  let loss = 0;
  for (const o of outs) if (o.loss !== null) loss += o.loss;
  const scale = lossScale(problem.config, problem.sequence);
  return { caches, outs, loss: loss * scale, scale };
}

/**
 * The one-sweep backward (none or chunks) slice by slice from T down, progress between them; window:
 * its loss terms' sweeps from T down, progress after about n/2 backward steps (k per loss term).
 */
export function slicedBackward(cell: Cell, config: ModelConfig, bptt: BpttConfig, params: Params, fwd: ForwardPass, n: number, progress?: TraceProgress): BackwardStep[] {
  const T = fwd.caches.length;
  if (bptt.truncate === 'window') {
    progress?.('backward', 0, T);
    // A backward step costs about two forward ones: half as many a slice.
    return backwardPass(cell, config, bptt, params, fwd, progress && { steps: Math.max(1, n >> 1), progress: (done, total) => progress('backward', done, total) });
  }
  const steps: BackwardStep[] = new Array(T);
  let dNext = zeroState(cell);
  for (let hi = T; hi > 0; hi -= n) {
    const lo = Math.max(0, hi - n);
    progress?.('backward', T - hi, T);
    const part = backwardRange(cell, config, bptt, params, fwd.caches.slice(lo, hi), fwd.outs.slice(lo, hi), fwd.scale, lo, dNext);
    part.forEach((step, i) => (steps[lo + i] = step));
    dNext = part[0].grad.dprev;
  }
  return steps;
}
