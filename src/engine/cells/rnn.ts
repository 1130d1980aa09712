/** The vanilla RNN cell: h_t = f(W_xh x_t + W_hh h_{t-1} + b_h). */
import type { Activation, Params } from '../types';
import { matTVecAdd, matVecAdd, sigmoid } from '../linalg';
import { type Cell, type CellState, type GradTerm, type StepCache, type StepGrad } from './cell';

export class RnnCell implements Cell {
  // a = W_xh x + W_hh h_prev + b_h: the gradient at a feeds all three.
  readonly terms: GradTerm[] = [
    { kind: 'outer', param: 'W_xh', grad: 'a', input: 'x' },
    { kind: 'outer', param: 'W_hh', grad: 'a', input: 'hPrev' },
    { kind: 'bias', param: 'b_h', grad: 'a' },
  ];

  constructor(
    readonly D: number,
    readonly H: number,
    readonly activation: Activation,
  ) {}

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    const { D, H } = this;
    const a = p.b_h.data.slice();
    matVecAdd(a, p.W_xh.data, H, D, x); // W_xh: [H,D] · x: [D]
    matVecAdd(a, p.W_hh.data, H, H, prev.h); // W_hh: [H,H] · h_prev: [H]
    const h = new Float64Array(H);
    for (let i = 0; i < H; i++) h[i] = activate(this.activation, a[i]);
    return { x, hPrev: prev.h, cPrev: null, h, c: null, pre: { a }, gates: {}, aux: {} };
  }

  backward(p: Params, cache: StepCache, dh: Float64Array): StepGrad {
    const { H } = this;
    const da = new Float64Array(H);
    // f'(a) from the saved output: tanh' = 1 - h^2, sigmoid' = h(1 - h), relu' = [a > 0].
    for (let i = 0; i < H; i++) da[i] = dh[i] * derivative(this.activation, cache.h[i], cache.pre.a[i]);
    const dhPrev = new Float64Array(H);
    matTVecAdd(dhPrev, p.W_hh.data, H, H, da); // W_hh^T · da
    return { dgates: { a: da }, dhPrev, dcPrev: null, dc: null };
  }

}

export function activate(f: Activation, a: number): number {
  switch (f) {
    case 'tanh':
      return Math.tanh(a);
    case 'sigmoid':
      return sigmoid(a);
    case 'relu':
      return a > 0 ? a : 0;
    case 'identity':
      return a;
  }
}

/** f'(a), from the saved output h = f(a) where the notes do so. */
export function derivative(f: Activation, h: number, a: number): number {
  switch (f) {
    case 'tanh':
      return 1 - h * h;
    case 'sigmoid':
      return h * (1 - h);
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'identity':
      return 1;
  }
}
