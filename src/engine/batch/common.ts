/**
 * What every batched cell shares: the batch laid out as [B, ·] row blocks per timestep (row (t, b)
 * at t·B + b), the output layer and its loss over a block, and the parameter gradients as packed
 * AᵀB products over all T·B rows at once.
 */
import type { BpttConfig, ModelConfig, Params, Sequence } from '../types';
import { lossScale } from '../bptt';
import { outputFromLogits } from '../output';
import { gemmABt, gemmAtBStrided } from '../linalg';

/** Per state name (h; the lstm's c), one vector per sequence of the batch: where each starts or ends. */
export type BatchState = Record<string, Float64Array[]>;

export interface BatchResult {
  /** The sum over the batch of each sequence's (reduced) loss. */
  loss: number;
  /** The sum over the batch of each sequence's gradient. */
  grads: Params;
  /** The state after the last step, per sequence. */
  end: BatchState;
}

/** The batch's shared facts: sizes, packed inputs X [T·B, D], and per-sequence loss scales. */
export interface BatchShape {
  B: number;
  T: number;
  D: number;
  H: number;
  K: number;
  X: Float64Array;
  scales: number[];
}

export function batchShape(config: ModelConfig, bptt: BpttConfig, seqs: Sequence[]): BatchShape {
  if (bptt.truncate === 'window') throw new Error('batched training supports truncate none and chunks, not window');
  const B = seqs.length, T = seqs[0]?.inputs.length ?? 0;
  if (B === 0 || T === 0) throw new Error('a batch needs at least one sequence of at least one step');
  if (seqs.some((s) => s.inputs.length !== T)) throw new Error('the sequences of a batch must have one length');
  const { D, H, K } = config;
  const X = new Float64Array(T * B * D);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) X.set(seqs[b].inputs[t], (t * B + b) * D);
  return { B, T, D, H, K, X, scales: seqs.map((s) => lossScale(config, s)) };
}

/** Rows of states, [B, H] per step: block 0 holds the initial states. */
export function stateRows(rows: Float64Array[], T: number, H: number): Float64Array {
  const B = rows.length;
  const S = new Float64Array((T + 1) * B * H);
  rows.forEach((r, b) => S.set(r, b * H));
  return S;
}

/** The rows of block t of a [·, width] row-block buffer. */
export function block(A: Float64Array, t: number, rows: number, width: number): Float64Array {
  return A.subarray(t * rows * width, (t + 1) * rows * width);
}

/** Fills a [B, n] block with the same bias row. */
export function fillRows(out: Float64Array, bias: Float64Array, B: number): void {
  for (let b = 0; b < B; b++) out.set(bias, b * bias.length);
}

/** The rows of several parameters stacked into one matrix (e.g. W_hi..W_ho as [4H, H]). */
export function stack(p: Params, names: string[]): Float64Array {
  const out = new Float64Array(names.reduce((a, n) => a + p[n].data.length, 0));
  let o = 0;
  for (const n of names) {
    out.set(p[n].data, o);
    o += p[n].data.length;
  }
  return out;
}

/** Adds consecutive slices of a stacked gradient back into the named parameters' gradients. */
export function unstackInto(grads: Params, names: string[], G: Float64Array): void {
  let o = 0;
  for (const n of names) {
    const g = grads[n].data;
    for (let i = 0; i < g.length; i++) g[i] += G[o + i];
    o += g.length;
  }
}

/**
 * The output layer over step t's block: z = W_hy h + b_y per row, each row's loss and dL/dz (scaled
 * by its sequence's reduction) into DZ's block t. Returns the block's loss.
 */
export function outputBlock(config: ModelConfig, p: Params, s: BatchShape, seqs: Sequence[], t: number, Hrows: Float64Array, DZ: Float64Array): number {
  const { B, H, K } = s;
  const Z = new Float64Array(B * K);
  fillRows(Z, p.b_y.data, B);
  gemmABt(Z, Hrows, p.W_hy.data, B, K, H); // [B,H] · W_hy[K,H]ᵀ
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const o = outputFromLogits(Z.subarray(b * K, (b + 1) * K), K, config.output, config.loss, seqs[b].targets[t]);
    if (o.loss !== null) loss += o.loss * s.scales[b];
    const row = (t * B + b) * K;
    for (let k = 0; k < K; k++) DZ[row + k] = o.dz[k] * s.scales[b];
  }
  return loss;
}

/** dL/dh_t from the outputs of block t: dh += DZ_t · W_hy ([B,K] · [K,H]), given W_hyT = W_hyᵀ. */
export function dhFromOutput(dh: Float64Array, WyT: Float64Array, s: BatchShape, DZ: Float64Array, t: number): void {
  gemmABt(dh, block(DZ, t, s.B, s.K), WyT, s.B, s.H, s.K);
}

/**
 * Wᵀ of a [rows, cols] matrix, as [cols, rows]. The backward's products A·W run as A·(Wᵀ)ᵀ: the
 * dot-product kernel over contiguous rows was the faster of the two on this machine.
 */
export function transpose(W: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = W[i * cols + j];
  return out;
}

/** Whether the backward sweep cuts what flows from the future at step index t (chunks truncation). */
export function cutsAt(bptt: BpttConfig, t: number): boolean {
  return bptt.truncate === 'chunks' && (t + 1) % bptt.k === 0;
}

/**
 * G[rows, cols] += Σ_r A[r, a0 .. a0+rows) ⊗ Bm[r, ·] over n rows: a parameter gradient from a
 * column range of a stacked gate-gradient buffer (row length lda) and saved inputs (row length cols).
 */
export function atb(G: Float64Array, A: Float64Array, lda: number, a0: number, Bm: Float64Array, n: number, rows: number, cols: number): void {
  gemmAtBStrided(G, A.subarray(a0), lda, Bm, cols, n, rows, cols);
}

/** out[j] += Σ_r A[r, a0 + j] over n rows of length lda. */
export function colSum(out: Float64Array, A: Float64Array, lda: number, a0: number, n: number): void {
  const w = out.length;
  for (let r = 0; r < n; r++) {
    const base = r * lda + a0;
    for (let j = 0; j < w; j++) out[j] += A[base + j];
  }
}

/** The output layer's gradients: W_hy from DZ and h_1..h_T, b_y from DZ. */
export function outputGrads(grads: Params, s: BatchShape, DZ: Float64Array, Hs: Float64Array): void {
  const n = s.T * s.B;
  atb(grads.W_hy.data, DZ, s.K, 0, Hs.subarray(s.B * s.H), n, s.K, s.H);
  colSum(grads.b_y.data, DZ, s.K, 0, n);
}

/** The last block's rows as one state vector per sequence. */
export function lastRows(S: Float64Array, T: number, B: number, H: number): Float64Array[] {
  return Array.from({ length: B }, (_, b) => S.slice((T * B + b) * H, (T * B + b + 1) * H));
}
