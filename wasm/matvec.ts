// Matrix-vector products (a step of the single-sequence trace) and the panel transpose the
// packed gradient product streams from.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F, madd, hsum, dot, axpy } from './simd';

/**
 * out[i] += Σ_j W[i,j] x[j]    W: [rows, cols] · x: [cols] -> out: [rows]. Six rows, then four, at a
 * time, each row's sum formed alike (its column pairs in one f64x2, the lanes added, then an odd last
 * column), so a row's bits never depend on its block. Six, not eight: eight accumulators with eight
 * loaded rows exceed x64's sixteen xmm registers, and V8 then spilled accumulators to the stack every
 * iteration (1.7x slower on a 1024x256 matrix here); the rows are addressed from one base.
 */
export function matVecAdd(out: usize, W: usize, rows: i32, cols: i32, x: usize): void {
  const rowBytes = <usize>cols * F;
  const pairs = cols & ~1;
  const xe = x + <usize>pairs * F;
  const rb2 = 2 * rowBytes, rb3 = 3 * rowBytes, rb4 = 4 * rowBytes, rb5 = 5 * rowBytes;
  let i = 0;
  for (; i + 5 < rows; i += 6) {
    const r0 = W + <usize>i * rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0), s4 = f64x2.splat(0), s5 = f64x2.splat(0);
    let p = r0;
    for (let xp = x; xp < xe; xp += 16, p += 16) {
      const xv = v128.load(xp);
      s0 = madd(v128.load(p), xv, s0);
      s1 = madd(v128.load(p + rowBytes), xv, s1);
      s2 = madd(v128.load(p + rb2), xv, s2);
      s3 = madd(v128.load(p + rb3), xv, s3);
      s4 = madd(v128.load(p + rb4), xv, s4);
      s5 = madd(v128.load(p + rb5), xv, s5);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3), t4 = hsum(s4), t5 = hsum(s5);
    if (pairs < cols) {
      const xj = load<f64>(xe);
      t0 += load<f64>(p) * xj;
      t1 += load<f64>(p + rowBytes) * xj;
      t2 += load<f64>(p + rb2) * xj;
      t3 += load<f64>(p + rb3) * xj;
      t4 += load<f64>(p + rb4) * xj;
      t5 += load<f64>(p + rb5) * xj;
    }
    const o = out + <usize>i * F;
    store<f64>(o, load<f64>(o) + t0);
    store<f64>(o + 8, load<f64>(o + 8) + t1);
    store<f64>(o + 16, load<f64>(o + 16) + t2);
    store<f64>(o + 24, load<f64>(o + 24) + t3);
    store<f64>(o + 32, load<f64>(o + 32) + t4);
    store<f64>(o + 40, load<f64>(o + 40) + t5);
  }
  for (; i + 3 < rows; i += 4) {
    const r0 = W + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const xv = v128.load(x + o);
      s0 = madd(v128.load(r0 + o), xv, s0);
      s1 = madd(v128.load(r1 + o), xv, s1);
      s2 = madd(v128.load(r2 + o), xv, s2);
      s3 = madd(v128.load(r3 + o), xv, s3);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    if (j < cols) {
      const o = <usize>j * F;
      const xj = load<f64>(x + o);
      t0 += load<f64>(r0 + o) * xj;
      t1 += load<f64>(r1 + o) * xj;
      t2 += load<f64>(r2 + o) * xj;
      t3 += load<f64>(r3 + o) * xj;
    }
    const p = out + <usize>i * F;
    store<f64>(p, load<f64>(p) + t0);
    store<f64>(p + 8, load<f64>(p + 8) + t1);
    store<f64>(p + 16, load<f64>(p + 16) + t2);
    store<f64>(p + 24, load<f64>(p + 24) + t3);
  }
  for (; i < rows; i++) {
    const r = W + <usize>i * rowBytes;
    const p = out + <usize>i * F;
    store<f64>(p, load<f64>(p) + dot(r, x, cols));
  }
}

/** outA += A x, outB += B x with A, B: [rows, cols]: two products over one x. */
export function matVecAdd2(outA: usize, A: usize, outB: usize, B: usize, rows: i32, cols: i32, x: usize): void {
  const rowBytes = <usize>cols * F;
  const pairs = cols & ~1;
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const a0 = A + <usize>i * rowBytes, a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
    const b0 = B + <usize>i * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const xv = v128.load(x + o);
      s0 = madd(v128.load(a0 + o), xv, s0);
      s1 = madd(v128.load(a1 + o), xv, s1);
      s2 = madd(v128.load(a2 + o), xv, s2);
      s3 = madd(v128.load(a3 + o), xv, s3);
      s4 = madd(v128.load(b0 + o), xv, s4);
      s5 = madd(v128.load(b1 + o), xv, s5);
      s6 = madd(v128.load(b2 + o), xv, s6);
      s7 = madd(v128.load(b3 + o), xv, s7);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3), t4 = hsum(s4), t5 = hsum(s5), t6 = hsum(s6), t7 = hsum(s7);
    if (j < cols) {
      const o = <usize>j * F;
      const xj = load<f64>(x + o);
      t0 += load<f64>(a0 + o) * xj;
      t1 += load<f64>(a1 + o) * xj;
      t2 += load<f64>(a2 + o) * xj;
      t3 += load<f64>(a3 + o) * xj;
      t4 += load<f64>(b0 + o) * xj;
      t5 += load<f64>(b1 + o) * xj;
      t6 += load<f64>(b2 + o) * xj;
      t7 += load<f64>(b3 + o) * xj;
    }
    const pa = outA + <usize>i * F, pb = outB + <usize>i * F;
    store<f64>(pa, load<f64>(pa) + t0);
    store<f64>(pa + 8, load<f64>(pa + 8) + t1);
    store<f64>(pa + 16, load<f64>(pa + 16) + t2);
    store<f64>(pa + 24, load<f64>(pa + 24) + t3);
    store<f64>(pb, load<f64>(pb) + t4);
    store<f64>(pb + 8, load<f64>(pb + 8) + t5);
    store<f64>(pb + 16, load<f64>(pb + 16) + t6);
    store<f64>(pb + 24, load<f64>(pb + 24) + t7);
  }
  for (; i + 1 < rows; i += 2) {
    const a0 = A + <usize>i * rowBytes, a1 = a0 + rowBytes, b0 = B + <usize>i * rowBytes, b1 = b0 + rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const xv = v128.load(x + o);
      s0 = madd(v128.load(a0 + o), xv, s0);
      s1 = madd(v128.load(a1 + o), xv, s1);
      s2 = madd(v128.load(b0 + o), xv, s2);
      s3 = madd(v128.load(b1 + o), xv, s3);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    if (j < cols) {
      const o = <usize>j * F;
      const xj = load<f64>(x + o);
      t0 += load<f64>(a0 + o) * xj;
      t1 += load<f64>(a1 + o) * xj;
      t2 += load<f64>(b0 + o) * xj;
      t3 += load<f64>(b1 + o) * xj;
    }
    const pa = outA + <usize>i * F, pb = outB + <usize>i * F;
    store<f64>(pa, load<f64>(pa) + t0);
    store<f64>(pa + 8, load<f64>(pa + 8) + t1);
    store<f64>(pb, load<f64>(pb) + t2);
    store<f64>(pb + 8, load<f64>(pb + 8) + t3);
  }
  if (i < rows) {
    const pa = outA + <usize>i * F, pb = outB + <usize>i * F;
    store<f64>(pa, load<f64>(pa) + dot(A + <usize>i * rowBytes, x, cols));
    store<f64>(pb, load<f64>(pb) + dot(B + <usize>i * rowBytes, x, cols));
  }
}

/** out[j] += Σ_i W[i,j] v[i]    Wᵀ: [cols, rows] · v: [rows] -> out: [cols]. Four rows at a time. */
export function matTVecAdd(out: usize, W: usize, rows: i32, cols: i32, v: usize): void {
  const rowBytes = <usize>cols * F;
  const pairs = cols & ~1;
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = W + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    const vi = v + <usize>i * F;
    const v0s = load<f64>(vi), v1s = load<f64>(vi + 8), v2s = load<f64>(vi + 16), v3s = load<f64>(vi + 24);
    const v0 = f64x2.splat(v0s), v1 = f64x2.splat(v1s), v2 = f64x2.splat(v2s), v3 = f64x2.splat(v3s);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const s = f64x2.add(
        f64x2.add(f64x2.mul(v128.load(r0 + o), v0), f64x2.mul(v128.load(r1 + o), v1)),
        f64x2.add(f64x2.mul(v128.load(r2 + o), v2), f64x2.mul(v128.load(r3 + o), v3)),
      );
      v128.store(out + o, f64x2.add(v128.load(out + o), s));
    }
    if (j < cols) {
      const o = <usize>j * F;
      store<f64>(out + o, load<f64>(out + o) + (load<f64>(r0 + o) * v0s + load<f64>(r1 + o) * v1s + (load<f64>(r2 + o) * v2s + load<f64>(r3 + o) * v3s)));
    }
  }
  for (; i < rows; i++) axpy(out, W + <usize>i * rowBytes, load<f64>(v + <usize>i * F), cols);
}

/** out[j] += Σ_i A[i,j] u[i] + B[i,j] v[i]: two transposed products into one output. */
export function matTVecAdd2(out: usize, A: usize, u: usize, B: usize, v: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols * F;
  const pairs = cols & ~1;
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const a0 = A + <usize>i * rowBytes, a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
    const b0 = B + <usize>i * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
    const ui = u + <usize>i * F, vi = v + <usize>i * F;
    const u0s = load<f64>(ui), u1s = load<f64>(ui + 8), u2s = load<f64>(ui + 16), u3s = load<f64>(ui + 24);
    const v0s = load<f64>(vi), v1s = load<f64>(vi + 8), v2s = load<f64>(vi + 16), v3s = load<f64>(vi + 24);
    const u0 = f64x2.splat(u0s), u1 = f64x2.splat(u1s), u2 = f64x2.splat(u2s), u3 = f64x2.splat(u3s);
    const v0 = f64x2.splat(v0s), v1 = f64x2.splat(v1s), v2 = f64x2.splat(v2s), v3 = f64x2.splat(v3s);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const sa = f64x2.add(
        f64x2.add(f64x2.mul(v128.load(a0 + o), u0), f64x2.mul(v128.load(a1 + o), u1)),
        f64x2.add(f64x2.mul(v128.load(a2 + o), u2), f64x2.mul(v128.load(a3 + o), u3)),
      );
      const sb = f64x2.add(
        f64x2.add(f64x2.mul(v128.load(b0 + o), v0), f64x2.mul(v128.load(b1 + o), v1)),
        f64x2.add(f64x2.mul(v128.load(b2 + o), v2), f64x2.mul(v128.load(b3 + o), v3)),
      );
      v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.add(sa, sb)));
    }
    if (j < cols) {
      const o = <usize>j * F;
      const sa = load<f64>(a0 + o) * u0s + load<f64>(a1 + o) * u1s + (load<f64>(a2 + o) * u2s + load<f64>(a3 + o) * u3s);
      const sb = load<f64>(b0 + o) * v0s + load<f64>(b1 + o) * v1s + (load<f64>(b2 + o) * v2s + load<f64>(b3 + o) * v3s);
      store<f64>(out + o, load<f64>(out + o) + (sa + sb));
    }
  }
  for (; i + 1 < rows; i += 2) {
    const a0 = A + <usize>i * rowBytes, a1 = a0 + rowBytes, b0 = B + <usize>i * rowBytes, b1 = b0 + rowBytes;
    const ui = u + <usize>i * F, vi = v + <usize>i * F;
    const u0s = load<f64>(ui), u1s = load<f64>(ui + 8), v0s = load<f64>(vi), v1s = load<f64>(vi + 8);
    const u0 = f64x2.splat(u0s), u1 = f64x2.splat(u1s), v0 = f64x2.splat(v0s), v1 = f64x2.splat(v1s);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const s = f64x2.add(
        f64x2.add(f64x2.mul(v128.load(a0 + o), u0), f64x2.mul(v128.load(a1 + o), u1)),
        f64x2.add(f64x2.mul(v128.load(b0 + o), v0), f64x2.mul(v128.load(b1 + o), v1)),
      );
      v128.store(out + o, f64x2.add(v128.load(out + o), s));
    }
    if (j < cols) {
      const o = <usize>j * F;
      store<f64>(out + o, load<f64>(out + o) + (load<f64>(a0 + o) * u0s + load<f64>(a1 + o) * u1s + (load<f64>(b0 + o) * v0s + load<f64>(b1 + o) * v1s)));
    }
  }
  if (i < rows) {
    axpy(out, A + <usize>i * rowBytes, load<f64>(u + <usize>i * F), cols);
    axpy(out, B + <usize>i * rowBytes, load<f64>(v + <usize>i * F), cols);
  }
}

/**
 * dst[j*rows + i] = src[i*ld + j] for i < rows, j < cols: a block of rows (row stride ld) as
 * contiguous columns. The packed gradient product AᵀB runs as dot products over such panels
 * (gemmABt), which streams both operands instead of striding down A's columns.
 */
export function transposeRows(dst: usize, src: usize, ld: i32, rows: i32, cols: i32): void {
  const rb = <usize>rows * F;
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = min(i0 + 8, rows);
    for (let j = 0; j < cols; j++) {
      const d = dst + <usize>j * rb, s = src + <usize>j * F;
      for (let i = i0; i < i1; i++) store<f64>(d + <usize>i * F, load<f64>(s + <usize>i * <usize>ld * F));
    }
  }
}
