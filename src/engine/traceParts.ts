/**
 * Pieces shared by the plain and the checkpointed trace: the segment layout of the running sums,
 * and the records built from a step's saved vectors.
 */
import type { ModelConfig, Params } from './types';
import type { BackwardRecord, ForwardRecord } from './records';
import type { StepCache } from './cells';
import type { BackwardStep } from './bptt';
import type { OutputStep } from './output';

/** The running-sum stride: checkpoints every ~sqrt(T) steps. */
export function strideOf(T: number): number {
  return Math.max(1, Math.round(Math.sqrt(T)));
}

/**
 * The first step of each segment, ascending: 1, then every multiple of the stride up to T. A
 * segment runs from its start to the step before the next start (the last one to T). The running
 * sum is kept at every start that is a multiple of the stride, and at T + 1.
 */
export function segmentStarts(T: number, stride: number): number[] {
  const starts = stride > 1 ? [1] : [];
  for (let t = stride; t <= T; t += stride) starts.push(t);
  return starts;
}

/** dL/dh_t of a stack's layer (1 = bottom) at a step; the top one's (s.dh) without a layer or for a single cell. */
/** The segment (index into starts, ascending first steps) holding step t. */
export function segmentOf(starts: readonly number[], t: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function layerDh(s: BackwardStep, layer?: number): Float64Array {
  return (layer !== undefined && s.grad.layers?.[layer - 1]?.dstate.h) || s.dh;
}

export function forwardRecord(config: ModelConfig, t: number, cache: StepCache, out: OutputStep): ForwardRecord {
  // A stack's records are its top layer's (plain names), with every layer's under layers.
  const top = cache.layers ? cache.layers[cache.layers.length - 1] : cache;
  const rec: ForwardRecord = { t, x: cache.x, h: cache.h, states: top.state, pre: top.pre, gates: top.gates, z: out.z, y: out.y, loss: out.loss };
  if (cache.layers) rec.layers = cache.layers.map((c) => ({ x: c.x, h: c.h, states: c.state, pre: c.pre, gates: c.gates }));
  if (cache.state.c) rec.c = cache.state.c;
  if (config.output === 'softmax') rec.p = out.y;
  return rec;
}

export function backwardRecord(t: number, s: BackwardStep): BackwardRecord {
  const others = (d: Record<string, Float64Array>) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'h'));
  const top = s.grad.layers ? s.grad.layers[s.grad.layers.length - 1] : s.grad;
  const rec: BackwardRecord = {
    t,
    dh: s.dh,
    dh_from_output: s.dhFromOutput,
    dh_from_future: s.dhFromFuture,
    dz: s.dz,
    dgates: top.dgates,
    dstates: others(top.dstate),
  };
  if (top.dstate.c) rec.dc = top.dstate.c;
  if (s.grad.layers) {
    const gs = s.grad.layers;
    // A lower layer's dh: back through the layer above at t (its dx), and the rest from step t+1.
    rec.layers = gs.map((g, k) => {
      const above = k + 1 < gs.length ? (gs[k + 1].dx as Float64Array) : s.dhFromOutput;
      const future = k + 1 < gs.length ? Float64Array.from(g.dstate.h, (v, i) => v - above[i]) : s.dhFromFuture;
      return { dh: g.dstate.h, dh_from_output: above, dh_from_future: future, dstates: others(g.dstate), dgates: g.dgates };
    });
  }
  return rec;
}

export function checkRange(t: number, T: number): void {
  if (!Number.isInteger(t) || t < 1 || t > T) throw new RangeError(`timestep ${t} is outside 1..${T}`);
}

export type { Params };
