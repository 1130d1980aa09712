/**
 * The LSTM cell, with the notes' peephole and coupled-gate variants.
 *   i = σ(W_xi x + W_hi h_prev + b_i [+ w_ci⊙c_prev])   (coupled: i = 1 - f)
 *   f = σ(W_xf x + W_hf h_prev + b_f [+ w_cf⊙c_prev])
 *   g = tanh(W_xg x + W_hg h_prev + b_g)
 *   c = f⊙c_prev + i⊙g
 *   o = σ(W_xo x + W_ho h_prev + b_o [+ w_co⊙c])
 *   h = o⊙tanh(c)
 */
import type { Params } from '../types';
import { affineRows, lstmStepFromWasm, lstmStepWasm, matTVecAddMany, sigmoid } from '../linalg';
import { VecPool } from '../vecPool';
import { lstmAdvance, lstmReplayer, lstmRunner } from './lstmRun';
import { equations } from './lstmEquations';
import { gradsStandard, lstmBackwardRun } from './lstmBackward';
import { lstmBatch } from '../batch/lstm';
import type { BatchCell } from './cell';
import { CustomCell } from './custom/cell';
import { gateSymbols, gateTerms, shapesOf, type BackwardStep, type Cell, type CellInfo, type CellState, type GradTerm, type Replay, type StepCache, type StepGrad, type StepRunner, type TapeRecord } from './cell';

export class LstmCell implements Cell {
  readonly terms: GradTerm[];
  readonly info: CellInfo;
  /** The gates that have their own parameters. */
  private readonly own: string[];

  constructor(
    readonly D: number,
    readonly H: number,
    readonly peephole: boolean,
    readonly coupled: boolean,
  ) {
    this.own = coupled ? ['f', 'g', 'o'] : ['i', 'f', 'g', 'o'];
    this.terms = this.own.flatMap((q) => gateTerms(q));
    this.names = { Wx: this.own.map((q) => `W_x${q}`), Wh: this.own.map((q) => `W_h${q}`), b: this.own.map((q) => `b_${q}`) };
    this.pools = { buf: new VecPool(8 * H), f: new VecPool(H), c: new VecPool(H), h: new VecPool(H), grad: new VecPool(7 * H), back: new VecPool(9 * H) };
    const symbols: Record<string, string[]> = Object.assign({}, ...['i', 'f', 'g', 'o'].filter((q) => this.own.includes(q)).map(gateSymbols));
    if (peephole) {
      if (!coupled) this.terms.push({ kind: 'diag', param: 'w_ci', grad: 'i', input: 'c_prev' });
      this.terms.push({ kind: 'diag', param: 'w_cf', grad: 'f', input: 'c_prev' }, { kind: 'diag', param: 'w_co', grad: 'o', input: 'c' });
      if (!coupled) symbols.w_ci = ['H'];
      symbols.w_cf = ['H'];
      symbols.w_co = ['H'];
    }
    const variant = [peephole && 'peephole', coupled && 'coupled'].filter(Boolean).join(', ');
    this.info = {
      kind: 'lstm',
      label: variant ? `lstm (${variant})` : 'lstm',
      states: ['h', 'c'],
      shapes: shapesOf(symbols, H, D),
      symbols,
      gates: ['i', 'f', 'g', 'o'],
      recurrent: this.own.map((q) => `W_h${q}`),
      mainRecurrent: 'W_hg',
      gamma: 1,
      path: { gate: 'f', complement: false, label: 'Π f', what: 'cell-state path' },
      settings: ['peephole', 'coupled'],
      forgetBias: 'b_f',
      pytorch: peephole || coupled
        ? { module: null, why: `nn.LSTM has no ${peephole ? 'peepholes' : 'coupled gates'}; set model.${peephole ? 'peephole' : 'coupled'}: false`, blocks: [], hiddenBias: null }
        : { module: 'LSTM', blocks: ['i', 'f', 'g', 'o'].map((q) => [`W_x${q}`, `W_h${q}`, `b_${q}`]), hiddenBias: null },
      equations: equations(this.own, peephole, coupled),
    };
  }

  /** The own gates' parameter names, in order: W_xq, W_hq, b_q (built once, not per step). */
  private readonly names: { Wx: string[]; Wh: string[]; b: string[] };
  /** The step's own vectors (vecPool.ts): the 8H buffer, and f, c, h in pools of their own (flow keeps them alone). */
  private readonly pools: Record<'buf' | 'f' | 'c' | 'h' | 'grad' | 'back', VecPool>;

  private params(p: Params): { Wx: Float64Array[]; Wh: Float64Array[]; b: Float64Array[] } {
    const { names } = this;
    return { Wx: names.Wx.map((n) => p[n].data), Wh: names.Wh.map((n) => p[n].data), b: names.b.map((n) => p[n].data) };
  }

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    const { H, D, peephole, coupled } = this;
    const cPrev = prev.c;
    const w = this.params(p);
    // One buffer for the step's pre-activations (i f g o), the gates i, g, o and tanh(c). The
    // state (h, c) and the path gate f get their own: flow and hiddenStates keep them alone.
    const pools = this.pools;
    const buf = pools.buf.take();
    const ai = buf.subarray(0, H), af = buf.subarray(H, 2 * H), ag = buf.subarray(2 * H, 3 * H), ao = buf.subarray(3 * H, 4 * H);
    const i = buf.subarray(4 * H, 5 * H), g = buf.subarray(5 * H, 6 * H), o = buf.subarray(6 * H, 7 * H), tc = buf.subarray(7 * H);
    const f = pools.f.take(), c = pools.c.take(), h = pools.h.take();
    const standard = !peephole && !coupled;
    if (standard && lstmStepWasm(buf, w.b, w.Wx, w.Wh, H, D, x, prev.h, cPrev, f, c, h)) {
      // The affine part and the gates in one wasm call: the same bits as the two lines below.
    } else if (standard) {
      affineRows(buf.subarray(0, 4 * H), w.b, w.Wx, w.Wh, H, D, x, prev.h);
      gatesStandard(H, buf, cPrev, f, c, h);
    } else {
      // Coupled: no i row (ai stays zero, outside pre).
      affineRows(coupled ? buf.subarray(H, 4 * H) : buf.subarray(0, 4 * H), w.b, w.Wx, w.Wh, H, D, x, prev.h);
      for (let j = 0; j < H; j++) {
        if (peephole) {
          af[j] += p.w_cf.data[j] * cPrev[j];
          if (!coupled) ai[j] += p.w_ci.data[j] * cPrev[j];
        }
        f[j] = sigmoid(af[j]);
        i[j] = coupled ? 1 - f[j] : sigmoid(ai[j]);
        g[j] = Math.tanh(ag[j]);
        c[j] = f[j] * cPrev[j] + i[j] * g[j];
        if (peephole) ao[j] += p.w_co.data[j] * c[j];
        o[j] = sigmoid(ao[j]);
        tc[j] = Math.tanh(c[j]);
        h[j] = o[j] * tc[j];
      }
    }
    const pre: Record<string, Float64Array> = coupled ? { f: af, g: ag, o: ao } : { i: ai, f: af, g: ag, o: ao };
    return { x, prev, state: { h, c }, h, pre, gates: { i, f, g, o }, aux: { tanh_c: tc } };
  }

  /** The standard step from its input halves xa (lstmRun.ts), with forward's vectors and bits. */
  private stepFrom(x: Float64Array, prev: CellState, xa: Float64Array, Wh: Float64Array): StepCache {
    const { pools } = this;
    const buf = pools.buf.take(), f = pools.f.take(), c = pools.c.take(), h = pools.h.take();
    lstmStepFromWasm(buf, xa, Wh, this.H, prev.h, prev.c, f, c, h);
    return this.record(x, prev, buf, f, c, h);
  }

  /** A step's record over its own vectors: buf [a_i a_f a_g a_o | i g o tanh(c)], f, c, h. */
  private record(x: Float64Array, prev: CellState, buf: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): StepCache {
    const H = this.H;
    const ai = buf.subarray(0, H), af = buf.subarray(H, 2 * H), ag = buf.subarray(2 * H, 3 * H), ao = buf.subarray(3 * H, 4 * H);
    const i = buf.subarray(4 * H, 5 * H), g = buf.subarray(5 * H, 6 * H), o = buf.subarray(6 * H, 7 * H), tc = buf.subarray(7 * H);
    return { x, prev, state: { h, c }, h, pre: { i: ai, f: af, g: ag, o: ao }, gates: { i, f, g, o }, aux: { tanh_c: tc } };
  }

  /** The standard LSTM's run with records (lstmRun.ts); null for the variants, or where the step would not run in wasm. */
  runner(p: Params, inputs: readonly Float64Array[], from: number, to: number): StepRunner | null {
    if (this.peephole || this.coupled) return null;
    return lstmRunner(this.H, this.D, p, inputs, from, to, (x, prev, xa, Wh) => this.stepFrom(x, prev, xa, Wh));
  }

  backward(p: Params, cache: StepCache, d: CellState, withDx = false): StepGrad {
    const { H, D, peephole, coupled } = this;
    const { i, f, g, o } = cache.gates;
    const tc = cache.aux.tanh_c;
    const cPrev = cache.prev.c;
    const dh = d.h;
    const dcFuture = d.c as Float64Array | undefined;
    // One buffer for the step's gradients: da_i da_f da_g da_o, dc, dc_prev, dh_prev.
    const buf = this.pools.grad.take();
    const dai = buf.subarray(0, H), daf = buf.subarray(H, 2 * H), dag = buf.subarray(2 * H, 3 * H), dao = buf.subarray(3 * H, 4 * H);
    const dc = buf.subarray(4 * H, 5 * H), dcPrev = buf.subarray(5 * H, 6 * H), dhPrev = buf.subarray(6 * H);
    if (!peephole && !coupled) gradsStandard(H, cache.gates, tc, cPrev, dh, dcFuture, buf);
    else {
      for (let j = 0; j < H; j++) {
        dao[j] = dh[j] * tc[j] * o[j] * (1 - o[j]);
        // dc_t: from c_{t+1}, through h_t = o⊙tanh(c_t), and through o's peephole on c_t.
        dc[j] = (dcFuture ? dcFuture[j] : 0) + dh[j] * o[j] * (1 - tc[j] * tc[j]) + (peephole ? dao[j] * p.w_co.data[j] : 0);
        const di = dc[j] * g[j];
        dag[j] = dc[j] * i[j] * (1 - g[j] * g[j]);
        // coupled: i = 1 - f, so f also receives -di.
        const df = dc[j] * cPrev[j] - (coupled ? di : 0);
        daf[j] = df * f[j] * (1 - f[j]);
        if (!coupled) dai[j] = di * i[j] * (1 - i[j]);
        dcPrev[j] = dc[j] * f[j];
        if (peephole) {
          dcPrev[j] += daf[j] * p.w_cf.data[j];
          if (!coupled) dcPrev[j] += dai[j] * p.w_ci.data[j];
        }
      }
    }
    const dgates: Record<string, Float64Array> = coupled ? { f: daf, g: dag, o: dao } : { i: dai, f: daf, g: dag, o: dao };
    const das = coupled ? [daf, dag, dao] : [dai, daf, dag, dao]; // the own gates', in order
    const names = this.names;
    matTVecAddMany(dhPrev, names.Wh.map((n) => p[n].data), das, H, H); // Σ_q W_hq^T · da_q
    let dx: Float64Array | null = null;
    if (withDx) {
      dx = new Float64Array(D);
      matTVecAddMany(dx, names.Wx.map((n) => p[n].data), das, H, D); // Σ_q W_xq^T · da_q
    }
    return { dgates, dstate: { h: dh, c: dc }, dprev: { h: dhPrev, c: dcPrev }, dx };
  }

  /** backwardRange's sweep over a run in wasm (lstmBackward.ts); null for the variants, or where it would not run in wasm. */
  backwardRun(p: Params, K: number, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState): BackwardStep[] | null {
    if (this.peephole || this.coupled) return null;
    return lstmBackwardRun(this.H, K, p, caches, dzs, t0, chunk, dNext, this.pools.back);
  }

  /** The standard LSTM's run without records (lstmRun.ts); null for the variants, or where it would not run in wasm. */
  advance(p: Params, inputs: readonly Float64Array[], s0: CellState, from: number, to: number, want: (i: number) => boolean, keep: (i: number, state: CellState) => void, record?: TapeRecord): CellState | null {
    if (this.peephole || this.coupled) return null;
    return lstmAdvance(this.H, this.D, p, inputs, s0, from, to, want, keep, record);
  }

  /** The standard LSTM's replay from a tape of h (lstmRun.ts), each step's vectors copied into the pools'; null for the variants or outside wasm. */
  replayer(p: Params): Replay | null {
    if (this.peephole || this.coupled) return null;
    const { pools } = this;
    return lstmReplayer(this.H, this.D, p, (x, prev, vb, vf, vc, vh) => {
      const buf = pools.buf.take(), f = pools.f.take(), c = pools.c.take(), h = pools.h.take();
      buf.set(vb);
      f.set(vf);
      c.set(vc);
      h.set(vh);
      return this.record(x, prev, buf, f, c, h);
    });
  }

  /**
   * The minibatch path: the standard LSTM's stacked gates (batch/lstm.ts); peephole and coupled
   * gates through the cell's own equations compiled as a custom cell (the same parameters).
   */
  batch(p: Params): BatchCell {
    if (!this.peephole && !this.coupled) return lstmBatch(p, this.H, this.D);
    const { states, symbols, equations } = this.info;
    this.asEquations ??= new CustomCell(this.D, this.H, { states, params: symbols, equations: equations.forward.join('\n') });
    return this.asEquations.batch(p);
  }

  private asEquations: CustomCell | undefined;
}

/**
 * The standard LSTM's gates from its pre-activations (buf: [a_i a_f a_g a_o | i g o tanh(c)], each
 * H long), into buf, f, c and h. Apart from the step so that it stays small enough to be inlined
 * and optimised as one loop.
 */
function gatesStandard(H: number, buf: Float64Array, cPrev: Float64Array, f: Float64Array, c: Float64Array, h: Float64Array): void {
  for (let j = 0; j < H; j++) {
    // σ as linalg's sigmoid, written out: V8 did not inline the call here (a profile showed it apart).
    const af = buf[H + j], ai = buf[j], ao = buf[3 * H + j];
    const ef = Math.exp(af >= 0 ? -af : af), ei = Math.exp(ai >= 0 ? -ai : ai), eo = Math.exp(ao >= 0 ? -ao : ao);
    const fj = af >= 0 ? 1 / (1 + ef) : ef / (1 + ef);
    const ij = ai >= 0 ? 1 / (1 + ei) : ei / (1 + ei);
    const oj = ao >= 0 ? 1 / (1 + eo) : eo / (1 + eo);
    const gj = Math.tanh(buf[2 * H + j]);
    const cj = fj * cPrev[j] + ij * gj, tcj = Math.tanh(cj);
    f[j] = fj;
    buf[4 * H + j] = ij;
    buf[5 * H + j] = gj;
    buf[6 * H + j] = oj;
    buf[7 * H + j] = tcj;
    c[j] = cj;
    h[j] = oj * tcj;
  }
}
