/**
 * A custom cell's batched step: its compiled graph over [B, ·] blocks, one row per sequence. A node
 * that reads x or a state (directly or not) has B rows; one that reads only parameters and numbers
 * has one row, computed once. A parameter matrix times a batched vector (W @ x, U @ h_prev) runs as
 * one matrix-matrix product over the block, and its matrix's gradient as one packed product over all
 * T·B rows, a window at a time; every other node runs row by row (nodeOps.ts), elementwise over B·H.
 * The backward keeps only the values some local derivative reads (operands of *, /, @, outer, the
 * outputs of functions and their inputs where the derivative reads them, the inputs and outputs of
 * reductions); a state's node writes straight into the state rows. The products' output gradients
 * are kept for a window of steps (WINDOW_ROWS rows), whose matrix gradients are added as it closes.
 */
import type { Params } from '../../types';
import type { BatchCell, BatchRun, BatchState } from '../cell';
import { ELEMENTWISE } from '../../expr';
import { gemmABt } from '../../linalg';
import { atb, block, lastRows, stateRows, transpose } from '../../batch/common';
import { isInput, operands, type GraphNode, type Program } from './compile';
import type { BackwardPlan } from './run';
import { backwardRows, forwardRows, type Rows } from './nodeOps';

/**
 * Rows of the products' output gradients kept at once (a multiple of the kernels' 256-row panels):
 * each window's matrix gradients are one packed product over its rows. 1024 rows of an LSTM's eight
 * products are 16 MiB, against 134 MiB for all T·B = 8192 rows of the bench's batch.
 */
const WINDOW_ROWS = 1024;

export function customBatch(prog: Program, plan: BackwardPlan, consts: (Float64Array | null)[], p: Params, H: number, D: number): BatchCell {
  const { nodes } = prog;
  const N = nodes.length;
  const size = nodes.map((n) => n.shape.reduce((a, b) => a * b, 1));
  const batched = new Uint8Array(N); // reads x or a state
  const keep = new Uint8Array(N); // read by a local derivative in the backward
  nodes.forEach((n, i) => {
    batched[i] = n.op === 'x' || n.op === 'prev' || operands(n).some((k) => batched[k]) ? 1 : 0;
    if (n.op === '*' || n.op === '/' || n.op === '@' || n.op === 'outer') keep[n.a] = keep[n.b] = 1;
    if (n.op === 'fn') {
      keep[i] = 1;
      if (!ELEMENTWISE[n.fn].fromY) keep[n.a] = 1; // sigmoid' and tanh' read y alone
    }
    if (n.op === 'reduce') keep[n.a] = keep[i] = 1;
  });
  // param @ batched vector: one product over the block; its matrix's gradient an outer term over all rows.
  const term = nodes.map((_, i) => plan.termMatmul[i] === 1 && batched[i] === 1);
  const matrixOf = (i: number): string => (nodes[(nodes[i] as { a: number }).a] as { name: string }).name;
  const AT = new Map<string, Float64Array>();
  nodes.forEach((n, i) => {
    if (term[i] && !AT.has(matrixOf(i))) AT.set(matrixOf(i), transpose(p[matrixOf(i)].data, n.shape[0], size[(n as { b: number }).b]));
  });
  const computed = nodes.map((n) => !isInput(n));
  const stateNames = Object.keys(prog.states);
  const prevNode = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (n.op === 'prev') prevNode.set(n.state, i);
  });
  // A batched state's node computes into the state's rows (step t's value is block t+1), so the rows are its kept values.
  const stateOf = new Map<number, string>();
  for (const s of stateNames) if (computed[prog.states[s]] && batched[prog.states[s]] && !stateOf.has(prog.states[s])) stateOf.set(prog.states[s], s);
  const own = (i: number): boolean => keep[i] === 1 && !stateOf.has(i); // kept in a buffer of its own, T steps
  // The products' gradient window counts as T steps here: a bound, never less than it holds.
  let perRowStep = H * stateNames.length + D;
  nodes.forEach((_, i) => {
    if (computed[i] && batched[i]) perRowStep += (own(i) ? size[i] : 0) + (term[i] ? size[i] : 0);
  });

  return {
    resident: [...Object.values(p).map((t) => t.data), ...AT.values()],
    perRowStep,
    forward(X: Float64Array, T: number, B: number, s0: BatchState): BatchRun {
      const Ss: Record<string, Float64Array> = Object.fromEntries(stateNames.map((s) => [s, stateRows(s0[s], T, H)]));
      // Values: kept batched nodes for every step, the others one step's scratch; shared nodes once.
      const V: Float64Array[] = nodes.map((_, i) =>
        !computed[i] || stateOf.has(i) ? new Float64Array(0) : !batched[i] ? new Float64Array(size[i]) : new Float64Array((own(i) ? T : 1) * B * size[i]),
      );
      const val = (i: number, t: number): Rows => {
        const n = nodes[i];
        switch (n.op) {
          case 'x':
            return { d: block(X, t, B, D), rows: B, width: D };
          case 'prev':
            return { d: block(Ss[n.state], t, B, H), rows: B, width: H };
          case 'param':
            return { d: p[n.name].data, rows: 1, width: size[i] };
          case 'const':
            return { d: consts[i] as Float64Array, rows: 1, width: 1 };
        }
        if (!batched[i]) return { d: V[i], rows: 1, width: size[i] };
        const s = stateOf.get(i);
        if (s !== undefined) return { d: block(Ss[s], t + 1, B, H), rows: B, width: H };
        return { d: own(i) ? block(V[i], t, B, size[i]) : V[i], rows: B, width: size[i] };
      };
      const opVal = (i: number, t: number, side: 0 | 1): Rows | null => {
        const k = operands(nodes[i])[side];
        return k === undefined ? null : val(k, t);
      };
      // Shared nodes: once.
      for (let i = 0; i < N; i++) if (computed[i] && !batched[i]) forwardRows(nodes[i], nodes, val(i, 0), opVal(i, 0, 0), opVal(i, 0, 1));
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < N; i++) {
          if (!computed[i] || !batched[i]) continue;
          const y = val(i, t);
          if (!keep[i] && !stateOf.has(i)) y.d.fill(0); // a step's scratch, reused
          const n = nodes[i] as GraphNode & { a: number; b: number };
          if (term[i]) gemmABt(y.d, val(n.b, t).d, p[matrixOf(i)].data, B, n.shape[0], size[n.b]); // v: [B,c] · A: [r,c]ᵀ
          else forwardRows(n, nodes, y, opVal(i, t, 0), opVal(i, t, 1));
        }
        for (const s of stateNames) {
          if (stateOf.get(prog.states[s]) === s) continue; // computed in place
          const v = val(prog.states[s], t), out = block(Ss[s], t + 1, B, H);
          if (v.rows === B) out.set(v.d);
          else for (let b = 0; b < B; b++) out.set(v.d, b * H);
        }
      }
      return {
        Hs: Ss.h,
        end: () => Object.fromEntries(stateNames.map((s) => [s, lastRows(Ss[s], T, B, H)])),
        backward: (dH, cut, grads, withDx) => backward(dH, cut, grads, withDx, T, B, X, Ss, V, val),
      };
    },
  };

  function backward(
    dH: Float64Array,
    cut: (t: number) => boolean,
    grads: Params,
    withDx: boolean,
    T: number,
    B: number,
    X: Float64Array,
    Ss: Record<string, Float64Array>,
    V: Float64Array[],
    val: (i: number, t: number) => Rows,
  ): Float64Array | null {
    const DX = withDx ? new Float64Array(T * B * D) : null;
    // Gradients: the products' outputs for a window of steps (their matrices' gradients as it closes), the rest one step's scratch.
    const span = Math.max(1, Math.min(T, Math.floor(WINDOW_ROWS / B)));
    const DY = nodes.map((_, i) => (term[i] ? new Float64Array(span * B * size[i]) : null));
    let t0 = 0; // the first step of the window that holds step t
    const G = nodes.map((n, i) => (n.op === 'prev' || (computed[i] && !term[i]) ? new Float64Array((batched[i] ? B : 1) * size[i]) : null));
    const gradOf = (i: number, t: number): Rows | null => {
      const n = nodes[i];
      if (n.op === 'x') return DX ? { d: block(DX, t, B, D), rows: B, width: D } : null;
      if (n.op === 'param') return plan.direct.has(n.name) ? { d: grads[n.name].data, rows: 1, width: size[i] } : null;
      if (n.op === 'const') return null;
      if (term[i]) return { d: block(DY[i] as Float64Array, t - t0, B, size[i]), rows: B, width: size[i] };
      return { d: G[i] as Float64Array, rows: batched[i] ? B : 1, width: size[i] };
    };
    const dNext: Record<string, Float64Array> = Object.fromEntries(stateNames.map((s) => [s, new Float64Array(B * H)]));
    // Rows of node k's values from step t on (a product's right operand: kept, an input or a state).
    const rowsFrom = (k: number, t: number): Float64Array => {
      const n = nodes[k], s = stateOf.get(k);
      if (n.op === 'x') return X.subarray(t * B * D);
      if (n.op === 'prev') return Ss[n.state].subarray(t * B * H);
      return s !== undefined ? Ss[s].subarray((t + 1) * B * H) : V[k].subarray(t * B * size[k]);
    };
    for (let t = T - 1; t >= 0; t--) {
      t0 = t - (t % span);
      if (cut(t)) for (const s of stateNames) dNext[s].fill(0);
      for (const g of G) g?.fill(0);
      nodes.forEach((_, i) => term[i] && block(DY[i] as Float64Array, t - t0, B, size[i]).fill(0));
      // Seeds: dL/ds_t from step t+1, and h's from outside the cell.
      for (const s of stateNames) {
        const g = gradOf(prog.states[s], t) as Rows, from = dNext[s], o = t * B * H;
        for (let r = 0; r < B; r++) {
          const go = g.rows === 1 ? 0 : r * H;
          for (let k = 0; k < H; k++) g.d[go + k] += from[r * H + k] + (s === 'h' ? dH[o + r * H + k] : 0);
        }
      }
      for (let i = N - 1; i >= 0; i--) {
        if (!computed[i]) continue;
        const n = nodes[i] as GraphNode & { a: number; b: number };
        const gy = gradOf(i, t) as Rows;
        if (term[i]) {
          const gb = gradOf(n.b, t);
          if (gb) gemmABt(gb.d, gy.d, AT.get(matrixOf(i)) as Float64Array, B, size[n.b], n.shape[0]); // dY: [B,r] · A: [r,c]
          continue;
        }
        const [a, b] = operands(n);
        // A shared param @ vector's matrix gradient: directly, here (its term over the rows is for batched ones).
        const ga = a === undefined ? null : plan.termMatmul[i] ? { d: grads[matrixOf(i)].data, rows: 1, width: size[a] } : gradOf(a, t);
        backwardRows(n, nodes, gy, val(i, t), a === undefined ? null : val(a, t), b === undefined ? null : val(b, t), ga, b === undefined ? null : gradOf(b, t));
      }
      for (const s of stateNames) dNext[s].set(G[prevNode.get(s) as number] as Float64Array);
      if (t !== t0) continue;
      // The window closes: each product's matrix gradient, dA += Σ_rows dY ⊗ v over its rows.
      const rows = (Math.min(t0 + span, T) - t0) * B;
      nodes.forEach((n, i) => {
        if (!term[i]) return;
        const b = (n as { b: number }).b;
        atb(grads[matrixOf(i)].data, DY[i] as Float64Array, size[i], 0, rowsFrom(b, t0), rows, size[i], size[b]);
      });
    }
    return DX;
  }
}
