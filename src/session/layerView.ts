/**
 * The layer of a stack the panel's cards show, as if it were the only cell: its records under plain
 * names (x = the layer's input, h, c, the gates), its previous states, its equations under the
 * stack's parameter names (W_xh_l2, ...), and which parameters are its own. A single cell is its
 * own (and only) layer. Pure: no vscode.
 */
import { cellInfo, layerInput, type BackwardRecord, type CellEquations, type ForwardRecord, type Params, type Problem, type Trace } from '../engine';

export interface LayerView {
  /** The layer shown, 1 = bottom; L for a single cell (1). */
  l: number;
  L: number;
  /** The name the layer's input goes by in its equations: x, x_emb or h_l{l-1}. */
  input: string;
  /** The forward record with the layer's x, h, states, pre-activations and gates (z, y, loss the model's). */
  forward: ForwardRecord;
  /** The layer's states at t - 1 (s0 at t = 1), plain names. */
  prev: Record<string, Float64Array>;
  /** The backward record at t with the layer's dh (and its two parts), dstates and dgates (asked only in the backward phase). */
  backward(): BackwardRecord;
  /** The layer's equations and whether it is the top one (the output's lines follow only the top); absent for a single cell. */
  cell?: { equations: CellEquations; top: boolean };
  /** The parameters among these that the layer's cards show (all of them for a single cell). */
  only(p: Params): Params;
}

/** Layer `layer` (clamped to 1..L; the top one when absent) of the problem's model at step t. */
export function layerView(problem: Problem, trace: Trace, t: number, layer?: number): LayerView {
  const f = trace.forward(t);
  const prevStates = t > 1 ? trace.forward(t - 1) : null;
  const info = cellInfo(problem.config);
  if (!f.layers || !info.layers) {
    return { l: 1, L: 1, input: 'x', forward: f, prev: prevStates ? prevStates.states : problem.s0, backward: () => trace.backward(t), only: (p) => p };
  }
  const L = f.layers.length;
  const l = Math.min(Math.max(1, Math.round(layer ?? L)), L);
  const k = l - 1;
  const lf = f.layers[k];
  const top = l === L;
  // s0 names a lower layer's states with its suffix (h_l1), the top one's plain.
  const sfx = top ? '' : `_l${l}`;
  const prev = prevStates?.layers
    ? prevStates.layers[k].states
    : Object.fromEntries(Object.keys(lf.states).map((s) => [s, problem.s0[s + sfx]]));
  const own = new Set(Object.keys(info.layers[k].shapes));
  if (top) ['W_hy', 'b_y'].forEach((n) => own.add(n));
  if (l === 1) own.add('W_emb');
  const equations = info.layers[k].equations;
  return {
    l,
    L,
    input: layerInput(l, (problem.config.embedding ?? null) !== null),
    forward: { ...f, x: lf.x, h: lf.h, states: lf.states, pre: lf.pre, gates: lf.gates, ...(lf.states.c ? { c: lf.states.c } : {}) },
    prev,
    backward: () => {
      const r = trace.backward(t);
      const lb = r.layers![k];
      return { ...r, dh: lb.dh, dh_from_output: lb.dh_from_output, dh_from_future: lb.dh_from_future, dstates: lb.dstates, dgates: lb.dgates, ...(lb.dstates.c ? { dc: lb.dstates.c } : {}) };
    },
    cell: { equations, top },
    only: (p) => Object.fromEntries(Object.entries(p).filter(([n]) => own.has(n))),
  };
}
