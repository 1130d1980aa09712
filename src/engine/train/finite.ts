/** Non-finite detection: which step, and which parameter's gradient or value went NaN or infinite. */
import type { Params } from '../types';

export type NonFiniteWhat = 'loss' | 'gradient' | 'parameter';

/** Training stopped: a loss, a gradient or an updated parameter was NaN or ±Infinity. */
export class NonFiniteError extends Error {
  constructor(
    /** The update (1-based) that failed; the trainer's state is still the one before it. */
    readonly step: number,
    /** The epoch (1-based) the update belonged to. */
    readonly epoch: number,
    readonly what: NonFiniteWhat,
    /** The parameter whose gradient or value went non-finite (null for the loss itself). */
    readonly param: string | null,
    /** Where in the parameter: [row, col] or [i]. */
    readonly index: number[] | null,
    readonly value: number,
  ) {
    const at = param === null ? '' : `${param}${index ? `[${index.join(',')}]` : ''}`;
    const said = what === 'loss' ? `the loss is ${value}${at ? ` (the largest parameter is ${at})` : ''}` : `the ${what} of ${at} is ${value}`;
    super(`step ${step} (epoch ${epoch}): ${said}; try a smaller train.lr${what === 'parameter' ? '' : ' or train.clip'}`);
    this.name = 'NonFiniteError';
  }
}

/** The first non-finite entry of any parameter, in canonical order, or null. */
export function firstNonFinite(params: Params): { param: string; index: number[]; value: number } | null {
  for (const [name, P] of Object.entries(params)) {
    for (let i = 0; i < P.data.length; i++) {
      const v = P.data[i];
      if (!Number.isFinite(v)) {
        const index = P.shape.length === 2 ? [Math.floor(i / P.shape[1]), i % P.shape[1]] : [i];
        return { param: name, index, value: v };
      }
    }
  }
  return null;
}

/** The entry of largest magnitude over all parameters. */
export function largest(params: Params): { param: string; index: number[] } {
  let best = { param: '', index: [0], abs: -1 };
  for (const [name, P] of Object.entries(params)) {
    for (let i = 0; i < P.data.length; i++) {
      const a = Math.abs(P.data[i]);
      if (a > best.abs) best = { param: name, index: P.shape.length === 2 ? [Math.floor(i / P.shape[1]), i % P.shape[1]] : [i], abs: a };
    }
  }
  return best;
}
