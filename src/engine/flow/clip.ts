/** A preview of global gradient-norm clipping: what scaling all gradients to a threshold would do. */
import type { Params } from '../types';

export interface ClipPreview {
  /** ‖g‖_2 over all parameters together. */
  norm: number;
  threshold: number;
  /** min(1, threshold / norm) (1 for a zero gradient). */
  scale: number;
  /** norm · scale. */
  clippedNorm: number;
  perParam: { name: string; norm: number; clippedNorm: number }[];
}

/** What global gradient-norm clipping at threshold would do: scale = min(1, threshold / norm). */
export function clipPreview(grads: Params, threshold: number): ClipPreview {
  if (!(threshold > 0)) throw new RangeError(`clipping threshold must be positive, got ${threshold}`);
  const perParam = Object.entries(grads).map(([name, g]) => {
    let s = 0;
    for (let i = 0; i < g.data.length; i++) s += g.data[i] * g.data[i];
    return { name, sq: s };
  });
  const norm = Math.sqrt(perParam.reduce((a, p) => a + p.sq, 0));
  const scale = norm > threshold ? threshold / norm : 1;
  return {
    norm,
    threshold,
    scale,
    clippedNorm: norm * scale,
    perParam: perParam.map(({ name, sq }) => ({ name, norm: Math.sqrt(sq), clippedNorm: Math.sqrt(sq) * scale })),
  };
}
