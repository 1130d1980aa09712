/** init.weights (explicit parameter values, shape-checked) and init.h0 / init.c0. */
import { paramShapes } from '../params';
import { cellInfo } from '../cells';
import { Rng } from '../rng';
import type { ModelConfig, Params } from '../types';
import type { Ctx, Obj } from './context';
import { didYouMean } from './suggest';

/** The symbols of a parameter's shape: W_hh -> ['H', 'H'], W_hy -> ['K', 'H'], b_y -> ['K']. */
export function shapeSymbols(name: string): string[] {
  if (name === 'W_hy') return ['K', 'H'];
  if (name === 'b_y') return ['K'];
  if (name.startsWith('W_x')) return ['H', 'D'];
  if (name.startsWith('W_h')) return ['H', 'H'];
  return ['H'];
}

function count(n: number): string {
  return `${n} number${n === 1 ? '' : 's'}`;
}

function showShape(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The shape of a nested list as written: [3, 2] for three rows of two; null when ragged or mixed. */
function foundShape(v: unknown): number[] | null {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v)) return null;
  if (v.length === 0) return [0];
  if (v.every((x) => typeof x === 'number')) return [v.length];
  if (v.every((x) => Array.isArray(x))) {
    const inner = foundShape(v[0]);
    return inner && inner.length === 1 ? [v.length, inner[0]] : null;
  }
  return null;
}

/** Checks every init.weights entry against this model's parameters and writes the values into `params`. */
export function applyWeights(weights: Obj, config: ModelConfig, params: Params, ctx: Ctx): void {
  const shapes = paramShapes(config);
  const names = Object.keys(shapes);
  for (const name of Object.keys(weights)) {
    const path = ['init', 'weights', name];
    const shape = shapes[name];
    if (!Object.prototype.hasOwnProperty.call(shapes, name)) {
      const model = cellInfo(config).label;
      const only = variantHint(name, config);
      const hint = only ? `; ${only}.` : didYouMean(name, names);
      ctx.error(path, `'${name}' is not a parameter of this model (${model})${hint ? `${hint} The` : '; the'} parameters are ${names.join(', ')}`, 'key');
      continue;
    }
    const values = flatten(weights[name], name, shape, path, ctx);
    if (values) params[name].data.set(values);
  }
}

/** "it exists only with model.peephole: true", when another setting of the model has this parameter. */
function variantHint(name: string, config: ModelConfig): string | null {
  const options: [Partial<ModelConfig>, string][] = [
    [{ peephole: true, coupled: false }, 'model.peephole: true (and, for w_ci, coupled: false)'],
    [{ coupled: false }, 'model.coupled: false'],
    [{ variant: 'pytorch' }, 'model.variant: pytorch'],
    [{ cell: 'rnn' }, 'model.cell: rnn'],
    [{ cell: 'lstm' }, 'model.cell: lstm'],
    [{ cell: 'gru' }, 'model.cell: gru'],
  ];
  for (const [change, words] of options) {
    if (Object.prototype.hasOwnProperty.call(paramShapes({ ...config, ...change }), name)) return `it exists only with ${words}`;
  }
  return null;
}

function flatten(v: unknown, name: string, shape: number[], path: (string | number)[], ctx: Ctx): number[] | null {
  const expected = `${showShape(shape)} (${shapeSymbols(name).join(' x ')})`;
  const size = shape.reduce((a, b) => a * b, 1);
  if (typeof v === 'number') {
    if (size === 1) return [v];
    ctx.error(path, `${name} is a single number, expected shape ${expected}`);
    return null;
  }
  if (!Array.isArray(v)) {
    ctx.error(path, `${name} must be a list, expected shape ${expected}`);
    return null;
  }
  if (shape.length === 2) {
    // A matrix: a list of rows, every row as long as the first.
    for (let i = 0; i < v.length; i++) {
      if (!Array.isArray(v[i])) {
        ctx.error([...path, i], `expected a row of ${shape[1]} numbers, found a number: ${name} is a matrix of shape ${expected}, written as a list of rows`);
        return null;
      }
      if (i > 0 && (v[i] as unknown[]).length !== (v[0] as unknown[]).length) {
        ctx.error([...path, i], `row ${i} has ${count((v[i] as unknown[]).length)} but row 0 has ${count((v[0] as unknown[]).length)}; ${name} should be ${expected}`);
        return null;
      }
    }
  }
  const found = foundShape(v);
  if (!found || found.length !== shape.length || found.some((n, i) => n !== shape[i])) {
    ctx.error(path, `${name} has shape ${found ? showShape(found) : 'of a mixed list'}, expected ${expected}`);
    return null;
  }
  return shape.length === 2 ? (v as number[][]).flat() : (v as number[]);
}

/** init.h0, init.c0, ... (init.<state>0): zeros, random (seeded normal * scale, from its own stream seed), or H numbers. */
export function resolveState(v: unknown, which: string, H: number, seed: number, scale: number, ctx: Ctx): Float64Array {
  const out = new Float64Array(H);
  const path = ['init', which];
  if (v === undefined || v === null || v === 'zeros') return out;
  if (v === 'random') {
    // Streams of their own (h0: seed + 1, c0: seed + 2, ...), so the weights do not change when a state turns random.
    const rng = new Rng(seed);
    for (let i = 0; i < H; i++) out[i] = rng.normal() * scale;
    return out;
  }
  if (typeof v === 'string') {
    ctx.error(path, `'${v}' is not one of zeros | random | a list of H numbers${didYouMean(v, ['zeros', 'random'])}`);
    return out;
  }
  const list = v as number[];
  if (list.length !== H) {
    ctx.error(path, `has ${list.length} number${list.length === 1 ? '' : 's'}, expected H = ${H} (model.hidden)`);
    return out;
  }
  out.set(list);
  return out;
}
