// The single-sequence backward sweeps of the GRU and the tanh RNN over a run of steps, a block of
// steps a call (cells/stepBackward.ts): what bptt.ts's backwardRange computes step by
// step through the cell's backward, with the same operations in the same order (the same bits).

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F } from './simd';
import { matTVecAdd } from './matvec';
import { gruBackStep, stepMatTVec } from './gru';

/**
 * backwardRange's sweep (bptt.ts) over steps m-1 down to 0 of a run, each step as GruCell.backward
 * under it: dh_from_output = W_hyᵀ dz_t (matvec.ts's matTVecAdd, as bptt's fromOutput forms it in
 * wasm), dh = dh_from_output + what arrives from the future, then gruBackward's step. IN: [m, 5H]
 * rows [r z n hn h_prev] (hn unused in classic); DZ: [m, K]; OUT: [m, 7H] rows [dh_from_output | dh |
 * da_r da_z da_n dh_prev dmid]. dh0 arrives at step m-1; zero (H zeros) after a chunk's last step
 * (step i with (t0 + i + 1) % chunk == 0, chunk > 0).
 */
export function gruBackRun(
  IN: usize, DZ: usize, OUT: usize, m: i32, Why: usize, K: i32, Whr: usize, Whz: usize, Whn: usize, H: i32, dh0: usize, zero: usize, t0: i32, chunk: i32, classic: i32,
): void {
  const hb = <usize>H * F;
  let dn = dh0;
  for (let i = m - 1; i >= 0; i--) {
    if (chunk > 0 && (t0 + i + 1) % chunk == 0) dn = zero;
    const inp = IN + <usize>i * 5 * hb, out = OUT + <usize>i * 7 * hb;
    const dhOut = out, dh = out + hb, g = out + 2 * hb;
    memory.fill(dhOut, 0, hb);
    matTVecAdd(dhOut, Why, K, H, DZ + <usize>i * <usize>K * F);
    for (let j = 0; j < H; j++) {
      const o = <usize>j * F;
      store<f64>(dh + o, load<f64>(dhOut + o) + load<f64>(dn + o));
    }
    memory.fill(g + 4 * hb, 0, hb);
    gruBackStep(g, inp, inp + hb, inp + 2 * hb, inp + 3 * hb, inp + 4 * hb, dh, Whr, Whz, Whn, H, classic);
    dn = g + 3 * hb;
  }
}

/**
 * The tanh RNN's backwardRange sweep over steps m-1 down to 0 of a run, each step as RnnCell.backward
 * under it: dh_from_output = W_hyᵀ dz_t (matTVecAdd), dh = dh_from_output + what arrives from the
 * future, da = dh ⊙ (1 - h²), dh_prev = W_hhᵀ da (stepMatTVec). IN: [m, H] rows h_t; DZ: [m, K];
 * OUT: [m, 4H] rows [dh_from_output | dh | da | dh_prev]. dh0, zero and chunk as in gruBackRun.
 */
export function rnnBackRun(IN: usize, DZ: usize, OUT: usize, m: i32, Why: usize, K: i32, Whh: usize, H: i32, dh0: usize, zero: usize, t0: i32, chunk: i32): void {
  const hb = <usize>H * F;
  let dn = dh0;
  for (let i = m - 1; i >= 0; i--) {
    if (chunk > 0 && (t0 + i + 1) % chunk == 0) dn = zero;
    const h = IN + <usize>i * hb, out = OUT + <usize>i * 4 * hb;
    const dhOut = out, dh = out + hb, da = out + 2 * hb, dhPrev = out + 3 * hb;
    memory.fill(dhOut, 0, hb);
    matTVecAdd(dhOut, Why, K, H, DZ + <usize>i * <usize>K * F);
    for (let j = 0; j < H; j++) {
      const o = <usize>j * F;
      const d = load<f64>(dhOut + o) + load<f64>(dn + o), hj = load<f64>(h + o);
      store<f64>(dh + o, d);
      store<f64>(da + o, d * (1 - hj * hj));
    }
    memory.fill(dhPrev, 0, hb);
    stepMatTVec(dhPrev, Whh, H, H, da);
    dn = dhPrev;
  }
}
