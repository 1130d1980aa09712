/** The vanilla RNN over a batch: a = b_h + x·W_xhᵀ + h_prev·W_hhᵀ as [B, H] blocks, h = f(a). */
import type { BpttConfig, ModelConfig, Params, Sequence } from '../types';
import { activate, derivative } from '../cells/rnn';
import { gemmABt, withResident } from '../linalg';
import { zerosLike } from '../params';
import { atb, batchShape, block, colSum, cutsAt, dhFromOutput, fillRows, lastRows, outputBlock, outputGrads, stateRows, transpose, type BatchResult, type BatchState } from './common';

export function rnnBatch(config: ModelConfig, bptt: BpttConfig, p: Params, seqs: Sequence[], s0: BatchState): BatchResult {
  if (config.cell !== 'rnn') throw new Error('rnnBatch runs the vanilla RNN');
  const s = batchShape(config, bptt, seqs);
  const { B, T, D, H, X } = s;
  const BH = B * H, f = config.activation;
  const Wx = p.W_xh.data, Wh = p.W_hh.data;
  const WhT = transpose(Wh, H, H), WyT = transpose(p.W_hy.data, s.K, H);
  return withResident([Wx, Wh, WhT, WyT, p.W_hy.data], () => {
    const Hs = stateRows(s0.h, T, H);
    const A = new Float64Array(T * BH); // pre-activations; then dL/da
    const DZ = new Float64Array(T * B * s.K);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const a = block(A, t, B, H), h = block(Hs, t + 1, B, H);
      fillRows(a, p.b_h.data, B);
      gemmABt(a, block(X, t, B, D), Wx, B, H, D); // x: [B,D] · W_xh: [H,D]ᵀ
      gemmABt(a, block(Hs, t, B, H), Wh, B, H, H); // h_prev: [B,H] · W_hh: [H,H]ᵀ
      for (let k = 0; k < BH; k++) h[k] = activate(f, a[k]);
      loss += outputBlock(config, p, s, seqs, t, h, DZ);
    }
    let dhNext = new Float64Array(BH);
    for (let t = T - 1; t >= 0; t--) {
      if (cutsAt(bptt, t)) dhNext.fill(0);
      const dh = dhNext;
      dhFromOutput(dh, WyT, s, DZ, t);
      const a = block(A, t, B, H), h = block(Hs, t + 1, B, H);
      for (let k = 0; k < BH; k++) a[k] = dh[k] * derivative(f, h[k], a[k]);
      const dhPrev = new Float64Array(BH);
      gemmABt(dhPrev, a, WhT, B, H, H); // da: [B,H] · W_hh: [H,H]
      dhNext = dhPrev;
    }
    const grads = zerosLike(p);
    const n = T * B;
    atb(grads.W_xh.data, A, H, 0, X, n, H, D);
    atb(grads.W_hh.data, A, H, 0, Hs, n, H, H);
    colSum(grads.b_h.data, A, H, 0, n);
    outputGrads(grads, s, DZ, Hs);
    return { loss, grads, end: { h: lastRows(Hs, T, B, H) } };
  });
}
