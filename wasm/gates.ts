// The gates of a step, elementwise over vectors or a batch's rows, and the LSTM's first pass.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F } from './simd';
import { matVecAdd } from './matvec';
import { fsigmoid, ftanh, fexp, vsigmoid, vtanh, vexp } from './fdlibm';

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
 * h and c are updated in place. The same sums in the same order as a step of lstmStep. TAPE, unless
 * 0: each step's h also into its row t ([m, H]; the checkpointed trace's first pass keeps them).
 */
export function lstmSteps(XA: usize, m: i32, Wh: usize, H: i32, h: usize, c: usize, scratch: usize, TAPE: usize): void {
  const hb = <usize>H * F;
  const buf = scratch, f = scratch + 8 * hb, c2 = f + hb, h2 = c2 + hb;
  for (let t = 0; t < m; t++) {
    memory.copy(buf, XA + <usize>t * 4 * hb, 4 * hb);
    matVecAdd(buf, Wh, 4 * H, H, h);
    lstmGates(buf, c, f, c2, h2, H);
    memory.copy(h, h2, hb);
    memory.copy(c, c2, hb);
    if (TAPE) memory.copy(TAPE + <usize>t * hb, h2, hb);
  }
}
