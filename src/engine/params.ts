/** Parameter names and shapes for each cell, and their seeded initialisation. */
import type { InitScheme, ModelConfig, Params, Tensor } from './types';
import { Rng } from './rng';
import { cellInfo } from './cells';

/** Gate names of the config's cell, in the order the notes write them. */
export function gateNames(config: ModelConfig): string[] {
  return cellInfo(config).gates;
}

/** Every parameter's shape by name, in canonical order (cell first, then the output layer). */
export function paramShapes(config: ModelConfig): Record<string, number[]> {
  const { H, K } = config;
  // W_hy: [K,H] · h: [H]
  return { ...cellInfo(config).shapes, W_hy: [K, H], b_y: [K] };
}

/** Number of scalars in a shape. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Total number of parameters of a model. */
export function countParams(config: ModelConfig): number {
  return Object.values(paramShapes(config)).reduce((a, s) => a + sizeOf(s), 0);
}

export function zerosLike(params: Params): Params {
  const out: Params = {};
  for (const [name, t] of Object.entries(params)) out[name] = { shape: t.shape.slice(), data: new Float64Array(t.data.length) };
  return out;
}

export function cloneParams(params: Params): Params {
  const out: Params = {};
  for (const [name, t] of Object.entries(params)) out[name] = { shape: t.shape.slice(), data: t.data.slice() };
  return out;
}

export interface InitOptions {
  seed: number;
  scheme: InitScheme;
  /** Half-width of uniform, standard deviation of normal. */
  scale: number;
  /** The initial value of the cell's forget-gate bias (lstm b_f). */
  forgetBias: number;
}

/**
 * Seeded initial parameters. Matrices follow the scheme; biases start at zero (b_f at forgetBias, in
 * a stack every layer's), peephole weights follow the scheme like matrices. Same seed, same numbers, on every machine.
 */
export function initParams(config: ModelConfig, opts: InitOptions): Params {
  const rng = new Rng(opts.seed);
  const params: Params = {};
  // Every layer's forget bias in a stack (b_f, b_f_l2, ...), not only the first's.
  const info = cellInfo(config);
  const forget = new Set((info.layers ?? [info]).map((l) => l.forgetBias).filter((n) => n !== null));
  for (const [name, shape] of Object.entries(paramShapes(config))) {
    const t: Tensor = { shape, data: new Float64Array(sizeOf(shape)) };
    const isBias = name.startsWith('b_');
    if (isBias) {
      if (forget.has(name)) t.data.fill(opts.forgetBias);
    } else {
      const fanOut = shape[0];
      const fanIn = shape.length > 1 ? shape[1] : 1;
      for (let i = 0; i < t.data.length; i++) t.data[i] = sample(rng, opts, fanIn, fanOut);
    }
    params[name] = t;
  }
  return params;
}

function sample(rng: Rng, opts: InitOptions, fanIn: number, fanOut: number): number {
  switch (opts.scheme) {
    case 'xavier': {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniform(-a, a);
    }
    case 'uniform':
      return rng.uniform(-opts.scale, opts.scale);
    case 'normal':
      return rng.normal() * opts.scale;
    case 'zeros':
      return 0;
  }
}
