/**
 * The standard LSTM (no peephole, no coupled gates) over a batch: each step's four gates as one
 * [B, 4H] block, pre = b + x·W_xᵀ + h_prev·W_hᵀ with the gates' matrices stacked ([4H, D], [4H, H]),
 * in the order i, f, g, o.
 */
import type { Params } from '../types';
import type { BatchCell, BatchRun, BatchState } from '../cells/cell';
import { gemmABt, lstmGatesRows } from '../linalg';
import { atb, block, colSum, fillRows, lastRows, stack, stateRows, totalDh, transpose, unstackInto } from './common';

const GATES = ['i', 'f', 'g', 'o'];
const names = (prefix: string): string[] => GATES.map((q) => `${prefix}${q}`);

export function lstmBatch(p: Params, H: number, D: number): BatchCell {
  const G4 = 4 * H;
  const Wx = stack(p, names('W_x')), Wh = stack(p, names('W_h')), bias = stack(p, names('b_'));
  const WhT = transpose(Wh, G4, H), WxT = transpose(Wx, G4, D);
  return {
    resident: [Wx, Wh, WhT, WxT],
    perRowStep: G4 + 3 * H,
    forward(X: Float64Array, T: number, B: number, s0: BatchState): BatchRun {
      const BH = B * H;
      const Hs = stateRows(s0.h, T, H), Cs = stateRows(s0.c, T, H);
      const A = new Float64Array(T * B * G4); // gate values, then (in the backward) dL/d(pre-activation)
      const TC = new Float64Array(T * BH);
      for (let t = 0; t < T; t++) {
        const pre = block(A, t, B, G4);
        fillRows(pre, bias, B);
        gemmABt(pre, block(X, t, B, D), Wx, B, G4, D); // x: [B,D] · W_x: [4H,D]ᵀ
        gemmABt(pre, block(Hs, t, B, H), Wh, B, G4, H); // h_prev: [B,H] · W_h: [4H,H]ᵀ
        lstmGatesRows(pre, block(Cs, t, B, H), block(Cs, t + 1, B, H), block(TC, t, B, H), block(Hs, t + 1, B, H), B, H);
      }
      return {
        Hs,
        end: () => ({ h: lastRows(Hs, T, B, H), c: lastRows(Cs, T, B, H) }),
        backward(dH, cut, grads, withDx) {
          let dhNext = new Float64Array(BH), dcNext = new Float64Array(BH);
          for (let t = T - 1; t >= 0; t--) {
            if (cut(t)) {
              dhNext.fill(0);
              dcNext.fill(0);
            }
            const dh = totalDh(dhNext, dH, t);
            const a = block(A, t, B, G4), cPrev = block(Cs, t, B, H), tc = block(TC, t, B, H);
            const dcPrev = new Float64Array(BH);
            for (let b = 0; b < B; b++) {
              const r = b * G4;
              for (let j = 0; j < H; j++) {
                const k = b * H + j;
                const i = a[r + j], f = a[r + H + j], g = a[r + 2 * H + j], o = a[r + 3 * H + j], tck = tc[k];
                const dc = dcNext[k] + dh[k] * o * (1 - tck * tck);
                a[r + j] = dc * g * i * (1 - i);
                a[r + H + j] = dc * cPrev[k] * f * (1 - f);
                a[r + 2 * H + j] = dc * i * (1 - g * g);
                a[r + 3 * H + j] = dh[k] * tck * o * (1 - o);
                dcPrev[k] = dc * f;
              }
            }
            const dhPrev = new Float64Array(BH);
            gemmABt(dhPrev, a, WhT, B, H, G4); // dA: [B,4H] · W_h: [4H,H]
            dhNext = dhPrev;
            dcNext = dcPrev;
          }
          // Parameter gradients over all T·B rows at once.
          const n = T * B;
          const GWx = new Float64Array(G4 * D), GWh = new Float64Array(G4 * H), Gb = new Float64Array(G4);
          atb(GWx, A, G4, 0, X, n, G4, D);
          atb(GWh, A, G4, 0, Hs, n, G4, H);
          colSum(Gb, A, G4, 0, n);
          unstackInto(grads, names('W_x'), GWx);
          unstackInto(grads, names('W_h'), GWh);
          unstackInto(grads, names('b_'), Gb);
          if (!withDx) return null;
          const dX = new Float64Array(n * D);
          gemmABt(dX, A, WxT, n, D, G4); // dA: [T·B,4H] · W_x: [4H,D]
          return dX;
        },
      };
    },
  };
}
