/**
 * The GRU cell in the notes' (classic) form and in PyTorch's form. Both:
 *   r = σ(W_xr x + W_hr h_prev + b_r),  z = σ(W_xz x + W_hz h_prev + b_z)
 * classic: n = tanh(W_xn x + W_hn (r⊙h_prev) + b_n),         h = (1 - z)⊙h_prev + z⊙n
 * pytorch: n = tanh(W_xn x + b_n + r⊙(W_hn h_prev + b_hn)),  h = (1 - z)⊙n + z⊙h_prev
 * z plays opposite roles in the two.
 */
import type { GruVariant, Params } from '../types';
import { matTVecAdd, matTVecAdd2, matVecAdd, matVecAdd2, matVecInWasm, sigmoidInto, tanhInto } from '../linalg';
import { gruBackward, gruForward, stepKernels, type GruRecurrent } from '../kernels/wasmGru';
import { VecPool } from '../vecPool';
import { projectedRunner, stackedInputs } from './lstmRun';
import { gruBackwardRun } from './stepBackward';
import { gruRunner } from './stepRun';
import { gruEquations } from './gruEquations';
import { gruBatch } from '../batch/gru';
import type { BatchCell } from './cell';
import { gateSymbols, gateTerms, shapesOf, type BackwardStep, type Cell, type CellInfo, type CellState, type GradTerm, type StepCache, type StepGrad, type StepRunner } from './cell';

export class GruCell implements Cell {
  readonly terms: GradTerm[];
  readonly info: CellInfo;
  private readonly pools: Record<'buf' | 'z' | 'h' | 'grad' | 'back', VecPool>;

  constructor(
    readonly D: number,
    readonly H: number,
    readonly variant: GruVariant,
  ) {
    this.pools = { buf: new VecPool(6 * H), z: new VecPool(H), h: new VecPool(H), grad: new VecPool(5 * H), back: new VecPool(7 * H) };
    this.terms = [...gateTerms('r'), ...gateTerms('z')];
    if (variant === 'classic') this.terms.push(...gateTerms('n', 'n', 'rh')); // W_hn sees r⊙h_prev
    else {
      // W_hn and b_hn receive d(hn) = da_n ⊙ r; W_xn and b_n receive da_n.
      this.terms.push(
        { kind: 'outer', param: 'W_xn', grad: 'n', input: 'x' },
        { kind: 'bias', param: 'b_n', grad: 'n' },
        { kind: 'outer', param: 'W_hn', grad: 'hn', input: 'h_prev' },
        { kind: 'bias', param: 'b_hn', grad: 'hn' },
      );
    }
    const classic = variant === 'classic';
    const symbols: Record<string, string[]> = { ...gateSymbols('r'), ...gateSymbols('z'), ...gateSymbols('n') };
    if (!classic) symbols.b_hn = ['H'];
    this.info = {
      kind: 'gru',
      label: `gru (${variant})`,
      states: ['h'],
      shapes: shapesOf(symbols, H, D),
      symbols,
      gates: ['r', 'z', 'n'],
      recurrent: ['W_hr', 'W_hz', 'W_hn'],
      mainRecurrent: 'W_hn',
      gamma: 1,
      path: { gate: 'z', complement: classic, label: classic ? 'Π (1 − z)' : 'Π z', what: 'gate path' },
      settings: ['variant'],
      forgetBias: null,
      pytorch: classic
        ? { module: null, why: 'nn.GRU computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) and h = (1 - z) * n + z * h_prev: set model.variant: pytorch', blocks: [], hiddenBias: null }
        : { module: 'GRU', blocks: ['r', 'z', 'n'].map((q) => [`W_x${q}`, `W_h${q}`, `b_${q}`]), hiddenBias: { block: 2, name: 'b_hn' } },
      equations: gruEquations(classic),
    };
  }

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    return this.step(p, x, prev, null);
  }

  /** Runs of steps in wasm blocks (stepRun.ts), or with their input halves as one product (lstmRun.ts), where the products run in wasm. */
  runner(p: Params, inputs: readonly Float64Array[], from: number, to: number): StepRunner | null {
    if (!matVecInWasm(this.H, this.D)) return null;
    const w = stepKernels(this.H);
    if (w) return gruRunner(w, this.H, this.D, p, this.variant === 'classic', inputs, to, (x, prev, row) => this.cacheFromRow(x, prev, row));
    const { bias, Wx } = stackedInputs(p, ['r', 'z', 'n'], this.H, this.D);
    return projectedRunner(3 * this.H, this.D, bias, Wx, [], inputs, from, to, (x, prev, xa) => this.step(p, x, prev, xa));
  }

  /** A step's record from its row [a_r a_z a_n ax r n | z | h] of a wasm run (stepRun.ts), copied into the pools. */
  private cacheFromRow(x: Float64Array, prev: CellState, row: Float64Array): StepCache {
    const H = this.H;
    const buf = this.pools.buf.take(), z = this.pools.z.take(), h = this.pools.h.take();
    buf.set(row.subarray(0, 6 * H));
    z.set(row.subarray(6 * H, 7 * H));
    h.set(row.subarray(7 * H));
    return this.cache(x, prev, buf, z, h);
  }

  /** A step's record: buf = [a_r a_z a_n rh|hn r n] (6H), z and h. */
  private cache(x: Float64Array, prev: CellState, buf: Float64Array, z: Float64Array, h: Float64Array): StepCache {
    const H = this.H;
    const ar = buf.subarray(0, H), az = buf.subarray(H, 2 * H), an = buf.subarray(2 * H, 3 * H), ax = buf.subarray(3 * H, 4 * H);
    const r = buf.subarray(4 * H, 5 * H), n = buf.subarray(5 * H);
    const classic = this.variant === 'classic';
    const pre: Record<string, Float64Array> = { r: ar, z: az, n: an };
    const aux: Record<string, Float64Array> = classic ? { rh: ax } : { hn: ax };
    if (!classic) pre.hn = ax;
    return { x, prev, state: { h }, h, pre, gates: { r, z, n }, aux };
  }

  /**
   * One step; xa: its input halves [b_r + W_xr x | b_z + W_xz x | b_n + W_xn x] when a runner formed
   * them (each element the sum matVecAdd2 and matVecAdd form here), else null.
   */
  private step(p: Params, x: Float64Array, prev: CellState, xa: Float64Array | null): StepCache {
    const { D, H } = this;
    const hPrev = prev.h;
    // The step's vectors (vecPool.ts): [a_r a_z a_n rh|hn r n] in one, z (flow's path gate) and h apart.
    const buf = this.pools.buf.take();
    const z = this.pools.z.take(), h = this.pools.h.take();
    if (xa) buf.set(xa);
    else {
      const ar = buf.subarray(0, H), az = buf.subarray(H, 2 * H), an = buf.subarray(2 * H, 3 * H);
      ar.set(p.b_r.data);
      az.set(p.b_z.data);
      an.set(p.b_n.data);
      matVecAdd2(ar, p.W_xr.data, az, p.W_xz.data, H, D, x); // r and z in one pass over x
      matVecAdd(an, p.W_xn.data, H, D, x); // W_xn: [H,D] · x
    }
    const w = stepKernels(H);
    if (w) gruForward(w, buf, this.recurrent(p), this.variant === 'classic' ? null : p.b_hn.data, hPrev, z, h, H); // the rest of the step in one call
    else this.stepJs(p, buf, hPrev, z, h);
    return this.cache(x, prev, buf, z, h);
  }

  private recurrent(p: Params): GruRecurrent {
    return [p.W_hr.data, p.W_hz.data, p.W_hn.data];
  }

  /** The step after its input halves, in JavaScript (the reference gruForward is tested against). */
  private stepJs(p: Params, buf: Float64Array, hPrev: Float64Array, z: Float64Array, h: Float64Array): void {
    const H = this.H;
    const ar = buf.subarray(0, H), az = buf.subarray(H, 2 * H), an = buf.subarray(2 * H, 3 * H), ax = buf.subarray(3 * H, 4 * H);
    const r = buf.subarray(4 * H, 5 * H), n = buf.subarray(5 * H);
    matVecAdd2(ar, p.W_hr.data, az, p.W_hz.data, H, H, hPrev); // one pass over h_prev
    sigmoidInto(r, ar);
    sigmoidInto(z, az);
    if (this.variant === 'classic') {
      const rh = ax;
      for (let j = 0; j < H; j++) rh[j] = r[j] * hPrev[j];
      matVecAdd(an, p.W_hn.data, H, H, rh); // W_hn: [H,H] · (r⊙h_prev)
    } else {
      const hn = ax;
      hn.set(p.b_hn.data);
      matVecAdd(hn, p.W_hn.data, H, H, hPrev); // W_hn: [H,H] · h_prev + b_hn
      for (let j = 0; j < H; j++) an[j] += r[j] * hn[j];
    }
    tanhInto(n, an);
    if (this.variant === 'classic') for (let j = 0; j < H; j++) h[j] = (1 - z[j]) * hPrev[j] + z[j] * n[j];
    else for (let j = 0; j < H; j++) h[j] = (1 - z[j]) * n[j] + z[j] * hPrev[j];
  }

  backward(p: Params, cache: StepCache, d: CellState, withDx = false): StepGrad {
    const { H, D } = this;
    const { r, z, n } = cache.gates;
    const hPrev = cache.prev.h;
    const dh = d.h;
    const classic = this.variant === 'classic';
    // The step's gradients in one pooled buffer: da_r da_z da_n dh_prev, and d(r⊙h_prev) or d(hn).
    const gbuf = this.pools.grad.take();
    const dar = gbuf.subarray(0, H), daz = gbuf.subarray(H, 2 * H), dan = gbuf.subarray(2 * H, 3 * H);
    const dhPrev = gbuf.subarray(3 * H, 4 * H), dmid = gbuf.subarray(4 * H);
    const dgates: Record<string, Float64Array> = classic ? { r: dar, z: daz, n: dan } : { r: dar, z: daz, n: dan, hn: dmid };
    const w = stepKernels(H);
    if (w) gruBackward(w, gbuf, r, z, n, classic ? null : cache.aux.hn, hPrev, dh, this.recurrent(p), H); // the whole step in one call
    else this.backwardJs(p, cache, dh, gbuf);
    let dx: Float64Array | null = null;
    if (withDx) {
      dx = new Float64Array(D);
      for (const q of ['r', 'z', 'n']) matTVecAdd(dx, p[`W_x${q}`].data, H, D, dgates[q]); // Σ_q W_xq^T · da_q
    }
    return { dgates, dstate: { h: dh }, dprev: { h: dhPrev }, dx };
  }

  /** backwardRange's sweep over a run of steps in wasm (stepBackward.ts), or null where it does not apply. */
  backwardRun(p: Params, K: number, caches: StepCache[], dzs: Float64Array[], t0: number, chunk: number, dNext: CellState): BackwardStep[] | null {
    return gruBackwardRun(this.H, K, this.variant === 'classic', p, caches, dzs, t0, chunk, dNext, this.pools.back);
  }

  /** The backward step in JavaScript into gbuf = [da_r da_z da_n dh_prev dmid] (dmid zero on entry). */
  private backwardJs(p: Params, cache: StepCache, dh: Float64Array, gbuf: Float64Array): void {
    const H = this.H;
    const { r, z, n } = cache.gates;
    const hPrev = cache.prev.h;
    const classic = this.variant === 'classic';
    const dar = gbuf.subarray(0, H), daz = gbuf.subarray(H, 2 * H), dan = gbuf.subarray(2 * H, 3 * H);
    const dhPrev = gbuf.subarray(3 * H, 4 * H), dmid = gbuf.subarray(4 * H);
    for (let j = 0; j < H; j++) {
      const dn = dh[j] * (classic ? z[j] : 1 - z[j]);
      const dz = dh[j] * (classic ? n[j] - hPrev[j] : hPrev[j] - n[j]);
      dhPrev[j] = dh[j] * (classic ? 1 - z[j] : z[j]);
      dan[j] = dn * (1 - n[j] * n[j]);
      daz[j] = dz * z[j] * (1 - z[j]);
    }
    if (classic) {
      const drh = dmid;
      matTVecAdd(drh, p.W_hn.data, H, H, dan); // d(r⊙h_prev) = W_hn^T · da_n
      for (let j = 0; j < H; j++) {
        dar[j] = drh[j] * hPrev[j] * r[j] * (1 - r[j]);
        dhPrev[j] += drh[j] * r[j];
      }
    } else {
      const dhn = dmid;
      for (let j = 0; j < H; j++) {
        dhn[j] = dan[j] * r[j];
        dar[j] = dan[j] * cache.aux.hn[j] * r[j] * (1 - r[j]);
      }
      matTVecAdd(dhPrev, p.W_hn.data, H, H, dhn); // W_hn^T · d(hn)
    }
    matTVecAdd2(dhPrev, p.W_hr.data, dar, p.W_hz.data, daz, H, H); // W_hr^T da_r + W_hz^T da_z
  }

  /** The minibatch path, both variants (batch/gru.ts). */
  batch(p: Params): BatchCell {
    return gruBatch(p, this.H, this.D, this.variant);
  }
}
