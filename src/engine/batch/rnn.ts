/** The vanilla RNN over a batch: a = b_h + x·W_xhᵀ + h_prev·W_hhᵀ as [B, H] blocks, h = f(a). */
import type { Activation, Params } from '../types';
import type { BatchCell, BatchRun, BatchState } from '../cells/cell';
import { activate, derivative } from '../cells/rnn';
import { gemmABt } from '../linalg';
import { atb, block, colSum, fillRows, lastRows, stateRows, totalDh, transpose } from './common';

export function rnnBatch(p: Params, H: number, D: number, f: Activation): BatchCell {
  const Wx = p.W_xh.data, Wh = p.W_hh.data;
  const WhT = transpose(Wh, H, H), WxT = transpose(Wx, H, D);
  return {
    resident: [Wx, Wh, WhT, WxT],
    perRowStep: 2 * H,
    forward(X: Float64Array, T: number, B: number, s0: BatchState): BatchRun {
      const BH = B * H;
      const Hs = stateRows(s0.h, T, H);
      const A = new Float64Array(T * BH); // pre-activations; then dL/da
      for (let t = 0; t < T; t++) {
        const a = block(A, t, B, H), h = block(Hs, t + 1, B, H);
        fillRows(a, p.b_h.data, B);
        gemmABt(a, block(X, t, B, D), Wx, B, H, D); // x: [B,D] · W_xh: [H,D]ᵀ
        gemmABt(a, block(Hs, t, B, H), Wh, B, H, H); // h_prev: [B,H] · W_hh: [H,H]ᵀ
        for (let k = 0; k < BH; k++) h[k] = activate(f, a[k]);
      }
      return {
        Hs,
        end: () => ({ h: lastRows(Hs, T, B, H) }),
        backward(dH, cut, grads, withDx) {
          let dhNext = new Float64Array(BH);
          for (let t = T - 1; t >= 0; t--) {
            if (cut(t)) dhNext.fill(0);
            const dh = totalDh(dhNext, dH, t);
            const a = block(A, t, B, H), h = block(Hs, t + 1, B, H);
            for (let k = 0; k < BH; k++) a[k] = dh[k] * derivative(f, h[k], a[k]);
            const dhPrev = new Float64Array(BH);
            gemmABt(dhPrev, a, WhT, B, H, H); // da: [B,H] · W_hh: [H,H]
            dhNext = dhPrev;
          }
          const n = T * B;
          atb(grads.W_xh.data, A, H, 0, X, n, H, D);
          atb(grads.W_hh.data, A, H, 0, Hs, n, H, H);
          colSum(grads.b_h.data, A, H, 0, n);
          if (!withDx) return null;
          const dX = new Float64Array(n * D);
          gemmABt(dX, A, WxT, n, D, H); // da: [T·B,H] · W_xh: [H,D]
          return dX;
        },
      };
    },
  };
}
