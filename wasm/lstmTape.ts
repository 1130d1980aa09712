// The checkpointed trace's two LSTM passes (owner: trace): the first pass keeps every step's h (a
// tape), so recomputing a segment needs no recurrence for its affine part: all its steps'
// W_h h_(t-1) come as one matrix product, and only the gates run step by step.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F } from './simd';
import { matVecAdd } from './matvec';
import { lstmGates } from './gates';

/**
 * lstmSteps (gates.ts), also writing each step's h into row t of TAPE ([m, H]): the same sums in the
 * same order.
 */
export function lstmStepsTape(XA: usize, m: i32, Wh: usize, H: i32, h: usize, c: usize, scratch: usize, TAPE: usize): void {
  const hb = <usize>H * F;
  const buf = scratch, f = scratch + 8 * hb, c2 = f + hb, h2 = c2 + hb;
  for (let t = 0; t < m; t++) {
    memory.copy(buf, XA + <usize>t * 4 * hb, 4 * hb);
    matVecAdd(buf, Wh, 4 * H, H, h);
    lstmGates(buf, c, f, c2, h2, H);
    memory.copy(h, h2, hb);
    memory.copy(c, c2, hb);
    memory.copy(TAPE + <usize>t * hb, h2, hb);
  }
}

/**
 * The gates of m steps whose pre-activations are known (PRE: [m, 4H], rows a_i a_f a_g a_o), c
 * running from c0: step t as lstmGates on BUF's row t ([m, 8H]: the pre-activations copied, then
 * i g o tanh(c)), with FO, CO, HO's row t ([m, H]) for f, c, h.
 */
export function lstmGatesRun(PRE: usize, m: i32, H: i32, c0: usize, BUF: usize, FO: usize, CO: usize, HO: usize): void {
  const hb = <usize>H * F;
  let cPrev = c0;
  for (let t = 0; t < m; t++) {
    const buf = BUF + <usize>t * 8 * hb, c = CO + <usize>t * hb;
    memory.copy(buf, PRE + <usize>t * 4 * hb, 4 * hb);
    lstmGates(buf, cPrev, FO + <usize>t * hb, c, HO + <usize>t * hb, H);
    cPrev = c;
  }
}
