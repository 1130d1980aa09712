// Shared pieces of the kernels: the f64 size, the lane helpers, and the two loops the products
// are built from (dot, axpy).

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

export const F: usize = 8;

/**
 * c + a·b per lane: one fused multiply-add (a single rounding) in the build with relaxed SIMD
 * (f64x2.relaxed_madd, an FMA on x64 with FMA), a multiply then an add in the plain SIMD build.
 * Either rounds within the 1e-12 relative the kernels keep to the JavaScript reference.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  else return f64x2.add(c, f64x2.mul(a, b));
}

/** The sum of a v128's two f64 lanes. */
@inline export function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_j a[j] b[j] over n contiguous f64s. */
export function dot(a: usize, b: usize, n: i32): f64 {
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

/** y[j] += a x[j] over n contiguous f64s. */
export function axpy(y: usize, x: usize, a: f64, n: i32): void {
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
