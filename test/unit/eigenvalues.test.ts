/**
 * The eigenvalues the spectral radius comes from (Hessenberg + Francis QR, values only, in steps a
 * worker can slice) against ml-matrix's EigenvalueDecomposition (JAMA's orthes + hqr2, computed
 * apart) on random nonsymmetric matrices, and against eigenvalues known by construction.
 */
import { EigenvalueDecomposition, Matrix, inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine';
import { eigenvalues, hessenberg } from '../../src/engine/flow/eigenvalues';
import { spectralRadius } from '../../src/engine/flow/spectral';

type C = [number, number];

/** Every eigenvalue of ours matched to its nearest unmatched reference one: the largest distance. */
function mismatch(ours: C[], ref: C[]): number {
  const left = [...ref];
  let worst = 0;
  for (const [a, b] of ours) {
    let best = 0;
    left.forEach(([c, d], i) => {
      if (Math.hypot(a - c, b - d) < Math.hypot(a - left[best][0], b - left[best][1])) best = i;
    });
    worst = Math.max(worst, Math.hypot(a - left[best][0], b - left[best][1]));
    left.splice(best, 1);
  }
  return worst;
}

const ours = (M: Float64Array, n: number): C[] => {
  const { re, im } = eigenvalues(M, n);
  return Array.from(re, (x, i) => [x, im[i]] as C);
};

function reference(M: Float64Array, n: number): C[] {
  const evd = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(M.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: false });
  return evd.realEigenvalues.map((x, i) => [x, evd.imaginaryEigenvalues[i]] as C);
}

const frob = (M: Float64Array): number => Math.sqrt(M.reduce((a, v) => a + v * v, 0));

describe('eigenvalues of a real matrix', () => {
  it('random nonsymmetric matrices (complex pairs included): those of an independent decomposition, to 1e-12 of the norm', () => {
    const rng = new Rng(4);
    for (const n of [2, 3, 5, 8, 17, 40, 64, 129]) {
      const M = Float64Array.from({ length: n * n }, () => rng.normal());
      const got = ours(M, n);
      if (n >= 17) expect(got.some(([, b]) => b !== 0), `n=${n} has complex pairs`).toBe(true);
      expect(mismatch(got, reference(M, n)) / frob(M), `n=${n}`).toBeLessThan(1e-12);
    }
  });

  it('known eigenvalues: a block diagonal of rotations scaled by ρ_i, hidden by a similarity transform', () => {
    // Blocks ρ [[cos θ, -sin θ], [sin θ, cos θ]] have eigenvalues ρ e^{±iθ}; Q B Q⁻¹ with Q = I + 0.3 N keeps them.
    const rng = new Rng(9);
    const blocks: [number, number][] = [[1.3, 0.7], [0.5, 2.1], [0.9, 0.2], [1.1, 1.5]];
    const n = 2 * blocks.length;
    const B = new Matrix(n, n);
    blocks.forEach(([rho, th], b) => {
      B.set(2 * b, 2 * b, rho * Math.cos(th));
      B.set(2 * b, 2 * b + 1, -rho * Math.sin(th));
      B.set(2 * b + 1, 2 * b, rho * Math.sin(th));
      B.set(2 * b + 1, 2 * b + 1, rho * Math.cos(th));
    });
    const Q = Matrix.eye(n, n).add(Matrix.from1DArray(n, n, Array.from({ length: n * n }, () => 0.3 * rng.normal())));
    const M = Float64Array.from(Q.mmul(B).mmul(inverse(Q)).to1DArray());
    const expected: C[] = blocks.flatMap(([rho, th]) => [[rho * Math.cos(th), rho * Math.sin(th)], [rho * Math.cos(th), -rho * Math.sin(th)]] as C[]);
    expect(mismatch(ours(M, n), expected)).toBeLessThan(1e-12);
  });

  it('triangular, zero and defective matrices: the diagonal', () => {
    const T = Float64Array.from([2, 5, -1, 0, -3, 4, 0, 0, 0.5]);
    expect(mismatch(ours(T, 3), [[2, 0], [-3, 0], [0.5, 0]])).toBeLessThan(1e-14);
    expect(ours(new Float64Array(16), 4)).toEqual(Array.from({ length: 4 }, () => [0, 0]));
    const J = Float64Array.from([1, 1, 0, 1]); // a Jordan block: 1 twice
    expect(mismatch(ours(J, 2), [[1, 0], [1, 0]])).toBeLessThan(1e-14);
  });

  it('a matrix with a NaN or an infinity (diverged weights) has no spectral radius: NaN, at once', () => {
    const W = (v: number) => ({ shape: [3, 3], data: Float64Array.from([0.5, 0, 0, 0, v, 0, 0, 0, 0.2]) });
    expect(spectralRadius(W(NaN))).toBeNaN();
    expect(spectralRadius(W(Infinity))).toBeNaN();
    expect(spectralRadius(W(0.7))).toBeCloseTo(0.7, 14);
  });

  it('the reduction leaves an upper Hessenberg matrix with the same trace and Frobenius norm', () => {
    const rng = new Rng(2);
    const n = 12;
    const M = Float64Array.from({ length: n * n }, () => rng.normal());
    const A = Float64Array.from(M);
    let ticks = 0;
    hessenberg(A, n, () => ticks++);
    for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) expect(A[i * n + j]).toBe(0);
    const trace = (X: Float64Array) => Array.from({ length: n }, (_, i) => X[i * n + i]).reduce((a, b) => a + b, 0);
    expect(Math.abs(trace(A) - trace(M))).toBeLessThan(1e-12);
    expect(Math.abs(frob(A) - frob(M)) / frob(M)).toBeLessThan(1e-14);
    expect(ticks).toBe(n - 2); // one tick a column
  });
});
