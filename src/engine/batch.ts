/**
 * Batched training for the LSTM: B sequences of equal length through the engine at once, each
 * timestep as [B, H] blocks with matrix-matrix kernels, and the parameter gradients summed over the
 * batch (the sum of the per-sequence gradients, each sequence's loss reduced over t by the spec's
 * reduction). Standard LSTM (no peephole, no coupled gates), truncation none or chunks. No records
 * are kept: this is for training and the benchmark, not the stepper.
 */
import type { BpttConfig, ModelConfig, Params, Sequence } from './types';
import { lossScale } from './bptt';
import { outputStep } from './output';
import { gemmABt, gemmAtB, sigmoid } from './linalg';
export { gemmAB } from './linalg';
import { zerosLike } from './params';

export interface BatchGrads {
  /** The sum over the batch of each sequence's (reduced) loss. */
  loss: number;
  grads: Params;
}

const GATES = ['i', 'f', 'g', 'o'] as const;

/**
 * Loss and gradients of a batch of LSTM sequences of one length, from the state (h0, c0) each.
 * Equal to the sum of the per-sequence traces' gradients, up to the order of the sums.
 */
export function lstmBatchGrads(config: ModelConfig, bptt: BpttConfig, p: Params, seqs: Sequence[], h0: Float64Array, c0: Float64Array): BatchGrads {
  if (config.cell !== 'lstm' || config.peephole || config.coupled) throw new Error('batched training supports the standard LSTM (no peephole, no coupled gates)');
  if (bptt.truncate === 'window') throw new Error('batched training supports truncate none and chunks');
  const B = seqs.length, T = seqs[0]?.inputs.length ?? 0;
  if (B === 0 || T === 0) throw new Error('a batch needs at least one sequence of at least one step');
  if (seqs.some((s) => s.inputs.length !== T)) throw new Error('the sequences of a batch must have one length');
  const { D, H, K } = config;
  const BH = B * H;
  const X = new Float64Array(T * B * D);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) X.set(seqs[b].inputs[t], (t * B + b) * D);
  const Hs = new Float64Array((T + 1) * BH), Cs = new Float64Array((T + 1) * BH);
  for (let b = 0; b < B; b++) {
    Hs.set(h0, b * H);
    Cs.set(c0, b * H);
  }
  const gate = { i: new Float64Array(T * BH), f: new Float64Array(T * BH), g: new Float64Array(T * BH), o: new Float64Array(T * BH) };
  const TC = new Float64Array(T * BH);
  const DZ = new Float64Array(T * B * K);
  const scales = seqs.map((s) => lossScale(config, s));
  let loss = 0;
  const pre = new Float64Array(BH);
  for (let t = 0; t < T; t++) {
    const x = X.subarray(t * B * D, (t + 1) * B * D), hPrev = Hs.subarray(t * BH, (t + 1) * BH);
    for (const q of GATES) {
      const bias = p[`b_${q}`].data;
      for (let b = 0; b < B; b++) pre.set(bias, b * H);
      gemmABt(pre, x, p[`W_x${q}`].data, B, H, D);
      gemmABt(pre, hPrev, p[`W_h${q}`].data, B, H, H);
      const out = gate[q], base = t * BH;
      if (q === 'g') for (let j = 0; j < BH; j++) out[base + j] = Math.tanh(pre[j]);
      else for (let j = 0; j < BH; j++) out[base + j] = sigmoid(pre[j]);
    }
    const base = t * BH, cb = (t + 1) * BH;
    for (let j = 0; j < BH; j++) {
      const c = gate.f[base + j] * Cs[base + j] + gate.i[base + j] * gate.g[base + j];
      Cs[cb + j] = c;
      const tc = Math.tanh(c);
      TC[base + j] = tc;
      Hs[cb + j] = gate.o[base + j] * tc;
    }
    for (let b = 0; b < B; b++) {
      const h = Hs.subarray(cb + b * H, cb + (b + 1) * H);
      const o = outputStep(p, K, H, config.output, config.loss, h, seqs[b].targets[t]);
      if (o.loss !== null) loss += o.loss * scales[b];
      const row = (t * B + b) * K;
      for (let k = 0; k < K; k++) DZ[row + k] = o.dz[k] * scales[b];
    }
  }

  // Backward, all rows at once: dA_q holds dL/d(pre-activation of q) for every (t, b).
  const dA = { i: new Float64Array(T * BH), f: new Float64Array(T * BH), g: new Float64Array(T * BH), o: new Float64Array(T * BH) };
  let dhNext = new Float64Array(BH), dcNext = new Float64Array(BH);
  const dh = new Float64Array(BH);
  // Transposed copies, so dh_prev = Σ_q dA_q W_hq and W_hy^T dz run as register-tiled A·W^T products.
  const WhT = { i: transpose(p.W_hi.data, H, H), f: transpose(p.W_hf.data, H, H), g: transpose(p.W_hg.data, H, H), o: transpose(p.W_ho.data, H, H) };
  const WyT = transpose(p.W_hy.data, K, H);
  for (let t = T - 1; t >= 0; t--) {
    if (bptt.truncate === 'chunks' && (t + 1) % bptt.k === 0) {
      dhNext = new Float64Array(BH);
      dcNext = new Float64Array(BH);
    }
    dh.set(dhNext);
    gemmABt(dh, DZ.subarray(t * B * K, (t + 1) * B * K), WyT, B, H, K); // + W_hy^T dz per row
    const base = t * BH;
    const dcPrev = new Float64Array(BH);
    for (let j = 0; j < BH; j++) {
      const i = gate.i[base + j], f = gate.f[base + j], g = gate.g[base + j], o = gate.o[base + j], tc = TC[base + j];
      dA.o[base + j] = dh[j] * tc * o * (1 - o);
      const dc = dcNext[j] + dh[j] * o * (1 - tc * tc);
      dA.g[base + j] = dc * i * (1 - g * g);
      dA.f[base + j] = dc * Cs[base + j] * f * (1 - f);
      dA.i[base + j] = dc * g * i * (1 - i);
      dcPrev[j] = dc * f;
    }
    const dhPrev = new Float64Array(BH);
    for (const q of GATES) gemmABt(dhPrev, dA[q].subarray(base, base + BH), WhT[q], B, H, H);
    dhNext = dhPrev;
    dcNext = dcPrev;
  }

  // Parameter gradients over all T·B rows at once.
  const grads = zerosLike(p);
  const n = T * B;
  for (const q of GATES) {
    blockedAtB(grads[`W_x${q}`].data, dA[q], X, n, H, D);
    blockedAtB(grads[`W_h${q}`].data, dA[q], Hs.subarray(0, n * H), n, H, H);
    colSum(grads[`b_${q}`].data, dA[q], n, H);
  }
  blockedAtB(grads.W_hy.data, DZ, Hs.subarray(BH), n, K, H);
  colSum(grads.b_y.data, DZ, n, K);
  return { loss, grads };
}

/** gemmAtB over blocks of rows, so each block of A and B stays in cache while the tiles sweep it. */
function blockedAtB(G: Float64Array, A: Float64Array, Bm: Float64Array, n: number, rows: number, cols: number): void {
  const NB = 64;
  for (let r = 0; r < n; r += NB) {
    const m = Math.min(NB, n - r);
    gemmAtB(G, A.subarray(r * rows, (r + m) * rows), Bm.subarray(r * cols, (r + m) * cols), m, rows, cols);
  }
}

/** W^T of a [rows, cols] matrix, as [cols, rows]. */
function transpose(W: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = W[i * cols + j];
  return out;
}

function colSum(out: Float64Array, A: Float64Array, n: number, cols: number): void {
  for (let r = 0; r < n; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) out[j] += A[base + j];
  }
}
