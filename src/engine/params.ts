/** Parameter names and shapes for each cell, and their seeded initialisation. */
import type { InitScheme, ModelConfig, Params, Tensor } from './types';
import { Rng } from './rng';

/** Gate names of each cell, in the order the notes write them. */
export function gateNames(config: Pick<ModelConfig, 'cell' | 'coupled'>): string[] {
  switch (config.cell) {
    case 'rnn':
      return [];
    case 'lstm':
      return ['i', 'f', 'g', 'o'];
    case 'gru':
      return ['r', 'z', 'n'];
  }
}

/** Every parameter's shape by name, in canonical order (cell first, then the output layer). */
export function paramShapes(config: ModelConfig): Record<string, number[]> {
  const { D, H, K } = config;
  const shapes: Record<string, number[]> = {};
  const gate = (q: string): void => {
    shapes[`W_x${q}`] = [H, D]; // W_xq: [H,D] · x: [D]
    shapes[`W_h${q}`] = [H, H]; // W_hq: [H,H] · h_prev: [H]
    shapes[`b_${q}`] = [H];
  };
  switch (config.cell) {
    case 'rnn':
      shapes.W_xh = [H, D];
      shapes.W_hh = [H, H];
      shapes.b_h = [H];
      break;
    case 'lstm':
      for (const q of ['i', 'f', 'g', 'o']) if (!(config.coupled && q === 'i')) gate(q);
      if (config.peephole) {
        if (!config.coupled) shapes.w_ci = [H];
        shapes.w_cf = [H];
        shapes.w_co = [H];
      }
      break;
    case 'gru':
      for (const q of ['r', 'z', 'n']) gate(q);
      if (config.variant === 'pytorch') shapes.b_hn = [H];
      break;
  }
  shapes.W_hy = [K, H]; // W_hy: [K,H] · h: [H]
  shapes.b_y = [K];
  return shapes;
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
  /** lstm: initial b_f. */
  forgetBias: number;
}

/**
 * Seeded initial parameters. Matrices follow the scheme; biases start at zero (b_f at forgetBias),
 * peephole weights follow the scheme like matrices. Same seed, same numbers, on every machine.
 */
export function initParams(config: ModelConfig, opts: InitOptions): Params {
  const rng = new Rng(opts.seed);
  const params: Params = {};
  for (const [name, shape] of Object.entries(paramShapes(config))) {
    const t: Tensor = { shape, data: new Float64Array(sizeOf(shape)) };
    const isBias = name.startsWith('b_');
    if (isBias) {
      if (name === 'b_f') t.data.fill(opts.forgetBias);
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
