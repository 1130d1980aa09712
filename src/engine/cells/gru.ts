/**
 * The GRU cell in the notes' (classic) form and in PyTorch's form. Both:
 *   r = σ(W_xr x + W_hr h_prev + b_r),  z = σ(W_xz x + W_hz h_prev + b_z)
 * classic: n = tanh(W_xn x + W_hn (r⊙h_prev) + b_n),         h = (1 - z)⊙h_prev + z⊙n
 * pytorch: n = tanh(W_xn x + b_n + r⊙(W_hn h_prev + b_hn)),  h = (1 - z)⊙n + z⊙h_prev
 * z plays opposite roles in the two.
 */
import type { GruVariant, Params } from '../types';
import { matTVecAdd, matVecAdd, outerAdd, sigmoid } from '../linalg';
import type { Cell, CellState, StepCache, StepGrad } from './cell';

export class GruCell implements Cell {
  constructor(
    readonly D: number,
    readonly H: number,
    readonly variant: GruVariant,
  ) {}

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    const { D, H } = this;
    const hPrev = prev.h;
    const ar = Float64Array.from(p.b_r.data);
    matVecAdd(ar, p.W_xr.data, H, D, x);
    matVecAdd(ar, p.W_hr.data, H, H, hPrev);
    const az = Float64Array.from(p.b_z.data);
    matVecAdd(az, p.W_xz.data, H, D, x);
    matVecAdd(az, p.W_hz.data, H, H, hPrev);
    const r = new Float64Array(H), z = new Float64Array(H), n = new Float64Array(H), h = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      r[j] = sigmoid(ar[j]);
      z[j] = sigmoid(az[j]);
    }
    const an = Float64Array.from(p.b_n.data);
    matVecAdd(an, p.W_xn.data, H, D, x); // W_xn: [H,D] · x
    const aux: Record<string, Float64Array> = {};
    const pre: Record<string, Float64Array> = { r: ar, z: az, n: an };
    if (this.variant === 'classic') {
      const rh = new Float64Array(H);
      for (let j = 0; j < H; j++) rh[j] = r[j] * hPrev[j];
      matVecAdd(an, p.W_hn.data, H, H, rh); // W_hn: [H,H] · (r⊙h_prev)
      aux.rh = rh;
    } else {
      const hn = Float64Array.from(p.b_hn.data);
      matVecAdd(hn, p.W_hn.data, H, H, hPrev); // W_hn: [H,H] · h_prev + b_hn
      for (let j = 0; j < H; j++) an[j] += r[j] * hn[j];
      aux.hn = hn;
      pre.hn = hn;
    }
    for (let j = 0; j < H; j++) {
      n[j] = Math.tanh(an[j]);
      h[j] = this.variant === 'classic' ? (1 - z[j]) * hPrev[j] + z[j] * n[j] : (1 - z[j]) * n[j] + z[j] * hPrev[j];
    }
    return { x, hPrev, cPrev: null, h, c: null, pre, gates: { r, z, n }, aux };
  }

  backward(p: Params, cache: StepCache, dh: Float64Array): StepGrad {
    const { H } = this;
    const { r, z, n } = cache.gates;
    const hPrev = cache.hPrev;
    const classic = this.variant === 'classic';
    const dar = new Float64Array(H), daz = new Float64Array(H), dan = new Float64Array(H);
    const dhPrev = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const dn = dh[j] * (classic ? z[j] : 1 - z[j]);
      const dz = dh[j] * (classic ? n[j] - hPrev[j] : hPrev[j] - n[j]);
      dhPrev[j] = dh[j] * (classic ? 1 - z[j] : z[j]);
      dan[j] = dn * (1 - n[j] * n[j]);
      daz[j] = dz * z[j] * (1 - z[j]);
    }
    const dgates: Record<string, Float64Array> = { r: dar, z: daz, n: dan };
    if (classic) {
      const drh = new Float64Array(H);
      matTVecAdd(drh, p.W_hn.data, H, H, dan); // d(r⊙h_prev) = W_hn^T · da_n
      for (let j = 0; j < H; j++) {
        dar[j] = drh[j] * hPrev[j] * r[j] * (1 - r[j]);
        dhPrev[j] += drh[j] * r[j];
      }
    } else {
      const dhn = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        dhn[j] = dan[j] * r[j];
        dar[j] = dan[j] * cache.aux.hn[j] * r[j] * (1 - r[j]);
      }
      matTVecAdd(dhPrev, p.W_hn.data, H, H, dhn); // W_hn^T · d(hn)
      dgates.hn = dhn;
    }
    matTVecAdd(dhPrev, p.W_hr.data, H, H, dar);
    matTVecAdd(dhPrev, p.W_hz.data, H, H, daz);
    return { dgates, dhPrev, dcPrev: null, dc: null };
  }

  accumulate(cache: StepCache, g: StepGrad, grads: Params): void {
    const { D, H } = this;
    for (const q of ['r', 'z', 'n']) {
      const da = g.dgates[q];
      outerAdd(grads[`W_x${q}`].data, H, D, da, cache.x);
      if (q !== 'n') outerAdd(grads[`W_h${q}`].data, H, H, da, cache.hPrev);
      const b = grads[`b_${q}`].data;
      for (let j = 0; j < H; j++) b[j] += da[j];
    }
    if (this.variant === 'classic') {
      outerAdd(grads.W_hn.data, H, H, g.dgates.n, cache.aux.rh);
    } else {
      const dhn = g.dgates.hn;
      outerAdd(grads.W_hn.data, H, H, dhn, cache.hPrev);
      for (let j = 0; j < H; j++) grads.b_hn.data[j] += dhn[j];
    }
  }
}
