/**
 * Stacked layers and a token embedding, composed into one Cell so the time loop, truncation,
 * traces, gradient check, training and sampling take stacks unchanged.
 *
 * Layer l reads layer l-1's h_t (layer 1 reads x_t, or the embedding e_t = W_emb^T x_t, row v of
 * W_emb for token v); the output layer reads the top layer's h. Names:
 *  - parameters: layer 1 plain (W_xh), layer l >= 2 with the suffix _l{l} (W_xh_l2); W_emb [V, E];
 *  - states, gates and saved vectors: the top layer's plain (h, c, i, ...: what the output reads and
 *    the records show), a lower layer l's with the suffix _l{l} (h_l1, c_l1, i_l1).
 */
import type { Params } from '../types';
import { addInto, matTVecAdd, matVecAdd } from '../linalg';
import type { BatchCell, Cell, CellInfo, CellState, GradTerm, StepCache, StepGrad } from './cell';
import { stackedBatch } from './stackedBatch';

/** Our name of a layer's parameter (layer counts from 1). */
export const layerParam = (name: string, layer: number): string => (layer <= 1 ? name : `${name}_l${layer}`);

/** The name layer l's input goes by in its equations: x, the embedding's x_emb, or the layer below's h_l{l-1}. */
export const layerInput = (layer: number, embedding: boolean): string => (layer > 1 ? `h_l${layer - 1}` : embedding ? 'x_emb' : 'x');

/** A stack of cells of one kind, with an optional embedding before the first. */
export class StackedCell implements Cell {
  readonly D: number;
  readonly H: number;
  readonly info: CellInfo;
  readonly terms: GradTerm[];
  private readonly L: number;
  /** Per layer: our parameter name -> the layer cell's own name. */
  private readonly own: Record<string, string>[];

  /**
   * layers[k] is layer k+1, already sized (layer 1: D = E or the input width; above: D = H).
   * V and E: the embedding's table size, or null.
   */
  constructor(
    private readonly layers: Cell[],
    private readonly embedding: { V: number; E: number } | null,
  ) {
    this.L = layers.length;
    const top = layers[this.L - 1];
    this.H = top.H;
    this.D = embedding ? embedding.V : layers[0].D;
    this.own = layers.map((c, k) => Object.fromEntries(Object.keys(c.info.shapes).map((n) => [layerParam(n, k + 1), n])));
    this.terms = this.buildTerms();
    this.info = this.buildInfo();
  }

  /** The suffix of a lower layer's states, gates and saved vectors ('' for the top layer). */
  private sfx(k: number): string {
    return k === this.L - 1 ? '' : `_l${k + 1}`;
  }

  /** The layer's parameters under its cell's own names (a view: no copies). */
  private view(p: Params, k: number): Params {
    const out: Params = {};
    for (const [ours, theirs] of Object.entries(this.own[k])) out[theirs] = p[ours];
    return out;
  }

  private pick(r: Record<string, Float64Array>, k: number, names: string[]): CellState {
    const s = this.sfx(k);
    return Object.fromEntries(names.map((n) => [n, r[n + s]]));
  }

  private put(into: Record<string, Float64Array>, from: Record<string, Float64Array>, k: number): void {
    const s = this.sfx(k);
    for (const [n, v] of Object.entries(from)) into[n + s] = v;
  }

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    const aux: Record<string, Float64Array> = {};
    let input = x;
    if (this.embedding) {
      const { V, E } = this.embedding;
      input = new Float64Array(E);
      matTVecAdd(input, p.W_emb.data, V, E, x); // W_emb^T: [E,V] · x: [V] (row v for token v)
      aux.x_emb = input;
    }
    const state: CellState = {};
    const pre: Record<string, Float64Array> = {};
    const gates: Record<string, Float64Array> = {};
    const layers: StepCache[] = [];
    for (let k = 0; k < this.L; k++) {
      const cell = this.layers[k];
      const c = cell.forward(this.view(p, k), input, this.pick(prev, k, cell.info.states));
      layers.push(c);
      this.put(state, c.state, k);
      this.put(pre, c.pre, k);
      this.put(gates, c.gates, k);
      this.put(aux, c.aux, k);
      input = c.h;
    }
    return { x, prev, state, h: state.h, pre, gates, aux, layers };
  }

  backward(p: Params, cache: StepCache, d: CellState, withDx = false): StepGrad {
    const caches = cache.layers as StepCache[];
    const grads: StepGrad[] = new Array(this.L);
    const dgates: Record<string, Float64Array> = {};
    const dstate: CellState = {};
    const dprev: CellState = {};
    const extra: Record<string, Float64Array> = {};
    let fromAbove: Float64Array | null = null;
    for (let k = this.L - 1; k >= 0; k--) {
      const cell = this.layers[k];
      const dk = this.pick(d, k, cell.info.states);
      for (const n of cell.info.states) if (!dk[n]) dk[n] = new Float64Array(this.H);
      if (fromAbove) {
        // dL/dh of a lower layer: from its own future and from the layer above (its dx).
        const dh = dk.h.slice();
        addInto(dh, fromAbove);
        dk.h = dh;
      }
      const g = cell.backward(this.view(p, k), caches[k], dk, k > 0 || this.embedding !== null || withDx);
      grads[k] = g;
      this.put(dgates, g.dgates, k);
      this.put(dstate, g.dstate, k);
      this.put(dprev, g.dprev, k);
      if (g.extra) this.put(extra, g.extra, k);
      fromAbove = g.dx;
    }
    let dx: Float64Array | null = fromAbove;
    if (this.embedding) {
      extra.dx_emb = fromAbove as Float64Array;
      dx = null;
      if (withDx) {
        dx = new Float64Array(this.embedding.V);
        matVecAdd(dx, p.W_emb.data, this.embedding.V, this.embedding.E, fromAbove as Float64Array); // W_emb: [V,E] · de: [E]
      }
    }
    return { dgates, dstate, dprev, dx: withDx ? dx : null, extra, layers: grads };
  }

  /** The minibatch path layer over layer (stackedBatch.ts), when every layer has one. */
  get batch(): ((p: Params) => BatchCell) | undefined {
    if (!this.layers.every((c) => c.batch)) return undefined;
    return (p) => stackedBatch({ layers: this.layers, view: (q, k) => this.view(q, k), sfx: (k) => this.sfx(k), embedding: this.embedding }, p);
  }

  /** Each layer's terms under our names; the embedding's dW_emb = x ⊗ de (row v for token v). */
  private buildTerms(): GradTerm[] {
    const out: GradTerm[] = [];
    if (this.embedding) out.push({ kind: 'outerT', param: 'W_emb', grad: 'dx_emb', input: 'x' });
    this.layers.forEach((cell, k) => {
      const s = this.sfx(k);
      const states = new Set(cell.info.states);
      const inputName = (key: string): string => {
        if (key === 'x') return layerInput(k + 1, this.embedding !== null);
        if (key.endsWith('_prev') && states.has(key.slice(0, -5))) return `${key.slice(0, -5)}${s}_prev`;
        return key + s;
      };
      for (const t of cell.terms) {
        const param = layerParam(t.param, k + 1);
        if (t.kind === 'bias') out.push({ ...t, param, grad: t.grad + s });
        else out.push({ ...t, param, grad: t.grad + s, input: inputName(t.input) } as GradTerm);
      }
    });
    return out;
  }

  /** Layer k's own description under the stack's names: its parameters renamed, its input named, its states and gates plain. */
  private layerInfo(k: number): CellInfo {
    const info = this.layers[k].info;
    // Each parameter P and its gradient's name dP (the backward's `dW_xh = outer(da, x)`).
    const names = new Map<string, string>(Object.keys(info.shapes).flatMap((n) => [[n, layerParam(n, k + 1)], [`d${n}`, `d${layerParam(n, k + 1)}`]]));
    names.set('x', layerInput(k + 1, this.embedding !== null));
    const rename = (line: string): string => line.replace(/\b[A-Za-z_]\w*\b/g, (w) => names.get(w) ?? w);
    const param = (n: string): string => layerParam(n, k + 1);
    const shapes: Record<string, number[]> = {};
    const symbols: Record<string, string[]> = {};
    for (const [n, shape] of Object.entries(info.shapes)) {
      shapes[param(n)] = shape;
      symbols[param(n)] = info.symbols[n].map((sym) => (sym === 'D' && k > 0 ? 'H' : sym === 'D' && this.embedding ? 'E' : sym));
    }
    return {
      ...info,
      shapes,
      symbols,
      recurrent: info.recurrent.map(param),
      mainRecurrent: param(info.mainRecurrent),
      forgetBias: info.forgetBias === null ? null : param(info.forgetBias),
      equations: { forward: info.equations.forward.map(rename), backward: info.equations.backward.map(rename) },
    };
  }

  private buildInfo(): CellInfo {
    const layers = this.layers.map((_, k) => this.layerInfo(k));
    const top = layers[this.L - 1];
    const shapes: Record<string, number[]> = {};
    const symbols: Record<string, string[]> = {};
    if (this.embedding) {
      shapes.W_emb = [this.embedding.V, this.embedding.E];
      symbols.W_emb = ['V', 'E'];
    }
    for (const l of layers) {
      Object.assign(shapes, l.shapes);
      Object.assign(symbols, l.symbols);
    }
    const states = [...top.states, ...this.layers.slice(0, -1).flatMap((c, k) => c.info.states.map((n) => n + this.sfx(k)))];
    const parts = [this.L > 1 ? `${this.L} layers` : '', this.embedding ? `embedding ${this.embedding.E}` : ''].filter(Boolean);
    return {
      ...top,
      label: `${top.label}, ${parts.join(', ')}`,
      states,
      shapes,
      symbols,
      // The top layer's equations read its own parameters and the layer below's h as its x.
      recurrent: layers.flatMap((l) => l.recurrent),
      settings: [...top.settings, 'layers', 'embedding'],
      layers,
    };
  }
}
