// The checkpointed trace's LSTM replay (owner: trace): the first pass keeps every step's h (a tape:
// gates.ts's lstmSteps with a TAPE), so recomputing a segment needs no recurrence for its affine
// part: all its steps' W_h h_(t-1) come as one matrix product, and only the gates run step by step.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F } from './simd';
import { lstmGates } from './gates';

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
