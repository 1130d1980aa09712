// The engine's dense kernels in WebAssembly SIMD (f64x2), compiled by AssemblyScript at build time
// (scripts/wasmKernels.mjs). Every pointer is a byte offset into the imported memory, every matrix
// row-major float64. Each kernel computes exactly what its namesake in src/engine/linalg.ts does
// (the JavaScript reference); sums may be formed in another order, so results agree to rounding.
// No allocation: the caller places every operand (src/engine/kernels/wasm.ts).

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

const F: usize = 8;

/**
 * c + a·b per lane: one fused multiply-add (a single rounding) in the build with relaxed SIMD
 * (f64x2.relaxed_madd, an FMA on x64 with FMA), a multiply then an add in the plain SIMD build.
 * Either rounds within the 1e-12 relative the kernels keep to the JavaScript reference.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  else return f64x2.add(c, f64x2.mul(a, b));
}

/** The sum of a v128's two f64 lanes. */
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** out[i] += Σ_j W[i,j] x[j]    W: [rows, cols] · x: [cols] -> out: [rows]. Eight rows, then four, at a time. */
export function matVecAdd(out: usize, W: usize, rows: i32, cols: i32, x: usize): void {
  const rowBytes = <usize>cols * F;
  const pairs = cols & ~1;
  let i = 0;
  for (; i + 7 < rows; i += 8) {
    const r0 = W + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    const r4 = r3 + rowBytes, r5 = r4 + rowBytes, r6 = r5 + rowBytes, r7 = r6 + rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
    let j = 0;
    for (; j < pairs; j += 2) {
      const o = <usize>j * F;
      const xv = v128.load(x + o);
      s0 = madd(v128.load(r0 + o), xv, s0);
      s1 = madd(v128.load(r1 + o), xv, s1);
      s2 = madd(v128.load(r2 + o), xv, s2);
      s3 = madd(v128.load(r3 + o), xv, s3);
      s4 = madd(v128.load(r4 + o), xv, s4);
      s5 = madd(v128.load(r5 + o), xv, s5);
      s6 = madd(v128.load(r6 + o), xv, s6);
      s7 = madd(v128.load(r7 + o), xv, s7);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3), t4 = hsum(s4), t5 = hsum(s5), t6 = hsum(s6), t7 = hsum(s7);
    if (j < cols) {
      const o = <usize>j * F;
      const xj = load<f64>(x + o);
      t0 += load<f64>(r0 + o) * xj;
      t1 += load<f64>(r1 + o) * xj;
      t2 += load<f64>(r2 + o) * xj;
      t3 += load<f64>(r3 + o) * xj;
      t4 += load<f64>(r4 + o) * xj;
      t5 += load<f64>(r5 + o) * xj;
      t6 += load<f64>(r6 + o) * xj;
      t7 += load<f64>(r7 + o) * xj;
    }
    const p = out + <usize>i * F;
    store<f64>(p, load<f64>(p) + t0);
    store<f64>(p + 8, load<f64>(p + 8) + t1);
    store<f64>(p + 16, load<f64>(p + 16) + t2);
    store<f64>(p + 24, load<f64>(p + 24) + t3);
    store<f64>(p + 32, load<f64>(p + 32) + t4);
    store<f64>(p + 40, load<f64>(p + 40) + t5);
    store<f64>(p + 48, load<f64>(p + 48) + t6);
    store<f64>(p + 56, load<f64>(p + 56) + t7);
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

/** Σ_j a[j] b[j] over n contiguous f64s. */
function dot(a: usize, b: usize, n: i32): f64 {
  let s = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j * F;
    s = madd(v128.load(a + o), v128.load(b + o), s);
  }
  let t = hsum(s);
  if (j < n) t += load<f64>(a + <usize>j * F) * load<f64>(b + <usize>j * F);
  return t;
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

/** y[j] += a x[j] over n contiguous f64s. */
function axpy(y: usize, x: usize, a: f64, n: i32): void {
  const av = f64x2.splat(a);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j * F;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(v128.load(x + o), av)));
  }
  if (j < n) {
    const o = <usize>j * F;
    store<f64>(y + o, load<f64>(y + o) + load<f64>(x + o) * a);
  }
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

/**
 * The standard LSTM's gates over a batch's block (batch/lstm.ts): row b of A ([B, 4H]) holds the
 * pre-activations a_i a_f a_g a_o, replaced by the gates i f g o; c = f⊙c_prev + i⊙g, tc = tanh(c),
 * h = o⊙tc ([B, H] each). Two lanes at a time through lstmGates' functions (fdlibm's exp and tanh:
 * Math.exp's and Math.tanh's bits), so the block gets the JavaScript loop's values bit for bit.
 */
export function lstmGatesRows(A: usize, cPrev: usize, c: usize, tc: usize, h: usize, B: i32, H: i32): void {
  const hb = <usize>H * F;
  for (let b = 0; b < B; b++) {
    const p0 = A + <usize>b * 4 * hb, s0 = <usize>b * hb;
    let j = 0;
    for (; j + 1 < H; j += 2) {
      const o = <usize>j * F, p = p0 + o, s = s0 + o;
      const ij = vsigmoid(v128.load(p)), fj = vsigmoid(v128.load(p + hb)), gj = vtanh(v128.load(p + 2 * hb)), oj = vsigmoid(v128.load(p + 3 * hb));
      const cj = f64x2.add(f64x2.mul(fj, v128.load(cPrev + s)), f64x2.mul(ij, gj));
      const tcj = vtanh(cj);
      v128.store(p, ij);
      v128.store(p + hb, fj);
      v128.store(p + 2 * hb, gj);
      v128.store(p + 3 * hb, oj);
      v128.store(c + s, cj);
      v128.store(tc + s, tcj);
      v128.store(h + s, f64x2.mul(oj, tcj));
    }
    if (j < H) {
      const o = <usize>j * F, p = p0 + o, s = s0 + o;
      const ij = fsigmoid(load<f64>(p)), fj = fsigmoid(load<f64>(p + hb)), gj = ftanh(load<f64>(p + 2 * hb)), oj = fsigmoid(load<f64>(p + 3 * hb));
      const cj = fj * load<f64>(cPrev + s) + ij * gj;
      const tcj = ftanh(cj);
      store<f64>(p, ij);
      store<f64>(p + hb, fj);
      store<f64>(p + 2 * hb, gj);
      store<f64>(p + 3 * hb, oj);
      store<f64>(c + s, cj);
      store<f64>(tc + s, tcj);
      store<f64>(h + s, oj * tcj);
    }
  }
}

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

// ---------------------------------------------------------------------------------------------
// The gates' nonlinearities (the single-sequence trace, owner: trace). Math.exp and Math.tanh in
// V8 are fdlibm's exp and tanh (src/base/ieee754.cc); these are the same algorithms, operation for
// operation, so each gives the same bits as its JavaScript counterpart (tested on millions of
// arguments), and a step computes the same numbers in wasm or in JavaScript.

@inline function highWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

@inline function fromHigh(hi: u32): f64 {
  return reinterpret<f64>(<u64>hi << 32);
}

/** fdlibm's exp (V8's ieee754::exp): Math.exp bit for bit. */
function fexp(x: f64): f64 {
  let hx = highWord(x);
  const xsb: i32 = <i32>((hx >> 31) & 1);
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      const lx = <u32>(reinterpret<u64>(x) & 0xffffffff);
      if (((hx & 0xfffff) | lx) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  let hi: f64 = 0, lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045;
      hi = xsb == 0 ? x - 6.93147180369123816490e-01 : x + 6.93147180369123816490e-01;
      lo = xsb == 0 ? 1.90821492927058770002e-10 : -1.90821492927058770002e-10;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(1.44269504088896338700e+00 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * 6.93147180369123816490e-01;
      lo = t * 1.90821492927058770002e-10;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = k >= -1021 ? fromHigh(<u32>(0x3ff00000 + (k << 20))) : fromHigh(<u32>(0x3ff00000 + ((k + 1000) << 20)));
  const c = x - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * twopk;
  }
  return y * twopk * 9.33263618503218878990e-302;
}

/** fdlibm's expm1 (V8's ieee754::expm1), for tanh. */
function fexpm1(x: f64): f64 {
  let hx = highWord(x);
  const xsb = hx & 0x80000000;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        const lx = <u32>(reinterpret<u64>(x) & 0xffffffff);
        if (((hx & 0xfffff) | lx) != 0) return x + x;
        return xsb == 0 ? x : -1.0;
      }
      if (x > 7.09782712893383973096e+02) return Infinity;
    }
    if (xsb != 0) return -1.0;
  }
  let hi: f64, lo: f64, c: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (xsb == 0) {
        hi = x - 6.93147180369123816490e-01;
        lo = 1.90821492927058770002e-10;
        k = 1;
      } else {
        hi = x + 6.93147180369123816490e-01;
        lo = -1.90821492927058770002e-10;
        k = -1;
      }
    } else {
      k = <i32>(1.44269504088896338700e+00 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * 6.93147180369123816490e-01;
      lo = t * 1.90821492927058770002e-10;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) {
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1.0 + hxs * (-3.33333333333331316428e-02 + hxs * (1.58730158725481460165e-03 + hxs * (-7.93650757867487942473e-05 + hxs * (4.00821782732936239552e-06 + hxs * -2.01099218183624371326e-07))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  const twopk = fromHigh(<u32>(0x3ff00000 + (k << 20)));
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  let y: f64;
  if (k <= -2 || k > 56) {
    y = 1.0 - (e - x);
    if (k == 1024) y = y * 2.0 * 8.98846567431158e+307;
    else y = y * twopk;
    return y - 1.0;
  }
  if (k < 20) {
    t = fromHigh(<u32>(0x3ff00000 - (0x200000 >> k)));
    y = t - (e - x);
    y = y * twopk;
  } else {
    t = fromHigh(<u32>((0x3ff - k) << 20));
    y = x - (e + t);
    y += 1.0;
    y = y * twopk;
  }
  return y;
}

/** fdlibm's tanh (V8's ieee754::tanh): Math.tanh bit for bit. */
function ftanh(x: f64): f64 {
  const jx = highWord(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    if ((jx >> 31) == 0) return 1.0 / x + 1.0;
    return 1.0 / x - 1.0;
  }
  let z: f64;
  if (ix < 0x40360000) {
    if (ix < 0x3e300000) return x;
    if (ix >= 0x3ff00000) {
      const t = fexpm1(2.0 * abs(x));
      z = 1.0 - 2.0 / (t + 2.0);
    } else {
      const t = fexpm1(-2.0 * abs(x));
      z = -t / (t + 2.0);
    }
  } else {
    z = 1.0;
  }
  return (jx >> 31) == 0 ? z : -z;
}

/** σ(a) as linalg's sigmoid: stable on both tails, the same operations. */
@inline function fsigmoid(a: f64): f64 {
  if (a >= 0) return 1.0 / (1.0 + fexp(-a));
  const e = fexp(a);
  return e / (1.0 + e);
}

// The same three, two lanes at a time: every branch of fdlibm's exp, expm1 and tanh is computed
// and the lane's own is selected, so each lane gets the scalar function's bits (the branches'
// conditions on the high word are the same comparisons of |x| with constants).

@inline function sel(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

@inline function vs(x: f64): v128 {
  return f64x2.splat(x);
}

/**
 * 2^k for lanes holding integers k in [-1022, 1023] (as f64): k + 2^52 + 1023 holds k + 1023 in its
 * low bits, which the shift moves into the exponent (no f64 -> i64 conversion, which SSE lacks).
 */
@inline function pow2(k: v128): v128 {
  return i64x2.shl(f64x2.add(k, vs(4503599627371519.0)), 52);
}

/** The sign bits of the lanes. */
@inline function signOf(x: v128): v128 {
  return v128.and(x, i64x2.splat(0x8000000000000000));
}

/** fdlibm's k for exp and expm1: 0 for |x| <= ~0.5 ln2, ±1 below ~1.5 ln2, else trunc(x/ln2 ± 0.5). */
@inline function reduceK(x: v128): v128 {
  const ax = f64x2.abs(x);
  const sgn = signOf(x);
  const kt = f64x2.trunc(f64x2.add(f64x2.mul(vs(1.44269504088896338700e+00), x), v128.or(vs(0.5), sgn)));
  const k = sel(f64x2.lt(ax, vs(reinterpret<f64>(0x3ff0a2b200000000))), v128.or(vs(1.0), sgn), kt);
  return sel(f64x2.le(ax, vs(reinterpret<f64>(0x3fd62e42ffffffff))), vs(0.0), k);
}

/** fexp on two lanes. */
@inline function vexp(x: v128): v128 {
  const kf = reduceK(x);
  const hi = f64x2.sub(x, f64x2.mul(kf, vs(6.93147180369123816490e-01)));
  const lo = f64x2.mul(kf, vs(1.90821492927058770002e-10));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  const poly = f64x2.add(vs(1.66666666666666019037e-01), f64x2.mul(t, f64x2.add(vs(-2.77777777770155933842e-03), f64x2.mul(t, f64x2.add(vs(6.61375632143793436117e-05), f64x2.mul(t, f64x2.add(vs(-1.65339022054652515390e-06), f64x2.mul(t, vs(4.13813679705723846039e-08)))))))));
  const c = f64x2.sub(r, f64x2.mul(t, poly));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(vs(2.0), c));
  const y = f64x2.sub(vs(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  // y·2^k as two exact halves: one rounding at most, as fdlibm's y·twopk (·twom1000).
  const k1 = f64x2.floor(f64x2.mul(kf, vs(0.5)));
  let res = f64x2.mul(f64x2.mul(y, pow2(k1)), pow2(f64x2.sub(kf, k1)));
  const ax = f64x2.abs(x);
  res = sel(f64x2.eq(x, vs(1.0)), vs(2.718281828459045), res);
  res = sel(f64x2.lt(ax, vs(reinterpret<f64>(0x3e30000000000000))), f64x2.add(vs(1.0), x), res);
  res = sel(f64x2.gt(x, vs(7.09782712893383973096e+02)), vs(Infinity), res);
  res = sel(f64x2.lt(x, vs(-7.45133219101941108420e+02)), vs(0.0), res);
  return sel(f64x2.ne(x, x), f64x2.add(x, x), res);
}

/** fexpm1 on two lanes, for |x| < 44 (tanh's arguments); other lanes are selected away by vtanh. */
@inline function vexpm1(x: v128): v128 {
  const kf = reduceK(x);
  const hi = f64x2.sub(x, f64x2.mul(kf, vs(6.93147180369123816490e-01)));
  const lo = f64x2.mul(kf, vs(1.90821492927058770002e-10));
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const hfx = f64x2.mul(vs(0.5), r);
  const hxs = f64x2.mul(r, hfx);
  const r1 = f64x2.add(vs(1.0), f64x2.mul(hxs, f64x2.add(vs(-3.33333333333331316428e-02), f64x2.mul(hxs, f64x2.add(vs(1.58730158725481460165e-03), f64x2.mul(hxs, f64x2.add(vs(-7.93650757867487942473e-05), f64x2.mul(hxs, f64x2.add(vs(4.00821782732936239552e-06), f64x2.mul(hxs, vs(-2.01099218183624371326e-07)))))))))));
  const t = f64x2.sub(vs(3.0), f64x2.mul(r1, hfx));
  const e = f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(vs(6.0), f64x2.mul(r, t))));
  const r0 = f64x2.sub(r, f64x2.sub(f64x2.mul(r, e), hxs));
  const e2 = f64x2.sub(f64x2.sub(f64x2.mul(r, f64x2.sub(e, c)), c), hxs);
  const rm1 = f64x2.sub(f64x2.mul(vs(0.5), f64x2.sub(r, e2)), vs(0.5));
  const rp1 = sel(f64x2.lt(r, vs(-0.25)), f64x2.mul(vs(-2.0), f64x2.sub(e2, f64x2.add(r, vs(0.5)))), f64x2.add(vs(1.0), f64x2.mul(vs(2.0), f64x2.sub(r, e2))));
  const twopk = pow2(kf);
  const tm = pow2(f64x2.neg(kf));
  const rbig = f64x2.sub(f64x2.mul(f64x2.sub(vs(1.0), f64x2.sub(e2, r)), twopk), vs(1.0));
  const rlt = f64x2.mul(f64x2.sub(f64x2.sub(vs(1.0), tm), f64x2.sub(e2, r)), twopk);
  const rge = f64x2.mul(f64x2.add(f64x2.sub(r, f64x2.add(e2, tm)), vs(1.0)), twopk);
  let res = sel(f64x2.lt(kf, vs(20.0)), rlt, rge);
  res = sel(v128.or(f64x2.le(kf, vs(-2.0)), f64x2.gt(kf, vs(56.0))), rbig, res);
  res = sel(f64x2.eq(kf, vs(1.0)), rp1, res);
  res = sel(f64x2.eq(kf, vs(-1.0)), rm1, res);
  return sel(f64x2.eq(kf, vs(0.0)), r0, res);
}

/** ftanh on two lanes. */
@inline function vtanh(x: v128): v128 {
  const ax = f64x2.abs(x);
  const big = f64x2.ge(ax, vs(1.0));
  const t = vexpm1(sel(big, f64x2.mul(vs(2.0), ax), f64x2.mul(vs(-2.0), ax)));
  let z = sel(big, f64x2.sub(vs(1.0), f64x2.div(vs(2.0), f64x2.add(t, vs(2.0)))), f64x2.div(f64x2.neg(t), f64x2.add(t, vs(2.0))));
  z = sel(f64x2.ge(ax, vs(22.0)), vs(1.0), z);
  z = v128.xor(z, signOf(x));
  z = sel(f64x2.lt(ax, vs(reinterpret<f64>(0x3e30000000000000))), x, z);
  return sel(f64x2.ne(x, x), f64x2.add(x, x), z);
}

/** fsigmoid on two lanes: exp(-|a|) is exp(a >= 0 ? -a : a) for every a. */
@inline function vsigmoid(a: v128): v128 {
  const e = vexp(f64x2.neg(f64x2.abs(a)));
  const d = f64x2.add(vs(1.0), e);
  return sel(f64x2.ge(a, vs(0.0)), f64x2.div(vs(1.0), d), f64x2.div(e, d));
}

/** out[j] = exp(a[j]) for j < n (out may be a). */
export function expInto(out: usize, a: usize, n: i32): void {
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j * F;
    v128.store(out + o, vexp(v128.load(a + o)));
  }
  if (j < n) store<f64>(out + <usize>j * F, fexp(load<f64>(a + <usize>j * F)));
}

/** out[j] = tanh(a[j]) for j < n (out may be a). */
export function tanhInto(out: usize, a: usize, n: i32): void {
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j * F;
    v128.store(out + o, vtanh(v128.load(a + o)));
  }
  if (j < n) store<f64>(out + <usize>j * F, ftanh(load<f64>(a + <usize>j * F)));
}

/** out[j] = σ(a[j]) for j < n (out may be a). */
export function sigmoidInto(out: usize, a: usize, n: i32): void {
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j * F;
    v128.store(out + o, vsigmoid(v128.load(a + o)));
  }
  if (j < n) store<f64>(out + <usize>j * F, fsigmoid(load<f64>(a + <usize>j * F)));
}

/**
 * The standard LSTM's gates from its pre-activations, as gatesStandard in cells/lstm.ts: buf is
 * [a_i a_f a_g a_o | i g o tanh(c)] (each H long), the gates written into its second half, f, c and
 * h apart. Two lanes at a time, an odd last one through the scalar functions.
 */
export function lstmGates(buf: usize, cPrev: usize, f: usize, c: usize, h: usize, H: i32): void {
  const hb = <usize>H * F;
  let j = 0;
  for (; j + 1 < H; j += 2) {
    const o = <usize>j * F;
    const p = buf + o;
    const fj = vsigmoid(v128.load(p + hb)), ij = vsigmoid(v128.load(p)), oj = vsigmoid(v128.load(p + 3 * hb));
    const gj = vtanh(v128.load(p + 2 * hb));
    const cj = f64x2.add(f64x2.mul(fj, v128.load(cPrev + o)), f64x2.mul(ij, gj));
    const tcj = vtanh(cj);
    v128.store(f + o, fj);
    v128.store(p + 4 * hb, ij);
    v128.store(p + 5 * hb, gj);
    v128.store(p + 6 * hb, oj);
    v128.store(p + 7 * hb, tcj);
    v128.store(c + o, cj);
    v128.store(h + o, f64x2.mul(oj, tcj));
  }
  if (j < H) {
    const o = <usize>j * F;
    const p = buf + o;
    const ai = load<f64>(p), af = load<f64>(p + hb), ag = load<f64>(p + 2 * hb), ao = load<f64>(p + 3 * hb);
    const fj = fsigmoid(af), ij = fsigmoid(ai), oj = fsigmoid(ao);
    const gj = ftanh(ag);
    const cj = fj * load<f64>(cPrev + o) + ij * gj;
    const tcj = ftanh(cj);
    store<f64>(f + o, fj);
    store<f64>(p + 4 * hb, ij);
    store<f64>(p + 5 * hb, gj);
    store<f64>(p + 6 * hb, oj);
    store<f64>(p + 7 * hb, tcj);
    store<f64>(c + o, cj);
    store<f64>(h + o, oj * tcj);
  }
}

/**
 * m standard LSTM steps keeping only the state (a checkpointed trace's first pass): row t of XA
 * ([m, 4H]) holds b_q + W_xq x_t for the four gates; each step adds W_h h_prev (Wh: the four W_hq
 * stacked, [4H, H]; each row's sum as matVecAdd forms it) and runs lstmGates in scratch ([11H]).
 * h and c are updated in place. The same sums in the same order as a step of lstmStep.
 */
export function lstmSteps(XA: usize, m: i32, Wh: usize, H: i32, h: usize, c: usize, scratch: usize): void {
  const hb = <usize>H * F;
  const buf = scratch, f = scratch + 8 * hb, c2 = f + hb, h2 = c2 + hb;
  for (let t = 0; t < m; t++) {
    memory.copy(buf, XA + <usize>t * 4 * hb, 4 * hb);
    matVecAdd(buf, Wh, 4 * H, H, h);
    lstmGates(buf, c, f, c2, h2, H);
    memory.copy(h, h2, hb);
    memory.copy(c, c2, hb);
  }
}
