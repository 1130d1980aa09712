/**
 * What is known at one place of a trace (phase, t): the forward record, in the backward phase the
 * backward record, each parameter's contribution at t and its sum so far. Each part is formed on
 * first use: a breakpoint that only reads `loss` never forms a gradient sum.
 */
import type { BackwardRecord, ForwardRecord, Params, Problem, Tensor, Trace } from '../engine';
import type { Cursor } from './cursor';
import { layerBackwardOnly, layerCount, layerForwardNames, layerGradientNames, layerOf } from './layerNames';

/** A value a place names: a number (loss), or a vector or matrix. */
export type PlaceValue = number | Tensor;

export const vector = (data: Float64Array): Tensor => ({ shape: [data.length], data });

export class Place {
  private f: ForwardRecord | undefined;
  private b: BackwardRecord | null | undefined;
  private contrib: Params | null | undefined;
  private acc: Params | null | undefined;

  constructor(
    readonly problem: Problem,
    readonly trace: Trace,
    readonly cursor: Cursor,
  ) {}

  get t(): number {
    return this.cursor.t;
  }

  get phase(): Cursor['phase'] {
    return this.cursor.phase;
  }

  get forward(): ForwardRecord {
    return (this.f ??= this.trace.forward(this.t));
  }

  /** The backward record: null in the forward phase (the backward pass has not reached t). */
  get backward(): BackwardRecord | null {
    if (this.b === undefined) this.b = this.phase === 'backward' ? this.trace.backward(this.t) : null;
    return this.b;
  }

  /** Each parameter's contribution at t (backward phase), else null. */
  get contribution(): Params | null {
    if (this.contrib === undefined) this.contrib = this.phase === 'backward' ? this.trace.contribution(this.t) : null;
    return this.contrib;
  }

  /** Each parameter's gradient summed from T down to t (backward phase), else null. */
  get accumulated(): Params | null {
    if (this.acc === undefined) this.acc = this.phase === 'backward' ? this.trace.accumulated(this.t) : null;
    return this.acc;
  }

  /** s_{t-1} for every state s of the cell (h first): the initial state at t = 1. */
  get prevStates(): Record<string, Float64Array> {
    return this.t === 1 ? this.problem.s0 : this.trace.forward(this.t - 1).states;
  }

  /** The Step scope: the forward record's names in display order (loss is null without a target). */
  stepNames(): [string, PlaceValue | null][] {
    const f = this.forward;
    const prev = this.prevStates;
    const states = Object.keys(f.states);
    const out: [string, PlaceValue | null][] = [['x', vector(f.x)]];
    for (const s of states) if (prev[s]) out.push([`${s}_prev`, vector(prev[s])]);
    for (const [g, v] of Object.entries(f.gates)) out.push([g, vector(v)]);
    // The states, h last (it feeds the output layer, shown next).
    for (const s of states) if (s !== 'h') out.push([s, vector(f.states[s])]);
    out.push(['h', vector(f.h)], ['y', vector(f.y)]);
    if (f.p) out.push(['p', vector(f.p)]);
    out.push(['loss', f.loss]);
    return out;
  }

  /** The Gradients scope (backward phase): dL/dh_t, its two parts, dL/ds_t for the other states, the gates' pre-activation gradients. */
  gradientNames(): [string, PlaceValue][] {
    const b = this.backward;
    if (!b) return [];
    const out: [string, PlaceValue][] = [['dh', vector(b.dh)], ['dh_from_output', vector(b.dh_from_output)], ['dh_from_future', vector(b.dh_from_future)]];
    for (const [s, v] of Object.entries(b.dstates)) out.push([`d${s}`, vector(v)]);
    for (const [g, v] of Object.entries(b.dgates)) out.push([gateGradName(g), vector(v)]);
    return out;
  }

  /** A stack's height (model.layers > 1), else 0: the Layers scope and the `_l{l}` names. */
  get layers(): number {
    return layerCount(this.forward);
  }

  /** Layer l's names at this place (1-based): its forward record, in the backward phase its gradients. */
  layerNames(l: number): [string, PlaceValue][] {
    return [...layerForwardNames(this.forward, l), ...layerGradientNames(this.backward, l)];
  }

  /** A name of the place's Step or Gradients scope, t, phase, T, a parameter or a layer's `_l{l}` name; undefined if unknown. */
  lookup(name: string): PlaceValue | string | undefined {
    switch (name) {
      case 't':
        return this.t;
      case 'T':
        return this.trace.T;
      case 'phase':
        return this.phase;
    }
    if (Object.prototype.hasOwnProperty.call(this.trace.params, name)) return this.trace.params[name];
    for (const [n, v] of this.stepNames()) if (n === name) return v ?? 0; // no target: L_t = 0
    for (const [n, v] of this.gradientNames()) if (n === name) return v;
    const l = layerOf(name, this.layers);
    if (l !== null) for (const [n, v] of this.layerNames(l)) if (n === name) return v;
    return undefined;
  }

  /** Whether a name exists at some place of this trace but not at this one (a gradient in the forward phase). */
  backwardOnly(name: string): boolean {
    if (this.phase === 'backward') return false;
    if (['dh', 'dh_from_output', 'dh_from_future'].includes(name)) return true;
    if (Object.keys(this.forward.states).some((s) => s !== 'h' && `d${s}` === name)) return true;
    if (Object.keys(this.forward.pre).some((g) => gateGradName(g) === name)) return true;
    return layerBackwardOnly(this.forward, name);
  }
}

/** The gradient at a gate's pre-activation: da for the rnn's a, da_f for the lstm's f, and so on. */
export function gateGradName(gate: string): string {
  return gate === 'a' ? 'da' : `da_${gate}`;
}

/** The first non-finite value at a place, as "h[2] = NaN", or null when all are finite. */
export function firstNonFinite(place: Place): string | null {
  const check = (name: string, v: PlaceValue | null): string | null => {
    if (v === null) return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : `${name} = ${v}`;
    for (let i = 0; i < v.data.length; i++) {
      if (!Number.isFinite(v.data[i])) {
        const cols = v.shape.length > 1 ? v.shape[1] : 0;
        const at = cols ? `[${Math.floor(i / cols)}][${i % cols}]` : `[${i}]`;
        return `${name}${at} = ${v.data[i]}`;
      }
    }
    return null;
  };
  const names: [string, PlaceValue | null][] = place.phase === 'forward' ? place.stepNames() : place.gradientNames();
  // A stack's lower layers too (the top one's are the plain names): forward values, or their gradients.
  for (let l = 1; l < place.layers; l++) names.push(...(place.phase === 'forward' ? layerForwardNames(place.forward, l) : layerGradientNames(place.backward, l)));
  for (const [n, v] of names) {
    const bad = check(n, v);
    if (bad) return bad;
  }
  return null;
}
