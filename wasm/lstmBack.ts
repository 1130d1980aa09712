// The standard LSTM's backward sweep over a run of steps in one call (owner: trace): what
// bptt.ts's backwardRange computes step by step through LstmCell.backward, with the same operations
// in the same order (the same bits): dL/dh from the output, the gates' local gradients, and
// dL/dh_prev = Σ_q W_hqᵀ da_q as four matTVecAdd.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F } from './simd';
import { matTVecAdd } from './matvec';

/**
 * Steps m-1 down to 0 of a run. IN: [m, 6H] rows [i g o tanh(c) | f | c_prev]; DZ: [m, K] rows
 * dL/dz_t; OUT: [m, 9H] rows [dh_from_output | dh | da_i da_f da_g da_o | dc | dc_prev | dh_prev].
 * Why: W_hy [K, H]; Whi..Who: the W_hq [H, H]. dh0, dc0: what arrives at step m-1 from the future;
 * zero: H zeros, what arrives after a chunk's last step (step i with (t0 + i + 1) % chunk == 0, chunk
 * > 0). Each step reads what the step after it wrote (its dh_prev, dc_prev).
 */
export function lstmBackRun(
  IN: usize, DZ: usize, OUT: usize, m: i32, Why: usize, K: i32, Whi: usize, Whf: usize, Whg: usize, Who: usize, H: i32,
  dh0: usize, dc0: usize, zero: usize, t0: i32, chunk: i32,
): void {
  const hb = <usize>H * F;
  let dnh = dh0, dnc = dc0;
  for (let i = m - 1; i >= 0; i--) {
    if (chunk > 0 && (t0 + i + 1) % chunk == 0) {
      dnh = zero;
      dnc = zero;
    }
    const inp = IN + <usize>i * 6 * hb, out = OUT + <usize>i * 9 * hb;
    const dhOut = out, dh = out + hb, da = out + 2 * hb, dc = out + 6 * hb, dcPrev = out + 7 * hb, dhPrev = out + 8 * hb;
    memory.fill(dhOut, 0, hb);
    matTVecAdd(dhOut, Why, K, H, DZ + <usize>i * <usize>K * F);
    const gi = inp, gg = inp + hb, go = inp + 2 * hb, gtc = inp + 3 * hb, gf = inp + 4 * hb, gcp = inp + 5 * hb;
    for (let j = 0; j < H; j++) {
      const o = <usize>j * F;
      const dhj = load<f64>(dhOut + o) + load<f64>(dnh + o);
      store<f64>(dh + o, dhj);
      const ij = load<f64>(gi + o), fj = load<f64>(gf + o), gj = load<f64>(gg + o), oj = load<f64>(go + o), tcj = load<f64>(gtc + o);
      const dcj = load<f64>(dnc + o) + dhj * oj * (1 - tcj * tcj);
      store<f64>(da + o, dcj * gj * ij * (1 - ij));
      store<f64>(da + hb + o, dcj * load<f64>(gcp + o) * fj * (1 - fj));
      store<f64>(da + 2 * hb + o, dcj * ij * (1 - gj * gj));
      store<f64>(da + 3 * hb + o, dhj * tcj * oj * (1 - oj));
      store<f64>(dc + o, dcj);
      store<f64>(dcPrev + o, dcj * fj);
    }
    memory.fill(dhPrev, 0, hb);
    matTVecAdd(dhPrev, Whi, H, H, da);
    matTVecAdd(dhPrev, Whf, H, H, da + hb);
    matTVecAdd(dhPrev, Whg, H, H, da + 2 * hb);
    matTVecAdd(dhPrev, Who, H, H, da + 3 * hb);
    dnh = dhPrev;
    dnc = dcPrev;
  }
}
