/** The CLI's JSON contract (DESIGN.md): loss, forward[t], backward[t], grads by parameter name. */
import type { Params, Tensor } from './types';
import type { Trace } from './trace';

const arr = (v: Float64Array): number[] => Array.from(v);
const record = (r: Record<string, Float64Array>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, arr(v)]));

/** A tensor as nested arrays in its own shape: a matrix as a list of rows. */
export function nested(t: Tensor): number[] | number[][] {
  if (t.shape.length === 1) return arr(t.data);
  const [rows, cols] = t.shape;
  return Array.from({ length: rows }, (_, i) => arr(t.data.subarray(i * cols, (i + 1) * cols)));
}

export function paramsJson(p: Params): Record<string, number[] | number[][]> {
  return Object.fromEntries(Object.entries(p).map(([k, t]) => [k, nested(t)]));
}

/** Every state but h under its own name (lstm c; dc with prefix d), as DESIGN's forward[t] and backward[t] have them. */
function states(r: Record<string, Float64Array>, prefix: string): Record<string, number[]> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'h').map(([k, v]) => [prefix + k, arr(v)]));
}

export interface TraceJson {
  loss: number;
  forward: unknown[];
  backward: unknown[];
  grads: Record<string, number[] | number[][]>;
}

/** forward[t] of the JSON contract. */
export function forwardJson(trace: Trace, t: number): Record<string, unknown> {
  const f = trace.forward(t);
  return {
    t,
    x: arr(f.x),
    h: arr(f.h),
    ...states(f.states, ''),
    pre: record(f.pre),
    gates: record(f.gates),
    z: arr(f.z),
    y: arr(f.y),
    ...(f.p ? { p: arr(f.p) } : {}),
    loss: f.loss,
    // A stack: every layer's record, bottom first (the top layer's are also the fields above).
    ...(f.layers ? { layers: f.layers.map((l) => ({ h: arr(l.h), ...states(l.states, ''), pre: record(l.pre), gates: record(l.gates) })) } : {}),
  };
}

/** backward[t] of the JSON contract. */
export function backwardJson(trace: Trace, t: number): Record<string, unknown> {
  const b = trace.backward(t);
  return {
    t,
    dh: arr(b.dh),
    dh_from_output: arr(b.dh_from_output),
    dh_from_future: arr(b.dh_from_future),
    ...states(b.dstates, 'd'),
    dz: arr(b.dz),
    dgates: record(b.dgates),
    ...(b.layers ? { layers: b.layers.map((l) => ({ dh: arr(l.dh), ...states(l.dstates, 'd'), dgates: record(l.dgates) })) } : {}),
  };
}

/** The whole trace as plain JSON data; t counts from 1 to T as in the notes. */
export function traceJson(trace: Trace): TraceJson {
  const forward: unknown[] = [];
  const backward: unknown[] = [];
  for (let t = 1; t <= trace.T; t++) {
    forward.push(forwardJson(trace, t));
    backward.push(backwardJson(trace, t));
  }
  return { loss: trace.loss, forward, backward, grads: paramsJson(trace.grads) };
}
