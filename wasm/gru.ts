// The GRU's single-sequence step in one call each way (cells/gru.ts, both variants), and the two
// matrix-vector products a step's recurrent part is built from (stepMatVec, stepMatTVec), shaped for
// V8's register allocator: matvec.ts's products kept eight accumulators and eight loaded rows live
// at once, more than x64's sixteen xmm registers, and V8 spilled accumulators to the stack every
// iteration; these keep at most fourteen live and ran 1.5-1.6x faster on 256x256 matrices here.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F, madd, hsum } from './simd';
import { fsigmoid, ftanh, vsigmoid, vtanh } from './fdlibm';

/**
 * Row i's sum: a runs over the column pairs 0, 4, 8, ... and b over 2, 6, 10, ...; a last pair
 * joins a, the two are added and the lanes summed, then an odd last column. Every row of every
 * call forms its sum so, however the rows are grouped.
 */
@inline function rowEnd(row: usize, x: usize, j: i32, cols: i32, a: v128, b: v128): f64 {
  if (j + 1 < cols) {
    a = madd(v128.load(row + <usize>j * F), v128.load(x + <usize>j * F), a);
    j += 2;
  }
  let t = hsum(f64x2.add(a, b));
  if (j < cols) t += load<f64>(row + <usize>j * F) * load<f64>(x + <usize>j * F);
  return t;
}

/** out[i] += Σ_j W[i,j] x[j]    W: [rows, cols]. Three rows at a time, two accumulators each. */
export function stepMatVec(out: usize, W: usize, rows: i32, cols: i32, x: usize): void {
  const rb = <usize>cols * F;
  let i = 0;
  for (; i + 2 < rows; i += 3) {
    const r0 = W + <usize>i * rb;
    let p0 = r0, p1 = r0 + rb, p2 = r0 + 2 * rb, xp = x;
    let a0 = f64x2.splat(0), b0 = f64x2.splat(0), a1 = f64x2.splat(0), b1 = f64x2.splat(0), a2 = f64x2.splat(0), b2 = f64x2.splat(0);
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      const x0 = v128.load(xp), x1 = v128.load(xp, 16);
      a0 = madd(v128.load(p0), x0, a0);
      b0 = madd(v128.load(p0, 16), x1, b0);
      a1 = madd(v128.load(p1), x0, a1);
      b1 = madd(v128.load(p1, 16), x1, b1);
      a2 = madd(v128.load(p2), x0, a2);
      b2 = madd(v128.load(p2, 16), x1, b2);
      p0 += 32;
      p1 += 32;
      p2 += 32;
      xp += 32;
    }
    const o = out + <usize>i * F;
    store<f64>(o, load<f64>(o) + rowEnd(r0, x, j, cols, a0, b0));
    store<f64>(o + 8, load<f64>(o + 8) + rowEnd(r0 + rb, x, j, cols, a1, b1));
    store<f64>(o + 16, load<f64>(o + 16) + rowEnd(r0 + 2 * rb, x, j, cols, a2, b2));
  }
  for (; i < rows; i++) {
    const r0 = W + <usize>i * rb;
    let p = r0, xp = x;
    let a = f64x2.splat(0), b = f64x2.splat(0);
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      a = madd(v128.load(p), v128.load(xp), a);
      b = madd(v128.load(p, 16), v128.load(xp, 16), b);
      p += 32;
      xp += 32;
    }
    const o = out + <usize>i * F;
    store<f64>(o, load<f64>(o) + rowEnd(r0, x, j, cols, a, b));
  }
}

/**
 * out[j] += Σ_i W[i,j] v[i]    Wᵀ: [cols, rows] · v. Six rows a pass, each column pair's six terms
 * one chain of multiply-adds onto out; the rows left over one at a time.
 */
export function stepMatTVec(out: usize, W: usize, rows: i32, cols: i32, v: usize): void {
  const rb = <usize>cols * F;
  const pairsEnd = out + <usize>(cols & ~1) * F;
  const odd = (cols & 1) != 0;
  let i = 0;
  for (; i + 5 < rows; i += 6) {
    const vi = v + <usize>i * F;
    const v0 = v128.load64_splat(vi), v1 = v128.load64_splat(vi, 8), v2 = v128.load64_splat(vi, 16);
    const v3 = v128.load64_splat(vi, 24), v4 = v128.load64_splat(vi, 32), v5 = v128.load64_splat(vi, 40);
    const r0 = W + <usize>i * rb;
    let p = r0, op = out;
    for (; op < pairsEnd; op += 16, p += 16) {
      let s = madd(v128.load(p), v0, v128.load(op));
      s = madd(v128.load(p + rb), v1, s);
      s = madd(v128.load(p + 2 * rb), v2, s);
      s = madd(v128.load(p + 3 * rb), v3, s);
      s = madd(v128.load(p + 4 * rb), v4, s);
      s = madd(v128.load(p + 5 * rb), v5, s);
      v128.store(op, s);
    }
    if (odd) {
      let s = load<f64>(op);
      for (let k = 0; k < 6; k++) s += load<f64>(p + <usize>k * rb) * load<f64>(vi + <usize>k * F);
      store<f64>(op, s);
    }
  }
  for (; i < rows; i++) {
    const vs = load<f64>(v + <usize>i * F);
    const vv = f64x2.splat(vs);
    let p = W + <usize>i * rb, op = out;
    for (; op < pairsEnd; op += 16, p += 16) v128.store(op, madd(v128.load(p), vv, v128.load(op)));
    if (odd) store<f64>(op, load<f64>(op) + load<f64>(p) * vs);
  }
}

/**
 * One GRU step forward (GruCell.step). buf: [a_r a_z a_n ax r n] (6H), its first 3H holding on entry
 * the input halves b_q + W_xq x; ax is r⊙h_prev (classic) or hn = b_hn + W_hn h_prev (pytorch).
 * z and h apart. The gates as the JavaScript loop computes them (fdlibm's exp and tanh: Math's bits).
 */
export function gruForward(buf: usize, Whr: usize, Whz: usize, Whn: usize, bhn: usize, hPrev: usize, z: usize, h: usize, H: i32, classic: i32): void {
  const hb = <usize>H * F;
  const ar = buf, az = buf + hb, an = buf + 2 * hb, ax = buf + 3 * hb, r = buf + 4 * hb, n = buf + 5 * hb;
  stepMatVec(ar, Whr, H, H, hPrev);
  stepMatVec(az, Whz, H, H, hPrev);
  let j = 0;
  for (; j + 1 < H; j += 2) {
    const o = <usize>j * F;
    v128.store(r + o, vsigmoid(v128.load(ar + o)));
    v128.store(z + o, vsigmoid(v128.load(az + o)));
  }
  if (j < H) {
    const o = <usize>j * F;
    store<f64>(r + o, fsigmoid(load<f64>(ar + o)));
    store<f64>(z + o, fsigmoid(load<f64>(az + o)));
  }
  if (classic) {
    for (j = 0; j < H; j++) {
      const o = <usize>j * F;
      store<f64>(ax + o, load<f64>(r + o) * load<f64>(hPrev + o));
    }
    stepMatVec(an, Whn, H, H, ax);
  } else {
    memory.copy(ax, bhn, hb);
    stepMatVec(ax, Whn, H, H, hPrev);
    for (j = 0; j < H; j++) {
      const o = <usize>j * F;
      store<f64>(an + o, load<f64>(an + o) + load<f64>(r + o) * load<f64>(ax + o));
    }
  }
  for (j = 0; j + 1 < H; j += 2) {
    const o = <usize>j * F;
    const nj = vtanh(v128.load(an + o)), zj = v128.load(z + o), hp = v128.load(hPrev + o);
    v128.store(n + o, nj);
    const keep = f64x2.sub(f64x2.splat(1.0), zj);
    v128.store(h + o, classic ? f64x2.add(f64x2.mul(keep, hp), f64x2.mul(zj, nj)) : f64x2.add(f64x2.mul(keep, nj), f64x2.mul(zj, hp)));
  }
  if (j < H) {
    const o = <usize>j * F;
    const nj = ftanh(load<f64>(an + o)), zj = load<f64>(z + o), hp = load<f64>(hPrev + o);
    store<f64>(n + o, nj);
    store<f64>(h + o, classic ? (1 - zj) * hp + zj * nj : (1 - zj) * nj + zj * hp);
  }
}

/**
 * m GRU steps forward, each gruForward: row t of XA ([m, 3H]) holds step t's input halves; row t of
 * OUT ([m, 8H]) receives its [a_r a_z a_n ax r n | z | h]. Step 0 starts from h0, step t from row
 * t-1's h. The same operations as m calls of gruForward (the same bits).
 */
export function gruForwardRun(XA: usize, m: i32, OUT: usize, Whr: usize, Whz: usize, Whn: usize, bhn: usize, h0: usize, H: i32, classic: i32): void {
  const hb = <usize>H * F;
  let hPrev = h0;
  for (let t = 0; t < m; t++) {
    const row = OUT + <usize>t * 8 * hb;
    memory.copy(row, XA + <usize>t * 3 * hb, 3 * hb);
    gruForward(row, Whr, Whz, Whn, bhn, hPrev, row + 6 * hb, row + 7 * hb, H, classic);
    hPrev = row + 7 * hb;
  }
}

/**
 * One GRU step back (GruCell.backward) from dh = dL/dh_t. g: [da_r da_z da_n dh_prev dmid] (5H),
 * dmid zero on entry: d(r⊙h_prev) (classic) or d(hn) (pytorch). hn: the step's b_hn + W_hn h_prev
 * (pytorch; unused in classic). The elementwise terms as the JavaScript loop forms them.
 */
export function gruBackward(g: usize, r: usize, z: usize, n: usize, hn: usize, hPrev: usize, dh: usize, Whr: usize, Whz: usize, Whn: usize, H: i32, classic: i32): void {
  gruBackStep(g, r, z, n, hn, hPrev, dh, Whr, Whz, Whn, H, classic);
}

/** gruBackward's step, inlined there and in gruBackRun (stepBack.ts). */
@inline export function gruBackStep(g: usize, r: usize, z: usize, n: usize, hn: usize, hPrev: usize, dh: usize, Whr: usize, Whz: usize, Whn: usize, H: i32, classic: i32): void {
  const hb = <usize>H * F;
  const dar = g, daz = g + hb, dan = g + 2 * hb, dhp = g + 3 * hb, dmid = g + 4 * hb;
  for (let j = 0; j < H; j++) {
    const o = <usize>j * F;
    const d = load<f64>(dh + o), zj = load<f64>(z + o), nj = load<f64>(n + o), hp = load<f64>(hPrev + o);
    const dn = d * (classic ? zj : 1 - zj);
    const dz = d * (classic ? nj - hp : hp - nj);
    store<f64>(dhp + o, d * (classic ? 1 - zj : zj));
    store<f64>(dan + o, dn * (1 - nj * nj));
    store<f64>(daz + o, dz * zj * (1 - zj));
  }
  if (classic) {
    stepMatTVec(dmid, Whn, H, H, dan); // d(r⊙h_prev) = W_hnᵀ da_n
    for (let j = 0; j < H; j++) {
      const o = <usize>j * F;
      const drh = load<f64>(dmid + o), rj = load<f64>(r + o);
      store<f64>(dar + o, drh * load<f64>(hPrev + o) * rj * (1 - rj));
      store<f64>(dhp + o, load<f64>(dhp + o) + drh * rj);
    }
  } else {
    for (let j = 0; j < H; j++) {
      const o = <usize>j * F;
      const a = load<f64>(dan + o), rj = load<f64>(r + o);
      store<f64>(dmid + o, a * rj);
      store<f64>(dar + o, a * load<f64>(hn + o) * rj * (1 - rj));
    }
    stepMatTVec(dhp, Whn, H, H, dmid); // W_hnᵀ d(hn)
  }
  stepMatTVec(dhp, Whr, H, H, dar);
  stepMatTVec(dhp, Whz, H, H, daz);
}

