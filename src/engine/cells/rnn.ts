/** The vanilla RNN cell: h_t = f(W_xh x_t + W_hh h_{t-1} + b_h). */
import type { Activation, Params } from '../types';
import { matTVecAdd, matVecInWasm, matVecAdd, sigmoid, tanhInto } from '../linalg';
import { stepKernels, stepMatTVec, stepMatVec } from '../kernels/wasmGru';
import { VecPool } from '../vecPool';
import { projectedRunner } from './lstmRun';
import { rnnRunner } from './stepRun';
import { rnnBackwardRun } from './stepBackward';
import { rnnBatch } from '../batch/rnn';
import type { BatchCell } from './cell';
import { shapesOf, type BackwardStep, type Cell, type CellInfo, type CellState, type GradTerm, type StepCache, type StepGrad, type StepRunner } from './cell';

const SYMBOLS: Record<string, string[]> = { W_xh: ['H', 'D'], W_hh: ['H', 'H'], b_h: ['H'] };

/** f'(a) in the expression language, from the saved output h = f(a) where the notes do so. */
const DERIVATIVE: Record<Activation, string> = { tanh: '(1 - h * h)', sigmoid: 'h * (1 - h)', relu: 'step(a)', identity: '1' };

export class RnnCell implements Cell {
  // a = W_xh x + W_hh h_prev + b_h: the gradient at a feeds all three.
  readonly terms: GradTerm[] = [
    { kind: 'outer', param: 'W_xh', grad: 'a', input: 'x' },
    { kind: 'outer', param: 'W_hh', grad: 'a', input: 'h_prev' },
    { kind: 'bias', param: 'b_h', grad: 'a' },
  ];
  readonly info: CellInfo;
  /** The step's vectors, from chunked pools (vecPool.ts). */
  private readonly pools: Record<'a' | 'h' | 'da' | 'dh' | 'back', VecPool>;

  constructor(
    readonly D: number,
    readonly H: number,
    readonly activation: Activation,
  ) {
    const f = activation;
    this.pools = { a: new VecPool(H), h: new VecPool(H), da: new VecPool(H), dh: new VecPool(H), back: new VecPool(4 * H) };
    this.info = {
      kind: 'rnn',
      label: `rnn (${f})`,
      states: ['h'],
      shapes: shapesOf(SYMBOLS, H, D),
      symbols: SYMBOLS,
      gates: [],
      recurrent: ['W_hh'],
      mainRecurrent: 'W_hh',
      gamma: f === 'sigmoid' ? 0.25 : 1,
      path: null,
      settings: ['activation'],
      forgetBias: null,
      pytorch: f === 'tanh' || f === 'relu'
        ? { module: 'RNN', args: `nonlinearity="${f}"`, blocks: [['W_xh', 'W_hh', 'b_h']], hiddenBias: null }
        : { module: null, why: `nn.RNN has only tanh and relu nonlinearities, not ${f}`, blocks: [], hiddenBias: null },
      equations: {
        forward: ['a = W_xh @ x + W_hh @ h_prev + b_h', f === 'identity' ? 'h = a' : `h = ${f}(a)`],
        backward: [`da = dh * ${DERIVATIVE[f]}`, 'dh_prev = transpose(W_hh) @ da', 'dW_xh = outer(da, x)', 'dW_hh = outer(da, h_prev)', 'db_h = da'],
      },
    };
  }

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    return this.step(p, x, prev, null);
  }

  /**
   * Runs of steps with their input halves b_h + W_xh x_t as one product, where W_xh's product runs in
   * wasm: the tanh RNN's steps in wasm blocks (stepRun.ts), else each from its row (lstmRun.ts).
   */
  runner(p: Params, inputs: readonly Float64Array[], from: number, to: number): StepRunner | null {
    if (!matVecInWasm(this.H, this.D)) return null; // forward's W_xh product runs in wasm then, with projectRows' sums
    const w = stepKernels(this.H);
    if (w && this.activation === 'tanh') return rnnRunner(w, this.H, this.D, p, inputs, to, (x, prev, row) => this.cacheFromRow(x, prev, row));
    return projectedRunner(this.H, this.D, p.b_h.data, p.W_xh.data, [], inputs, from, to, (x, prev, xa) => this.step(p, x, prev, xa));
  }

  /** A step's record from its row [a | h] of a wasm run, copied into the pools. */
  private cacheFromRow(x: Float64Array, prev: CellState, row: Float64Array): StepCache {
    const a = this.pools.a.take(), h = this.pools.h.take();
    a.set(row.subarray(0, this.H));
    h.set(row.subarray(this.H));
    return { x, prev, state: { h }, h, pre: { a }, gates: {}, aux: {} };
  }

  /** One step; xa: b_h + W_xh x when a runner formed it (each element the sum matVecAdd forms), else null. */
  private step(p: Params, x: Float64Array, prev: CellState, xa: Float64Array | null): StepCache {
    const { D, H } = this;
    const a = this.pools.a.take(), h = this.pools.h.take();
    if (xa) a.set(xa);
    else {
      a.set(p.b_h.data);
      matVecAdd(a, p.W_xh.data, H, D, x); // b_h + W_xh: [H,D] · x
    }
    const w = stepKernels(H);
    if (w) stepMatVec(w, a, p.W_hh.data, H, H, prev.h); // + W_hh: [H,H] · h_prev (wasm/gru.ts's product)
    else matVecAdd(a, p.W_hh.data, H, H, prev.h);
    if (this.activation === 'tanh') tanhInto(h, a);
    else for (let i = 0; i < H; i++) h[i] = activate(this.activation, a[i]);
    return { x, prev, state: { h }, h, pre: { a }, gates: {}, aux: {} };
  }

  backward(p: Params, cache: StepCache, d: CellState, withDx = false): StepGrad {
    const { H, D } = this;
    const dh = d.h;
    const da = this.pools.da.take();
    // f'(a) from the saved output: tanh' = 1 - h^2, sigmoid' = h(1 - h), relu' = [a > 0].
    const h = cache.h;
    if (this.activation === 'tanh') for (let i = 0; i < H; i++) da[i] = dh[i] * (1 - h[i] * h[i]);
    else for (let i = 0; i < H; i++) da[i] = dh[i] * derivative(this.activation, h[i], cache.pre.a[i]);
    const dhPrev = this.pools.dh.take();
    const w = stepKernels(H);
    if (w) stepMatTVec(w, dhPrev, p.W_hh.data, H, H, da); // W_hh^T · da
    else matTVecAdd(dhPrev, p.W_hh.data, H, H, da);
    let dx: Float64Array | null = null;
    if (withDx) {
      dx = new Float64Array(D);
      matTVecAdd(dx, p.W_xh.data, H, D, da); // W_xh^T · da
    }
    return { dgates: { a: da }, dstate: { h: dh }, dprev: { h: dhPrev }, dx };
  }

  /** backwardRange's sweep over a run of steps in wasm for the tanh RNN (stepBackward.ts), or null where it does not apply. */
  backwardRun(p: Params, K: number, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState): BackwardStep[] | null {
    return this.activation === 'tanh' ? rnnBackwardRun(this.H, K, p, caches, dzs, t0, chunk, dNext, this.pools.back) : null;
  }

  /** The minibatch path (batch/rnn.ts). */
  batch(p: Params): BatchCell {
    return rnnBatch(p, this.H, this.D, this.activation);
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
