/** Where a trace's first NaN or infinity appeared: in the order the passes computed it. */
import type { Trace } from '../engine';

export interface NonFiniteAt {
  phase: 'forward' | 'backward' | 'grads';
  /** The timestep (1-based), or null for a parameter gradient. */
  t: number | null;
  /** The record's field (h, c, gates.f, y, loss, dh, ...) or the parameter's name. */
  name: string;
  /** Where in the vector or matrix ([] for a scalar). */
  index: number[];
  /** NaN, Infinity or -Infinity, as text (JSON has no such numbers). */
  value: string;
}

type Fields = [string, Float64Array | number | null | undefined][];

function first(fields: Fields, phase: NonFiniteAt['phase'], t: number | null): NonFiniteAt | null {
  for (const [name, v] of fields) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { phase, t, name, index: [], value: String(v) };
      continue;
    }
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return { phase, t, name, index: [i], value: String(v[i]) };
  }
  return null;
}

const allFinite = (xs: Iterable<number | null>): boolean => {
  for (const x of xs) if (x !== null && !Number.isFinite(x)) return false;
  return true;
};

/**
 * The first non-finite value of a trace, or null when everything is finite: the forward pass
 * t = 1..T (pre-activations, gates, c, h, z, y, L_t), then the backward pass t = T..1, then the
 * gradients. A cheap look at the loss, the per-step losses, ‖dh_t‖ and the gradients comes first,
 * so a finite trace is not walked step by step.
 */
export function firstNonFinite(trace: Trace): NonFiniteAt | null {
  const grads = Object.entries(trace.grads);
  const cheap =
    Number.isFinite(trace.loss) && allFinite(trace.stepLosses()) && allFinite(trace.dhNorms()) && grads.every(([, g]) => allFinite(g.data));
  if (cheap) return null;
  for (let t = 1; t <= trace.T; t++) {
    const f = trace.forward(t);
    const fields: Fields = [
      ...Object.entries(f.pre).map(([k, v]): Fields[number] => [`pre.${k}`, v]),
      ...Object.entries(f.gates).map(([k, v]): Fields[number] => [`gates.${k}`, v]),
      ['c', f.c],
      ['h', f.h],
      ['z', f.z],
      ['y', f.y],
      ['loss', f.loss],
    ];
    const at = first(fields, 'forward', t);
    if (at) return at;
  }
  for (let t = trace.T; t >= 1; t--) {
    const b = trace.backward(t);
    const fields: Fields = [
      ['dz', b.dz],
      ['dh_from_output', b.dh_from_output],
      ['dh_from_future', b.dh_from_future],
      ['dh', b.dh],
      ['dc', b.dc],
      ...Object.entries(b.dgates).map(([k, v]): Fields[number] => [`dgates.${k}`, v]),
    ];
    const at = first(fields, 'backward', t);
    if (at) return at;
  }
  for (const [name, g] of grads) {
    for (let i = 0; i < g.data.length; i++) {
      if (Number.isFinite(g.data[i])) continue;
      const index = g.shape.length === 2 ? [Math.floor(i / g.shape[1]), i % g.shape[1]] : [i];
      return { phase: 'grads', t: null, name, index, value: String(g.data[i]) };
    }
  }
  return Number.isFinite(trace.loss) ? null : { phase: 'forward', t: null, name: 'loss', index: [], value: String(trace.loss) };
}

/** "forward t=12: h[0] is NaN", "the gradient of W_hh[1,2] is Infinity". */
export function describeNonFinite(at: NonFiniteAt): string {
  const where = `${at.name}${at.index.length ? `[${at.index.join(',')}]` : ''}`;
  if (at.phase === 'grads') return `the gradient ${where} is ${at.value}`;
  return `${at.phase} t=${at.t ?? '?'}: ${where} is ${at.value}`;
}
