/**
 * The GRU over a batch, both forms (see cells/gru.ts): each step's gates as one [B, 3H] block in the
 * order r, z, n, with W_x stacked as [3H, D].
 *   classic: r, z from h_prev·W_h{r,z}ᵀ ([2H, H] stacked); n from (r⊙h_prev)·W_hnᵀ.
 *   pytorch: all three from h_prev·W_hᵀ ([3H, H] stacked); n = tanh(a_xn + r⊙(hn + b_hn)).
 */
import type { GruVariant, Params } from '../types';
import type { BatchCell, BatchRun, BatchState } from '../cells/cell';
import { gemmABt, sigmoid } from '../linalg';
import { atb, block, colSum, fillRows, lastRows, stack, stateRows, totalDh, transpose, unstackInto } from './common';

const names = (prefix: string, gates = ['r', 'z', 'n']): string[] => gates.map((q) => `${prefix}${q}`);

export function gruBatch(p: Params, H: number, D: number, variant: GruVariant): BatchCell {
  const classic = variant === 'classic';
  const G3 = 3 * H, GH = classic ? 2 * H : 3 * H; // gates with W_h in the stacked product
  const Wx = stack(p, names('W_x')), bias = stack(p, names('b_'));
  const Wh = stack(p, classic ? names('W_h', ['r', 'z']) : names('W_h'));
  const Whn = p.W_hn.data;
  const WhT = transpose(Wh, GH, H), WhnT = transpose(Whn, H, H), WxT = transpose(Wx, G3, D);
  return {
    resident: [Wx, Wh, Whn, WhT, WhnT, WxT],
    perRowStep: G3 + 2 * H,
    forward(X: Float64Array, T: number, B: number, s0: BatchState): BatchRun {
      const BH = B * H;
      const Hs = stateRows(s0.h, T, H);
      const A = new Float64Array(T * B * G3); // r, z, n values; then dL/d(pre-activations)
      // classic: r⊙h_prev (W_hn's input); pytorch: hn = W_hn h_prev + b_hn, then its gradient r⊙da_n.
      const AUX = new Float64Array(T * BH);
      const Q = new Float64Array(B * GH);
      for (let t = 0; t < T; t++) {
        const a = block(A, t, B, G3), hPrev = block(Hs, t, B, H), h = block(Hs, t + 1, B, H), aux = block(AUX, t, B, H);
        fillRows(a, bias, B);
        gemmABt(a, block(X, t, B, D), Wx, B, G3, D); // x: [B,D] · W_x: [3H,D]ᵀ
        Q.fill(0);
        gemmABt(Q, hPrev, Wh, B, GH, H); // h_prev: [B,H] · W_h: [GH,H]ᵀ
        for (let b = 0; b < B; b++) {
          const r0 = b * G3, q0 = b * GH;
          for (let j = 0; j < H; j++) {
            a[r0 + j] = sigmoid(a[r0 + j] + Q[q0 + j]);
            a[r0 + H + j] = sigmoid(a[r0 + H + j] + Q[q0 + H + j]);
            const k = b * H + j;
            if (classic) aux[k] = a[r0 + j] * hPrev[k];
            else aux[k] = Q[q0 + 2 * H + j] + p.b_hn.data[j];
          }
        }
        if (classic) {
          const N = new Float64Array(BH);
          gemmABt(N, aux, Whn, B, H, H); // (r⊙h_prev): [B,H] · W_hn: [H,H]ᵀ
          for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) a[b * G3 + 2 * H + j] += N[b * H + j];
        }
        for (let b = 0; b < B; b++) {
          const r0 = b * G3;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const r = a[r0 + j], z = a[r0 + H + j];
            const n = Math.tanh(classic ? a[r0 + 2 * H + j] : a[r0 + 2 * H + j] + r * aux[k]);
            a[r0 + 2 * H + j] = n;
            h[k] = classic ? (1 - z) * hPrev[k] + z * n : (1 - z) * n + z * hPrev[k];
          }
        }
      }
      return {
        Hs,
        end: () => ({ h: lastRows(Hs, T, B, H) }),
        backward(dH, cut, grads, withDx) {
          let dhNext = new Float64Array(BH);
          const dA = new Float64Array(B * GH);
          for (let t = T - 1; t >= 0; t--) {
            if (cut(t)) dhNext.fill(0);
            const dh = totalDh(dhNext, dH, t);
            const a = block(A, t, B, G3), hPrev = block(Hs, t, B, H), aux = block(AUX, t, B, H);
            const dhPrev = new Float64Array(BH);
            for (let b = 0; b < B; b++) {
              const r0 = b * G3;
              for (let j = 0; j < H; j++) {
                const k = b * H + j;
                const r = a[r0 + j], z = a[r0 + H + j], n = a[r0 + 2 * H + j];
                const dn = dh[k] * (classic ? z : 1 - z);
                const dz = dh[k] * (classic ? n - hPrev[k] : hPrev[k] - n);
                dhPrev[k] = dh[k] * (classic ? 1 - z : z);
                const dan = dn * (1 - n * n);
                a[r0 + H + j] = dz * z * (1 - z);
                a[r0 + 2 * H + j] = dan;
                if (!classic) {
                  a[r0 + j] = dan * aux[k] * r * (1 - r);
                  aux[k] = dan * r; // d(hn)
                }
              }
            }
            if (classic) {
              const dan = new Float64Array(BH), drh = new Float64Array(BH);
              for (let b = 0; b < B; b++) dan.set(a.subarray(b * G3 + 2 * H, (b + 1) * G3), b * H);
              gemmABt(drh, dan, WhnT, B, H, H); // d(r⊙h_prev) = da_n: [B,H] · W_hn: [H,H]
              for (let b = 0; b < B; b++) {
                for (let j = 0; j < H; j++) {
                  const k = b * H + j, r = a[b * G3 + j];
                  a[b * G3 + j] = drh[k] * hPrev[k] * r * (1 - r);
                  dhPrev[k] += drh[k] * r;
                }
              }
            }
            // [da_r, da_z (, d(hn))]: [B,GH] · W_h: [GH,H]
            for (let b = 0; b < B; b++) {
              dA.set(a.subarray(b * G3, b * G3 + 2 * H), b * GH);
              if (!classic) dA.set(aux.subarray(b * H, (b + 1) * H), b * GH + 2 * H);
            }
            gemmABt(dhPrev, dA, WhT, B, H, GH);
            dhNext = dhPrev;
          }
          const n = T * B;
          const GWx = new Float64Array(G3 * D), Gb = new Float64Array(G3), GWh = new Float64Array(2 * H * H);
          atb(GWx, A, G3, 0, X, n, G3, D);
          colSum(Gb, A, G3, 0, n);
          atb(GWh, A, G3, 0, Hs, n, 2 * H, H); // W_hr, W_hz from h_prev
          unstackInto(grads, names('W_x'), GWx);
          unstackInto(grads, names('b_'), Gb);
          unstackInto(grads, names('W_h', ['r', 'z']), GWh);
          // W_hn: classic from da_n and r⊙h_prev; pytorch from d(hn) and h_prev, with b_hn.
          if (classic) atb(grads.W_hn.data, A, G3, 2 * H, AUX, n, H, H);
          else {
            atb(grads.W_hn.data, AUX, H, 0, Hs, n, H, H);
            colSum(grads.b_hn.data, AUX, H, 0, n);
          }
          if (!withDx) return null;
          const dX = new Float64Array(n * D);
          gemmABt(dX, A, WxT, n, D, G3); // [da_r, da_z, da_n]: [T·B,3H] · W_x: [3H,D]
          return dX;
        },
      };
    },
  };
}
