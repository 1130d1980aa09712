// Matrix-matrix products: a batch's steps and the weight gradients' packed products.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F, madd, hsum, dot, axpy } from './simd';
import { matVecAdd } from './matvec';

/** Rows of the shared dimension per cache block in gemmRows: a block of A and of B stays in L2. */
const KB: i32 = 128;

/**
 * C[i*ldc + j] += Σ_l A[i*ai + l*al] · B[l*bl + j] for i < m, j < n, l < k (strides in f64s):
 * rows of B are contiguous in j, so 4x4 tiles of C run as 8 f64x2 accumulators. Serves A·B
 * (ai = k, al = 1) and the packed AᵀB (ai = 1, al = m).
 */
export function gemmRows(C: usize, ldc: i32, A: usize, ai: i32, al: i32, B: usize, bl: i32, m: i32, n: i32, k: i32): void {
  for (let l0 = 0; l0 < k; l0 += KB) {
    const kk = min(KB, k - l0);
    const Ab = A + <usize>l0 * <usize>al * F, Bb = B + <usize>l0 * <usize>bl * F;
    let i = 0;
    for (; i + 3 < m; i += 4) {
      let j = 0;
      for (; j + 3 < n; j += 4) tile4x4(C + (<usize>i * <usize>ldc + <usize>j) * F, ldc, Ab + <usize>i * <usize>ai * F, ai, al, Bb + <usize>j * F, bl, kk);
      for (; j < n; j++) for (let r = i; r < i + 4; r++) colDot(C + (<usize>r * <usize>ldc + <usize>j) * F, Ab + <usize>r * <usize>ai * F, al, Bb + <usize>j * F, bl, kk);
    }
    for (; i < m; i++) {
      const a = Ab + <usize>i * <usize>ai * F, c = C + <usize>i * <usize>ldc * F;
      for (let l = 0; l < kk; l++) axpy(c, Bb + <usize>l * <usize>bl * F, load<f64>(a + <usize>l * <usize>al * F), n);
    }
  }
}

/** c += Σ_l a[l*sa] b[l*sb] (strides in f64s). */
@inline function colDot(c: usize, a: usize, sa: i32, b: usize, sb: i32, n: i32): void {
  let s: f64 = 0;
  const da = <usize>sa * F, db = <usize>sb * F;
  for (let l = 0; l < n; l++, a += da, b += db) s += load<f64>(a) * load<f64>(b);
  store<f64>(c, load<f64>(c) + s);
}

/** One 4x4 tile of gemmRows over kk steps of the shared dimension. */
@inline function tile4x4(c: usize, ldc: i32, a: usize, ai: i32, al: i32, b: usize, bl: i32, kk: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const sa = <usize>ai * F, da = <usize>al * F, db = <usize>bl * F;
  for (let l = 0; l < kk; l++, a += da, b += db) {
    const b0 = v128.load(b), b1 = v128.load(b + 16);
    const a0 = v128.load64_splat(a), a1 = v128.load64_splat(a + sa), a2 = v128.load64_splat(a + 2 * sa), a3 = v128.load64_splat(a + 3 * sa);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
  }
  const rc = <usize>ldc * F;
  addTo(c, c00); addTo(c + 16, c01); c += rc;
  addTo(c, c10); addTo(c + 16, c11); c += rc;
  addTo(c, c20); addTo(c + 16, c21); c += rc;
  addTo(c, c30); addTo(c + 16, c31);
}

@inline function addTo(p: usize, v: v128): void {
  v128.store(p, f64x2.add(v128.load(p), v));
}

/**
 * C[m,n] += A[m,k] · W[n,k]ᵀ: rows of A against rows of W, both contiguous in k, as dot products
 * in 4x2 tiles of f64x2 partial sums.
 */
export function gemmABt(C: usize, A: usize, W: usize, m: i32, n: i32, k: i32): void {
  const rk = <usize>k * F;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = A + <usize>i * rk, a1 = a0 + rk, a2 = a1 + rk, a3 = a2 + rk;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const w0 = W + <usize>j * rk, w1 = w0 + rk;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
      let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
      let l = 0;
      for (; l + 1 < k; l += 2) {
        const o = <usize>l * F;
        const x0 = v128.load(w0 + o), x1 = v128.load(w1 + o);
        const y0 = v128.load(a0 + o), y1 = v128.load(a1 + o), y2 = v128.load(a2 + o), y3 = v128.load(a3 + o);
        s00 = madd(y0, x0, s00);
        s01 = madd(y0, x1, s01);
        s10 = madd(y1, x0, s10);
        s11 = madd(y1, x1, s11);
        s20 = madd(y2, x0, s20);
        s21 = madd(y2, x1, s21);
        s30 = madd(y3, x0, s30);
        s31 = madd(y3, x1, s31);
      }
      let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
      let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
      if (l < k) {
        const o = <usize>l * F;
        const x0 = load<f64>(w0 + o), x1 = load<f64>(w1 + o);
        const y0 = load<f64>(a0 + o), y1 = load<f64>(a1 + o), y2 = load<f64>(a2 + o), y3 = load<f64>(a3 + o);
        t00 += y0 * x0; t01 += y0 * x1; t10 += y1 * x0; t11 += y1 * x1;
        t20 += y2 * x0; t21 += y2 * x1; t30 += y3 * x0; t31 += y3 * x1;
      }
      const rc = <usize>n * F;
      let c = C + (<usize>i * <usize>n + <usize>j) * F;
      store<f64>(c, load<f64>(c) + t00); store<f64>(c + 8, load<f64>(c + 8) + t01); c += rc;
      store<f64>(c, load<f64>(c) + t10); store<f64>(c + 8, load<f64>(c + 8) + t11); c += rc;
      store<f64>(c, load<f64>(c) + t20); store<f64>(c + 8, load<f64>(c + 8) + t21); c += rc;
      store<f64>(c, load<f64>(c) + t30); store<f64>(c + 8, load<f64>(c + 8) + t31);
    }
    if (j < n) {
      const w = W + <usize>j * rk;
      for (let r = 0; r < 4; r++) {
        const c = C + (<usize>(i + r) * <usize>n + <usize>j) * F;
        store<f64>(c, load<f64>(c) + dot(a0 + <usize>r * rk, w, k));
      }
    }
  }
  for (; i < m; i++) matVecAdd(C + <usize>i * <usize>n * F, W, n, k, A + <usize>i * rk);
}
