/**
 * Bounded estimates of a large matrix's spectral norm and spectral radius, by Krylov subspaces of
 * at most KRYLOV_STEPS vectors: O(m·n²) multiply-adds where the exact methods take O(n³).
 * The start vector is fixed (deterministic); vectors are re-orthogonalised in full, which keeps
 * the small projected matrices faithful at this m.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { tridiagonalMaxEigenvalue } from './spectral';

/** Krylov vectors at most (the budget: m mat-vecs and m² n for orthogonalisation). */
export const KRYLOV_STEPS = 80;

/** A fixed start vector with no special structure (not all ones, which a structured matrix may annihilate). */
function start(n: number): Float64Array {
  const v = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    v[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3);
    s += v[i] * v[i];
  }
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < n; i++) v[i] *= inv;
  return v;
}

/** Orthogonalises w against the basis (twice: classical Gram-Schmidt re-done), returning the coefficients. */
function orthogonalise(w: Float64Array, basis: Float64Array[]): Float64Array {
  const h = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < basis.length; j++) {
      const q = basis[j];
      let d = 0;
      for (let i = 0; i < w.length; i++) d += q[i] * w[i];
      h[j] += d;
      for (let i = 0; i < w.length; i++) w[i] -= d * q[i];
    }
  }
  return h;
}

const norm = (v: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
};

/**
 * ‖M‖_2 of a rows×cols row-major matrix (entries scaled by 1/amax first): Lanczos on MᵀM, whose
 * largest Ritz value converges to σ_max² from below, quickly at the edge of the spectrum.
 */
export function lanczosNorm(M: Float64Array, rows: number, cols: number, amax: number): number {
  const s = 1 / amax;
  const m = Math.min(KRYLOV_STEPS, cols);
  const basis: Float64Array[] = [start(cols)];
  const alpha: number[] = [];
  const beta: number[] = [];
  const u = new Float64Array(rows);
  for (let k = 0; k < m; k++) {
    const q = basis[k];
    // w = Mᵀ (M q), scaled: u = M q, w = Mᵀ u.
    for (let i = 0; i < rows; i++) {
      let t = 0;
      const row = i * cols;
      for (let j = 0; j < cols; j++) t += M[row + j] * q[j];
      u[i] = t * s;
    }
    const w = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const ui = u[i] * s;
      const row = i * cols;
      for (let j = 0; j < cols; j++) w[j] += M[row + j] * ui;
    }
    const h = orthogonalise(w, basis);
    alpha.push(h[k]);
    const b = norm(w);
    if (k === m - 1 || b < 1e-12 * Math.abs(alpha[0] || 1)) break;
    beta.push(b);
    for (let j = 0; j < cols; j++) w[j] /= b;
    basis.push(w);
  }
  const lmax = tridiagonalMaxEigenvalue(Float64Array.from(alpha), Float64Array.from(beta.slice(0, alpha.length - 1)));
  return Math.sqrt(Math.max(0, lmax)) * amax;
}

/**
 * ρ(W) of an n×n row-major matrix, estimated: Arnoldi's Hessenberg matrix of m steps, and the
 * largest modulus of its eigenvalues (Ritz values), which approach the outermost eigenvalues.
 */
export function arnoldiRadius(W: Float64Array, n: number): number {
  const m = Math.min(KRYLOV_STEPS, n);
  const basis: Float64Array[] = [start(n)];
  const Hm = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  let size = m;
  for (let k = 0; k < m; k++) {
    const q = basis[k];
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) t += W[row + j] * q[j];
      w[i] = t;
    }
    const h = orthogonalise(w, basis);
    for (let j = 0; j <= k; j++) Hm[j][k] = h[j];
    const b = norm(w);
    if (k === m - 1) break;
    if (b < 1e-12) {
      size = k + 1; // an invariant subspace: its Ritz values are eigenvalues
      break;
    }
    Hm[k + 1][k] = b;
    for (let i = 0; i < n; i++) w[i] /= b;
    basis.push(w);
  }
  const small = new Matrix(Hm.slice(0, size).map((r) => r.slice(0, size)));
  const evd = new EigenvalueDecomposition(small, { assumeSymmetric: false });
  let r = 0;
  evd.realEigenvalues.forEach((re, i) => (r = Math.max(r, Math.hypot(re, evd.imaginaryEigenvalues[i]))));
  return r;
}
