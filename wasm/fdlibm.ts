// The gates' nonlinearities. Math.exp and Math.tanh in V8 are fdlibm's exp and tanh
// (src/base/ieee754.cc); these are the same algorithms, operation for operation, so each gives the
// same bits as its JavaScript counterpart (tested on millions of arguments), and a step computes the
// same numbers in wasm or in JavaScript.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

@inline function highWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

@inline function fromHigh(hi: u32): f64 {
  return reinterpret<f64>(<u64>hi << 32);
}

/** fdlibm's exp (V8's ieee754::exp): Math.exp bit for bit. */
export function fexp(x: f64): f64 {
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
export function fexpm1(x: f64): f64 {
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
export function ftanh(x: f64): f64 {
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
@inline export function fsigmoid(a: f64): f64 {
  if (a >= 0) return 1.0 / (1.0 + fexp(-a));
  const e = fexp(a);
  return e / (1.0 + e);
}

// The same three, two lanes at a time: every branch of fdlibm's exp, expm1 and tanh is computed
// and the lane's own is selected, so each lane gets the scalar function's bits (the branches'
// conditions on the high word are the same comparisons of |x| with constants).

@inline export function sel(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

@inline export function vs(x: f64): v128 {
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
@inline export function vexp(x: v128): v128 {
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
@inline export function vexpm1(x: v128): v128 {
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
@inline export function vtanh(x: v128): v128 {
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
@inline export function vsigmoid(a: v128): v128 {
  const e = vexp(f64x2.neg(f64x2.abs(a)));
  const d = f64x2.add(vs(1.0), e);
  return sel(f64x2.ge(a, vs(0.0)), f64x2.div(vs(1.0), d), f64x2.div(e, d));
}
