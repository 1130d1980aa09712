/**
 * The values at a place as a tree a debugger's Variables view pages through: scopes (Step,
 * Gradients, Parameters), then vectors by index and matrices by rows. A node names its children by
 * a path, so a front-end asks for exactly the slice it shows (start, count) and nothing large is
 * ever sent whole. Numbers print at full precision (String(x), the shortest round-trip form).
 */
import type { Tensor } from '../engine';
import { Place, type PlaceValue } from './place';

/** The scopes, in the order a debugger lists them. */
export const SCOPES = ['Step', 'Gradients', 'Parameters', 'Layers'] as const;
export type ScopeName = (typeof SCOPES)[number];

/** One entry of the tree. */
export interface VarNode {
  name: string;
  value: string;
  type?: string;
  /** An expression that evaluates to this value at the same place. */
  evaluateName?: string;
  /** Where its children are (absent for a leaf). */
  path?: string[];
  /** Children by index ([0], [1], ...): a vector's entries or a matrix's rows. */
  indexed?: number;
  /** Children by name (a scope, a parameter's value / grad_at / grad). */
  named?: number;
}

/** Entries shown in a vector's one-line summary. */
const SUMMARY = 6;

const num = (x: number): string => String(x);

function summary(v: Tensor): string {
  if (v.shape.length === 1) {
    const n = v.data.length;
    const shown = Array.from(v.data.subarray(0, Math.min(n, SUMMARY)), num);
    return `[${shown.join(', ')}${n > SUMMARY ? ', …' : ''}]`;
  }
  return `${v.shape[0]}×${v.shape[1]} matrix`;
}

const typeOf = (v: PlaceValue | string | boolean | null): string =>
  v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : v.shape.length === 1 ? `vector[${v.shape[0]}]` : `matrix[${v.shape[0]}×${v.shape[1]}]`;

/** A node for a named value; `path` is where its children are found. */
export function valueNode(name: string, v: PlaceValue | string | boolean | null, path: string[], evaluateName?: string): VarNode {
  const node: VarNode = { name, value: '', type: typeOf(v) };
  if (evaluateName !== undefined) node.evaluateName = evaluateName;
  if (v === null) node.value = 'null (no target at this step)';
  else if (typeof v === 'string') node.value = JSON.stringify(v);
  else if (typeof v !== 'object') node.value = String(v);
  else {
    node.value = summary(v);
    node.path = path;
    node.indexed = v.shape[0];
  }
  return node;
}

/** Row i of a matrix as a vector (a view, no copy). */
export function row(m: Tensor, i: number): Tensor {
  const cols = m.shape[1];
  return { shape: [cols], data: m.data.subarray(i * cols, (i + 1) * cols) };
}

/** The children of a tensor: entries of a vector, rows of a matrix; `start`, `count` page them. */
export function tensorChildren(v: Tensor, path: string[], evaluateName: string | undefined, start = 0, count?: number): VarNode[] {
  const n = v.shape[0];
  const from = Math.max(0, Math.min(n, Math.floor(start)));
  const to = count === undefined || count <= 0 ? n : Math.min(n, from + Math.floor(count));
  const out: VarNode[] = [];
  for (let i = from; i < to; i++) {
    const en = evaluateName === undefined ? undefined : `${evaluateName}[${i}]`;
    out.push(v.shape.length === 1 ? valueNode(`[${i}]`, v.data[i], [], en) : valueNode(`[${i}]`, row(v, i), [...path, String(i)], en));
  }
  return out;
}

/** A tensor indexed down a path of row numbers; null when the path leaves it. */
export function descend(v: Tensor, indices: string[]): Tensor | null {
  let cur = v;
  for (const s of indices) {
    const i = Number(s);
    if (cur.shape.length !== 2 || !Number.isInteger(i) || i < 0 || i >= cur.shape[0]) return null;
    cur = row(cur, i);
  }
  return cur;
}

/** The named children of a parameter: its value, and in the backward phase grad_at and grad. */
function paramParts(place: Place, name: string): [string, Tensor, string][] {
  const parts: [string, Tensor, string][] = [['value', place.trace.params[name], name]];
  const c = place.contribution, a = place.accumulated;
  if (c && a) parts.push(['grad_at', c[name], `grad_at(${name})`], ['grad', a[name], `grad(${name})`]);
  return parts;
}

/** The scopes at a place, each with how many named children it has. */
export function scopes(place: Place): { name: ScopeName; named: number; expensive: boolean }[] {
  return [
    { name: 'Step', named: place.stepNames().length, expensive: false },
    { name: 'Gradients', named: place.gradientNames().length, expensive: false },
    { name: 'Parameters', named: Object.keys(place.trace.params).length, expensive: place.phase === 'backward' },
    // A stack (model.layers > 1): each layer's records, bottom first, as `h_l1`, `dh_l2`, ...
    ...(place.layers ? [{ name: 'Layers' as const, named: place.layers, expensive: false }] : []),
  ];
}

/**
 * The children at a path: ['Step'] lists the step's names, ['Step', 'h'] h's entries,
 * ['Parameters', 'W_hh'] its parts, ['Parameters', 'W_hh', 'grad', '2'] row 2 of its sum so far.
 * An unknown path has no children.
 */
export function children(place: Place, path: string[], start?: number, count?: number): VarNode[] {
  const [scope, name, ...rest] = path;
  if (scope === 'Step' || scope === 'Gradients') {
    const names: [string, PlaceValue | null][] = scope === 'Step' ? place.stepNames() : place.gradientNames();
    if (name === undefined) return names.map(([n, v]) => valueNode(n, v, [scope, n], n));
    const v = names.find(([n]) => n === name)?.[1];
    if (!v || typeof v === 'number') return [];
    const sub = descend(v, rest);
    return sub ? tensorChildren(sub, path, `${name}${rest.map((i) => `[${i}]`).join('')}`, start, count) : [];
  }
  if (scope === 'Layers') return layerChildren(place, path, start, count);
  if (scope === 'Parameters') {
    const params = place.trace.params;
    if (name === undefined) {
      return Object.keys(params).map((n) => {
        const p = params[n];
        const parts = paramParts(place, n).length;
        return { name: n, value: `${p.shape.join('×')}${parts > 1 ? ' · value, grad_at, grad' : ''}`, type: typeOf(p), evaluateName: n, path: ['Parameters', n], named: parts };
      });
    }
    if (!Object.prototype.hasOwnProperty.call(params, name)) return [];
    const parts = paramParts(place, name);
    if (rest.length === 0) return parts.map(([part, v, en]) => valueNode(part, v, ['Parameters', name, part], en));
    const [part, ...idx] = rest;
    const found = parts.find(([p]) => p === part);
    const sub = found ? descend(found[1], idx) : null;
    return sub && found ? tensorChildren(sub, path, `${found[2]}${idx.map((i) => `[${i}]`).join('')}`, start, count) : [];
  }
  return [];
}

/** ['Layers'] lists `layer 1` .. `layer L` (bottom first); ['Layers', 'layer 2'] its `_l2` names; deeper, their entries. */
function layerChildren(place: Place, path: string[], start?: number, count?: number): VarNode[] {
  const [, layer, name, ...rest] = path;
  if (layer === undefined) {
    return Array.from({ length: place.layers }, (_, i) => {
      const names = place.layerNames(i + 1);
      const top = i + 1 === place.layers ? ' (top: h, dh, … are these)' : '';
      return { name: `layer ${i + 1}`, value: `${names.map(([n]) => n).join(', ')}${top}`, path: ['Layers', `layer ${i + 1}`], named: names.length };
    });
  }
  const l = Number(/^layer (\d+)$/.exec(layer)?.[1]);
  if (!(l >= 1 && l <= place.layers)) return [];
  const names = place.layerNames(l);
  if (name === undefined) return names.map(([n, v]) => valueNode(n, v, [...path, n], n));
  const v = names.find(([n]) => n === name)?.[1];
  if (!v || typeof v === 'number') return [];
  const sub = descend(v, rest);
  return sub ? tensorChildren(sub, path, `${name}${rest.map((i) => `[${i}]`).join('')}`, start, count) : [];
}
