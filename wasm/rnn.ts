// The tanh RNN's forward steps in blocks (cells/stepRun.ts): RnnCell's step, m steps a call.

// @ts-nocheck  (AssemblyScript: v128, f64x2, load<T>, usize are its builtins)

import { F } from './simd';
import { stepMatVec } from './gru';
import { tanhInto } from './gates';

/**
 * m tanh RNN steps: row t of XA ([m, H]) holds b_h + W_xh x_t; row t of OUT ([m, 2H]) receives step
 * t's [a | h], a = that row + W_hh h_prev (stepMatVec, as the cell's step forms it in wasm), h =
 * tanh(a) (tanhInto: fdlibm's tanh, Math.tanh's bits). Step 0 starts from h0, step t from row t-1's h.
 */
export function rnnForwardRun(XA: usize, m: i32, OUT: usize, Whh: usize, h0: usize, H: i32): void {
  const hb = <usize>H * F;
  let hPrev = h0;
  for (let t = 0; t < m; t++) {
    const row = OUT + <usize>t * 2 * hb;
    memory.copy(row, XA + <usize>t * hb, hb);
    stepMatVec(row, Whh, H, H, hPrev);
    tanhInto(row + hb, row, H);
    hPrev = row + hb;
  }
}
