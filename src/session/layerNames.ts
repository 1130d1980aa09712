/**
 * A stacked model's layers in the debugger (model.layers > 1): layer l's records under names that
 * end in `_l{l}`, for every layer, the bottom one included (`h_l1`, `c_l1`, `i_l1`, `dh_l2`,
 * `da_i_l2`), since the plain names (`h`, `dh`, ...) are the top layer's. The parameters keep their
 * own convention (`W_hh` for layer 1, `W_hh_l2` for layer 2), so `h_l2` and `W_hh_l2` meet.
 */
import type { BackwardRecord, ForwardRecord } from '../engine';
import { gateGradName, vector, type PlaceValue } from './place';

/** `h` of layer 2 -> `h_l2`. */
export const layerName = (name: string, layer: number): string => `${name}_l${layer}`;

/** How many layers a step shows by name: the stack's height, or 0 for a single cell. */
export function layerCount(f: ForwardRecord): number {
  return f.layers && f.layers.length > 1 ? f.layers.length : 0;
}

/** Layer l's forward names (1-based, bottom first): its gates, its states but h, then h. */
export function layerForwardNames(f: ForwardRecord, l: number): [string, PlaceValue][] {
  const r = f.layers?.[l - 1];
  if (!r) return [];
  const out: [string, PlaceValue][] = [];
  for (const [g, v] of Object.entries(r.gates)) out.push([layerName(g, l), vector(v)]);
  for (const [s, v] of Object.entries(r.states)) if (s !== 'h') out.push([layerName(s, l), vector(v)]);
  out.push([layerName('h', l), vector(r.h)]);
  return out;
}

/** Layer l's gradients (backward phase): dL/dh, dL/ds for its other states, the gates' pre-activation gradients. */
export function layerGradientNames(b: BackwardRecord | null, l: number): [string, PlaceValue][] {
  const r = b?.layers?.[l - 1];
  if (!r) return [];
  const out: [string, PlaceValue][] = [[layerName('dh', l), vector(r.dh)]];
  for (const [s, v] of Object.entries(r.dstates)) if (s !== 'h') out.push([layerName(`d${s}`, l), vector(v)]);
  for (const [g, v] of Object.entries(r.dgates)) out.push([layerName(gateGradName(g), l), vector(v)]);
  return out;
}

/** The layer a name ends in (`dh_l2` -> 2), if it names one of the stack's layers. */
export function layerOf(name: string, layers: number): number | null {
  const m = /_l([1-9]\d*)$/.exec(name);
  const l = m ? Number(m[1]) : 0;
  return l >= 1 && l <= layers ? l : null;
}

/** Whether a layer name exists only in the backward phase (dh_l1, dc_l2, da_i_l1, ...). */
export function layerBackwardOnly(f: ForwardRecord, name: string): boolean {
  const l = layerOf(name, layerCount(f));
  const r = l === null ? undefined : f.layers?.[l - 1];
  if (!r || l === null) return false;
  const base = name.slice(0, -`_l${l}`.length);
  if (base === 'dh') return true;
  if (Object.keys(r.states).some((s) => s !== 'h' && `d${s}` === base)) return true;
  return Object.keys(r.pre).some((g) => gateGradName(g) === base);
}
