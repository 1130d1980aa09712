/**
 * The optimizers and global gradient-norm clipping. An optimizer's state is plain data (Params
 * slots by name, a step counter), so it serialises into the weights file and a run resumes exactly.
 *
 *   sgd:      θ -= lr g
 *   momentum: v = μ v + g;               θ -= lr v                          (μ = 0.9, PyTorch's form)
 *   adagrad:  G += g²;                   θ -= lr g / (√G + ε)                (ε = 1e-8)
 *   adam:     m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²
 *             θ -= lr m̂ / (√v̂ + ε),  m̂ = m / (1-β1^t),  v̂ = v / (1-β2^t)     (β1 0.9, β2 0.999, ε 1e-8)
 */
import type { OptimizerKind, Params } from '../types';
import { zerosLike } from '../params';

export const MOMENTUM = 0.9;
export const ADAGRAD_EPS = 1e-8;
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** The slots each optimizer keeps per parameter (same shapes as the parameters). */
export const OPTIMIZER_SLOTS: Record<OptimizerKind, string[]> = {
  sgd: [],
  momentum: ['v'],
  adagrad: ['G'],
  adam: ['m', 'v'],
};

export interface OptimizerState {
  kind: OptimizerKind;
  /** Updates applied so far (adam's t after the next update is step + 1). */
  step: number;
  /** Per-slot accumulators by parameter name: momentum v, adagrad G, adam m and v. */
  slots: Record<string, Params>;
}

/** A fresh optimizer for these parameters: every slot zero, step 0. */
export function createOptimizer(kind: OptimizerKind, params: Params): OptimizerState {
  const slots: Record<string, Params> = {};
  for (const s of OPTIMIZER_SLOTS[kind]) slots[s] = zerosLike(params);
  return { kind, step: 0, slots };
}

/** Applies one update in place to `params` and the optimizer's slots. `grads` is not changed. */
export function applyUpdate(opt: OptimizerState, lr: number, params: Params, grads: Params): void {
  const t = opt.step + 1;
  for (const [name, P] of Object.entries(params)) {
    const p = P.data;
    const g = grads[name].data;
    switch (opt.kind) {
      case 'sgd':
        for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
        break;
      case 'momentum': {
        const v = opt.slots.v[name].data;
        for (let i = 0; i < p.length; i++) {
          v[i] = MOMENTUM * v[i] + g[i];
          p[i] -= lr * v[i];
        }
        break;
      }
      case 'adagrad': {
        const G = opt.slots.G[name].data;
        for (let i = 0; i < p.length; i++) {
          G[i] += g[i] * g[i];
          p[i] -= (lr * g[i]) / (Math.sqrt(G[i]) + ADAGRAD_EPS);
        }
        break;
      }
      case 'adam': {
        const m = opt.slots.m[name].data;
        const v = opt.slots.v[name].data;
        const c1 = 1 - Math.pow(ADAM.beta1, t);
        const c2 = 1 - Math.pow(ADAM.beta2, t);
        for (let i = 0; i < p.length; i++) {
          m[i] = ADAM.beta1 * m[i] + (1 - ADAM.beta1) * g[i];
          v[i] = ADAM.beta2 * v[i] + (1 - ADAM.beta2) * g[i] * g[i];
          p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + ADAM.eps);
        }
        break;
      }
    }
  }
  opt.step = t;
}

/** ‖g‖ over every parameter's gradient together (the global norm). */
export function globalNorm(grads: Params): number {
  let s = 0;
  for (const G of Object.values(grads)) for (let i = 0; i < G.data.length; i++) s += G.data[i] * G.data[i];
  return Math.sqrt(s);
}

/**
 * Global gradient-norm clipping, in place: when ‖g‖ > maxNorm, every gradient is scaled by
 * maxNorm / ‖g‖ (PyTorch's clip_grad_norm_, without its epsilon). Returns the norm before clipping.
 */
export function clipGradients(grads: Params, maxNorm: number | null): { norm: number; clipped: boolean } {
  const norm = globalNorm(grads);
  if (maxNorm === null || !(norm > maxNorm)) return { norm, clipped: false };
  const s = maxNorm / norm;
  for (const G of Object.values(grads)) for (let i = 0; i < G.data.length; i++) G.data[i] *= s;
  return { norm, clipped: true };
}
