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
import { matTVecAdd, matVecAdd, sigmoid } from '../linalg';
import { gateSymbols, gateTerms, shapesOf, type Cell, type CellInfo, type CellState, type GradTerm, type StepCache, type StepGrad } from './cell';

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
      equations: equations(this.own, peephole, coupled),
    };
  }

  private affine(p: Params, q: string, x: Float64Array, hPrev: Float64Array): Float64Array {
    const { D, H } = this;
    const a = p[`b_${q}`].data.slice();
    matVecAdd(a, p[`W_x${q}`].data, H, D, x); // W_xq: [H,D] · x
    matVecAdd(a, p[`W_h${q}`].data, H, H, hPrev); // W_hq: [H,H] · h_prev
    return a;
  }

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    const { H, peephole, coupled } = this;
    const cPrev = prev.c;
    const af = this.affine(p, 'f', x, prev.h);
    const ag = this.affine(p, 'g', x, prev.h);
    const ao = this.affine(p, 'o', x, prev.h);
    const ai = coupled ? new Float64Array(H) : this.affine(p, 'i', x, prev.h);
    const i = new Float64Array(H), f = new Float64Array(H), g = new Float64Array(H), o = new Float64Array(H);
    const c = new Float64Array(H), tc = new Float64Array(H), h = new Float64Array(H);
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
    const pre: Record<string, Float64Array> = coupled ? { f: af, g: ag, o: ao } : { i: ai, f: af, g: ag, o: ao };
    return { x, prev, state: { h, c }, h, pre, gates: { i, f, g, o }, aux: { tanh_c: tc } };
  }

  backward(p: Params, cache: StepCache, d: CellState, withDx = false): StepGrad {
    const { H, D, peephole, coupled } = this;
    const { i, f, g, o } = cache.gates;
    const tc = cache.aux.tanh_c;
    const cPrev = cache.prev.c;
    const dh = d.h;
    const dcFuture = d.c as Float64Array | undefined;
    const dai = new Float64Array(H), daf = new Float64Array(H), dag = new Float64Array(H), dao = new Float64Array(H);
    const dc = new Float64Array(H), dcPrev = new Float64Array(H);
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
    const dgates: Record<string, Float64Array> = coupled ? { f: daf, g: dag, o: dao } : { i: dai, f: daf, g: dag, o: dao };
    const dhPrev = new Float64Array(H);
    for (const q of this.own) matTVecAdd(dhPrev, p[`W_h${q}`].data, H, H, dgates[q]); // Σ_q W_hq^T · da_q
    let dx: Float64Array | null = null;
    if (withDx) {
      dx = new Float64Array(D);
      for (const q of this.own) matTVecAdd(dx, p[`W_x${q}`].data, H, D, dgates[q]); // Σ_q W_xq^T · da_q
    }
    return { dgates, dstate: { h: dh, c: dc }, dprev: { h: dhPrev, c: dcPrev }, dx };
  }
}

/** The LSTM's equations in the expression language; dc_next is dL/dc_t arriving from step t+1. */
function equations(own: string[], peephole: boolean, coupled: boolean): { forward: string[]; backward: string[] } {
  const peep = (q: string, c: string): string => (peephole ? ` + w_c${q} * ${c}` : '');
  const affine = (q: string): string => `W_x${q} @ x + W_h${q} @ h_prev + b_${q}`;
  const forward = [
    ...(coupled ? [] : [`i = sigmoid(${affine('i')}${peep('i', 'c_prev')})`]),
    `f = sigmoid(${affine('f')}${peep('f', 'c_prev')})`,
    ...(coupled ? ['i = 1 - f'] : []),
    `g = tanh(${affine('g')})`,
    'c = f * c_prev + i * g',
    `o = sigmoid(${affine('o')}${peep('o', 'c')})`,
    'h = o * tanh(c)',
  ];
  const backward = [
    'do = dh * tanh(c) * o * (1 - o)',
    `dc = dc_next + dh * o * (1 - tanh(c) * tanh(c))${peephole ? ' + w_co * do' : ''}`,
    ...(coupled ? [] : ['di = dc * g * i * (1 - i)']),
    `df = ${coupled ? 'dc * (c_prev - g)' : 'dc * c_prev'} * f * (1 - f)`,
    'dg = dc * i * (1 - g * g)',
    `dc_prev = dc * f${peephole ? ` + w_cf * df${coupled ? '' : ' + w_ci * di'}` : ''}`,
    `dh_prev = ${own.map((q) => `transpose(W_h${q}) @ d${q}`).join(' + ')}`,
    ...own.flatMap((q) => [`dW_x${q} = outer(d${q}, x)`, `dW_h${q} = outer(d${q}, h_prev)`, `db_${q} = d${q}`]),
  ];
  return { forward, backward };
}
