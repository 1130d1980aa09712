/**
 * Spectral radius and spectral norm. Up to SPECTRAL_EXACT_MAX rows and columns, exact up to floating
 * point: the norm as sqrt(λmax(A Aᵀ)) by Householder tridiagonalisation and Sturm bisection, the
 * radius from the eigenvalues (eigenvalues.ts: Hessenberg + Francis QR, in steps a worker can slice).
 * Those cost O(n³) (a minute at n = 1200), so above it a bounded Krylov method estimates them
 * (krylov.ts: Lanczos for the norm, Arnoldi for the radius; O(m·n²) with m = KRYLOV_STEPS).
 */
import type { Tensor } from '../types';
import { arnoldiRadius, lanczosNorm } from './krylov';
import { eigenvalues, type Tick } from './eigenvalues';

/** Matrices up to this size (the smaller side, for the norm) get the exact O(n³) methods. */
export const SPECTRAL_EXACT_MAX = 320;

/** Whether spectralNorm / spectralRadius of a rows×cols matrix is a Krylov estimate rather than exact. */
export function spectralIsEstimated(rows: number, cols: number): boolean {
  return Math.min(rows, cols) > SPECTRAL_EXACT_MAX;
}

/** Largest eigenvalue of a symmetric n×n matrix (row-major; overwritten). Accurate to ~n·eps·‖A‖. tick: after each column. */
export function symmetricMaxEigenvalue(A: Float64Array, n: number, tick?: Tick): number {
  if (n === 0) return 0;
  if (n === 1) return A[0];
  const d = new Float64Array(n), e = new Float64Array(n - 1);
  const v = new Float64Array(n), p = new Float64Array(n);
  // Householder: for each column k, reflect rows k+1..n-1 so that column k is zero below k+1.
  for (let k = 0; k < n - 2; k++) {
    const m0 = k + 1;
    let s = 0;
    for (let i = m0; i < n; i++) s += A[i * n + k] * A[i * n + k];
    const xNorm = Math.sqrt(s);
    const x0 = A[m0 * n + k];
    const alpha = x0 > 0 ? -xNorm : xNorm;
    let tail = 0;
    for (let i = m0 + 1; i < n; i++) tail += A[i * n + k] * A[i * n + k];
    if (tail === 0) {
      e[k] = x0; // already tridiagonal in this column
      continue;
    }
    // v = x - alpha e_1, normalised; H = I - 2 v vᵀ maps x to alpha e_1.
    v.fill(0);
    for (let i = m0; i < n; i++) v[i] = A[i * n + k];
    v[m0] -= alpha;
    let vn = 0;
    for (let i = m0; i < n; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    for (let i = m0; i < n; i++) v[i] /= vn;
    // Trailing block B (rows/cols m0..n-1): B <- H B H = B - v wᵀ - w vᵀ, w = 2p - 2(vᵀp) v, p = B v.
    let K = 0;
    for (let i = m0; i < n; i++) {
      let t = 0;
      for (let j = m0; j < n; j++) t += A[i * n + j] * v[j];
      p[i] = t;
      K += v[i] * t;
    }
    for (let i = m0; i < n; i++) p[i] = 2 * p[i] - 2 * K * v[i]; // p now holds w
    for (let i = m0; i < n; i++) {
      const vi = v[i], wi = p[i];
      for (let j = m0; j < n; j++) A[i * n + j] -= vi * p[j] + wi * v[j];
    }
    e[k] = alpha;
    tick?.(4 * (n - m0) * (n - m0));
  }
  e[n - 2] = A[(n - 1) * n + (n - 2)];
  for (let i = 0; i < n; i++) d[i] = A[i * n + i];
  return tridiagonalMaxEigenvalue(d, e);
}

/** Largest eigenvalue of the symmetric tridiagonal matrix (diagonal d, off-diagonal e), by bisection. */
export function tridiagonalMaxEigenvalue(d: Float64Array, e: Float64Array): number {
  const n = d.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0);
    lo = Math.min(lo, d[i] - r);
    hi = Math.max(hi, d[i] + r);
  }
  const e2 = Float64Array.from(e, (x) => x * x);
  // A pivot this small counts as -pivmin, as LAPACK's dstebz does.
  const pivmin = Math.max(Number.MIN_VALUE, Number.EPSILON * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi)));
  // below(x) = the number of eigenvalues < x (Sturm sequence count of negative pivots of T - xI).
  const below = (x: number): number => {
    let count = 0;
    let q = d[0] - x;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
    for (let i = 1; i < n; i++) {
      q = d[i] - x - e2[i - 1] / q;
      if (Math.abs(q) < pivmin) q = -pivmin;
      if (q < 0) count++;
    }
    return count;
  };
  // λmax is the least x with below(x) = n.
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (below(mid) === n) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * ‖M‖_2 of an m×n row-major matrix: sqrt(λmax) of the smaller Gram matrix, after scaling by the
 * largest entry so that neither tiny nor huge products under- or overflow.
 */
export function matrixSpectralNorm(M: Float64Array, rows: number, cols: number, tick?: Tick): number {
  let amax = 0;
  for (let i = 0; i < M.length; i++) amax = Math.max(amax, Math.abs(M[i]));
  if (amax === 0 || !Number.isFinite(amax)) return amax;
  if (spectralIsEstimated(rows, cols)) return lanczosNorm(M, rows, cols, amax);
  const s = 1 / amax;
  const byRows = rows <= cols; // Gram of the rows (M Mᵀ: rows×rows) or of the columns (Mᵀ M)
  const n = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const X = new Float64Array(n * len); // the vectors whose Gram matrix we form, scaled
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const val = M[i * cols + j] * s;
      if (byRows) X[i * len + j] = val;
      else X[j * len + i] = val;
    }
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let t = 0;
      const ia = a * len, ib = b * len;
      for (let q = 0; q < len; q++) t += X[ia + q] * X[ib + q];
      G[a * n + b] = t;
      G[b * n + a] = t;
    }
    tick?.((n - a) * len);
  }
  return Math.sqrt(Math.max(0, symmetricMaxEigenvalue(G, n, tick))) * amax;
}

/** Spectral norm (largest singular value) of a matrix; a vector [n] counts as a column. tick: between steps of the work. */
export function spectralNorm(W: Tensor, tick?: Tick): number {
  const [rows, cols] = W.shape.length === 2 ? W.shape : [W.shape[0] ?? W.data.length, 1];
  return matrixSpectralNorm(W.data, rows, cols, tick);
}

/** Spectral radius (largest |eigenvalue|) of a square matrix, nonsymmetric included; tick: between steps of the work (eigenvalues.ts). */
export function spectralRadius(W: Tensor, tick?: Tick): number {
  const n = W.shape[0];
  if (W.shape.length !== 2 || W.shape[1] !== n) throw new RangeError(`spectralRadius needs a square matrix, got [${W.shape.join(',')}]`);
  if (n === 0) return 0;
  if (n === 1) return Math.abs(W.data[0]);
  if (!W.data.every(Number.isFinite)) return NaN; // diverged weights: no eigenvalue to speak of (the QR sweeps would not converge)
  if (spectralIsEstimated(n, n)) return arnoldiRadius(W.data, n);
  const { re, im } = eigenvalues(W.data, n, tick);
  let r = 0;
  re.forEach((x, i) => (r = Math.max(r, Math.hypot(x, im[i]))));
  return r;
}
