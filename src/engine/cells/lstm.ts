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
import { gateTerms, type Cell, type CellState, type GradTerm, type StepCache, type StepGrad } from './cell';

export class LstmCell implements Cell {
  readonly terms: GradTerm[];

  constructor(
    readonly D: number,
    readonly H: number,
    readonly peephole: boolean,
    readonly coupled: boolean,
  ) {
    this.terms = this.own.flatMap((q) => gateTerms(q));
    if (peephole) {
      if (!coupled) this.terms.push({ kind: 'diag', param: 'w_ci', grad: 'i', input: 'cPrev' });
      this.terms.push({ kind: 'diag', param: 'w_cf', grad: 'f', input: 'cPrev' }, { kind: 'diag', param: 'w_co', grad: 'o', input: 'c' });
    }
  }

  /** The gates that have their own parameters. */
  private get own(): string[] {
    return this.coupled ? ['f', 'g', 'o'] : ['i', 'f', 'g', 'o'];
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
    const cPrev = prev.c as Float64Array;
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
    return { x, hPrev: prev.h, cPrev, h, c, pre, gates: { i, f, g, o }, aux: { tanh_c: tc } };
  }

  backward(p: Params, cache: StepCache, dh: Float64Array, dcFuture: Float64Array | null): StepGrad {
    const { H, peephole, coupled } = this;
    const { i, f, g, o } = cache.gates;
    const tc = cache.aux.tanh_c;
    const cPrev = cache.cPrev as Float64Array;
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
    return { dgates, dhPrev, dcPrev, dc };
  }

}
