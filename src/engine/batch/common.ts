/**
 * What every batched cell shares: the batch laid out as [B, ·] row blocks per timestep (row (t, b)
 * at t·B + b), stacked gate matrices, and the parameter gradients as packed AᵀB products over all
 * T·B rows at once.
 */
import type { Params } from '../types';
import type { BatchState } from '../cells/cell';
import { gemmAtBStrided } from '../linalg';

export type { BatchState } from '../cells/cell';

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
 * Wᵀ of a [rows, cols] matrix, as [cols, rows]. The backward's products A·W run as A·(Wᵀ)ᵀ: the
 * dot-product kernel over contiguous rows was the faster of the two on this machine.
 */
export function transpose(W: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = W[i * cols + j];
  return out;
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

/** The last block's rows as one state vector per sequence. */
export function lastRows(S: Float64Array, T: number, B: number, H: number): Float64Array[] {
  return Array.from({ length: B }, (_, b) => S.slice((T * B + b) * H, (T * B + b + 1) * H));
}

/** dh = dL/dh_t in total: what flows from step t+2 (dhNext, zeroed at a cut) plus block t of dH from outside. */
export function totalDh(dhNext: Float64Array, dH: Float64Array, t: number): Float64Array {
  const n = dhNext.length, o = t * n;
  for (let k = 0; k < n; k++) dhNext[k] += dH[o + k];
  return dhNext;
}
