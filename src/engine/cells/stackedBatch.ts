/**
 * A stack's batched step, layer over layer: the embedding as one product over all T·B rows, then
 * each layer's batched forward over the whole sequence reading the rows of the layer below; the
 * backward from the top, each layer's dL/dx rows the dL/dh rows of the layer below.
 */
import type { Params } from '../types';
import { gemmAB, gemmABt } from '../linalg';
import { atb } from '../batch/common';
import type { BatchCell, BatchRun, BatchState, Cell } from './cell';

export interface StackParts {
  layers: Cell[];
  /** Layer k's parameters (or gradients) under its cell's own names. */
  view(p: Params, k: number): Params;
  /** The suffix of layer k's states in the stack's names ('' for the top). */
  sfx(k: number): string;
  embedding: { V: number; E: number } | null;
}

export function stackedBatch(s: StackParts, p: Params): BatchCell {
  const steps = s.layers.map((c, k) => (c.batch as (q: Params) => BatchCell)(s.view(p, k)));
  const emb = s.embedding;
  return {
    resident: [...(emb ? [p.W_emb.data] : []), ...steps.flatMap((b) => b.resident)],
    perRowStep: (emb ? 2 * emb.E : 0) + steps.reduce((a, b, k) => a + b.perRowStep + s.layers[k].H, 0),
    forward(X: Float64Array, T: number, B: number, s0: BatchState): BatchRun {
      const n = T * B;
      let input = X;
      if (emb) {
        input = new Float64Array(n * emb.E);
        gemmAB(input, X, p.W_emb.data, n, emb.V, emb.E); // x: [T·B,V] · W_emb: [V,E] (row v for token v)
      }
      const runs: BatchRun[] = [];
      steps.forEach((step, k) => {
        const own = Object.fromEntries(s.layers[k].info.states.map((name) => [name, s0[name + s.sfx(k)]]));
        const run = step.forward(input, T, B, own);
        runs.push(run);
        input = run.Hs.subarray(B * s.layers[k].H); // h_1 .. h_T: the next layer's x
      });
      return {
        Hs: runs[runs.length - 1].Hs,
        end: () => Object.fromEntries(runs.flatMap((r, k) => Object.entries(r.end()).map(([name, v]) => [name + s.sfx(k), v]))),
        backward(dH, cut, grads, withDx) {
          let d: Float64Array | null = dH;
          for (let k = runs.length - 1; k >= 0; k--) d = runs[k].backward(d as Float64Array, cut, s.view(grads, k), k > 0 || emb !== null || withDx);
          if (!emb) return withDx ? d : null;
          const dE = d as Float64Array;
          atb(grads.W_emb.data, X, emb.V, 0, dE, n, emb.V, emb.E); // dW_emb += xᵀ de over all rows
          if (!withDx) return null;
          const dX = new Float64Array(n * emb.V);
          gemmABt(dX, dE, p.W_emb.data, n, emb.V, emb.E); // de: [T·B,E] · W_emb: [V,E]ᵀ
          return dX;
        },
      };
    },
  };
}
