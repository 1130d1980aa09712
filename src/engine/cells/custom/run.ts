/**
 * The compiled graph interpreted on Float64Arrays: forward in order, backward in reverse (reverse-mode
 * differentiation of the same graph, each local derivative beside its forward operation). One arena
 * per step holds every value (the trace keeps it); one per backward holds every gradient.
 */
import type { Params } from '../../types';
import { ELEMENTWISE, REDUCTIONS } from '../../expr';
import { addInto, matTVecAdd, matVecAdd } from '../../linalg';
import type { GraphNode, Program } from './compile';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
/** [rows, cols] of a matrix operand: a vector is a row on the left of '@', a column on the right. */
const dims = (shape: number[], left: boolean): [number, number] => (shape.length === 2 ? [shape[0], shape[1]] : shape.length === 1 ? (left ? [1, shape[0]] : [shape[0], 1]) : [1, 1]);

/** Offsets of each computed node's slot in an arena; -1 for inputs, parameters and constants. */
export interface Layout {
  offsets: Int32Array;
  size: number;
}

/** Value slots: every node computed per step. */
export function valueLayout(nodes: GraphNode[]): Layout {
  const offsets = new Int32Array(nodes.length).fill(-1);
  let at = 0;
  nodes.forEach((n, i) => {
    if (n.op === 'x' || n.op === 'prev' || n.op === 'param' || n.op === 'const') return;
    offsets[i] = at;
    at += size(n.shape);
  });
  return { offsets, size: at };
}

/** Gradient slots: every node but parameters and constants (parameters' gradients go elsewhere). */
export function gradLayout(nodes: GraphNode[]): Layout {
  const offsets = new Int32Array(nodes.length).fill(-1);
  let at = 0;
  nodes.forEach((n, i) => {
    if (n.op === 'param' || n.op === 'const') return;
    offsets[i] = at;
    at += size(n.shape);
  });
  return { offsets, size: at };
}

/** Every node's value at one step: views into one arena, inputs and parameters as given. */
export function forwardValues(prog: Program, layout: Layout, consts: (Float64Array | null)[], p: Params, x: Float64Array, prev: Record<string, Float64Array>): Float64Array[] {
  const { nodes } = prog;
  const arena = new Float64Array(layout.size);
  const v: Float64Array[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    switch (n.op) {
      case 'x':
        v[i] = x;
        continue;
      case 'prev':
        v[i] = prev[n.state];
        continue;
      case 'param':
        v[i] = p[n.name].data;
        continue;
      case 'const':
        v[i] = consts[i] as Float64Array;
        continue;
    }
    const off = layout.offsets[i];
    const y = (v[i] = arena.subarray(off, off + size(n.shape)));
    switch (n.op) {
      case 'neg': {
        const a = v[n.a];
        for (let k = 0; k < y.length; k++) y[k] = -a[k];
        break;
      }
      case '+':
      case '-':
      case '*':
      case '/': {
        const a = v[n.a], b = v[n.b];
        const sa = a.length === 1 && y.length > 1, sb = b.length === 1 && y.length > 1;
        for (let k = 0; k < y.length; k++) {
          const l = sa ? a[0] : a[k], r = sb ? b[0] : b[k];
          y[k] = n.op === '+' ? l + r : n.op === '-' ? l - r : n.op === '*' ? l * r : l / r;
        }
        break;
      }
      case 'fn': {
        const a = v[n.a], f = ELEMENTWISE[n.fn].f;
        for (let k = 0; k < y.length; k++) y[k] = f(a[k]);
        break;
      }
      case 'reduce':
        y[0] = REDUCTIONS[n.fn](v[n.a]) ?? NaN;
        break;
      case '@': {
        const A = nodes[n.a], B = nodes[n.b];
        const [r, c] = dims(A.shape, true), [, k] = dims(B.shape, false);
        if (k === 1 && A.shape.length === 2) matVecAdd(y, v[n.a], r, c, v[n.b]); // A: [r,c] · b: [c]
        else matmulAdd(y, v[n.a], v[n.b], r, c, k);
        break;
      }
      case 'transpose': {
        const [r, c] = dims(nodes[n.a].shape, true), a = v[n.a];
        for (let i2 = 0; i2 < r; i2++) for (let j = 0; j < c; j++) y[j * r + i2] = a[i2 * c + j];
        break;
      }
      case 'outer': {
        const a = v[n.a], b = v[n.b], m = b.length;
        for (let i2 = 0; i2 < a.length; i2++) for (let j = 0; j < m; j++) y[i2 * m + j] = a[i2] * b[j];
        break;
      }
    }
  }
  return v;
}

/** out [r,k] += A [r,c] B [c,k]. */
function matmulAdd(out: Float64Array, A: Float64Array, B: Float64Array, r: number, c: number, k: number): void {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) {
    const a = A[i * c + j];
    if (a === 0) continue;
    for (let m = 0; m < k; m++) out[i * k + m] += a * B[j * k + m];
  }
}

/** What a backward sweep needs besides the graph: which '@' leave their matrix's gradient to an outer term. */
export interface BackwardPlan {
  grads: Layout;
  /** termMatmul[i]: node i is param @ vector, its parameter's gradient formed by an outer term. */
  termMatmul: Uint8Array;
  /** Parameters whose gradient (or part of it) is accumulated here, step by step, with their sizes. */
  direct: Map<string, number>;
}

/**
 * Reverse-mode sweep: g[i] = dL/d(node i) from the seeds (dL/ds_t for each state), each node's local
 * derivative applied to its operands. Parameter gradients: the term-formed ones are skipped here;
 * the rest accumulate into `direct` (one array per parameter). withDx: also dL/dx.
 */
export function backwardGrads(
  prog: Program,
  plan: BackwardPlan,
  v: Float64Array[],
  seeds: Record<string, Float64Array>,
  withDx: boolean,
): { g: Float64Array[]; direct: Record<string, Float64Array> } {
  const { nodes } = prog;
  const arena = new Float64Array(plan.grads.size);
  const g: Float64Array[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const off = plan.grads.offsets[i];
    if (off >= 0) g[i] = arena.subarray(off, off + size(nodes[i].shape));
  }
  const direct: Record<string, Float64Array> = {};
  for (const [name, n] of plan.direct) direct[name] = new Float64Array(n);
  // Where an operand's gradient goes: its slot, a parameter's direct sum, or nowhere (constants; x unless asked).
  const into = (k: number): Float64Array | null => {
    const n = nodes[k];
    if (n.op === 'param') return direct[n.name] ?? null;
    if (n.op === 'const' || (n.op === 'x' && !withDx)) return null;
    return g[k];
  };
  for (const [s, k] of Object.entries(prog.states)) if (seeds[s]) addInto(g[k], seeds[s]);

  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.op === 'x' || n.op === 'prev' || n.op === 'param' || n.op === 'const') continue;
    const gy = g[i], y = v[i];
    switch (n.op) {
      case 'neg': {
        const ga = into(n.a);
        if (ga) for (let k = 0; k < gy.length; k++) ga[k] -= gy[k];
        break;
      }
      case '+':
      case '-':
      case '*':
      case '/': {
        const a = v[n.a], b = v[n.b], ga = into(n.a), gb = into(n.b);
        const sa = a.length === 1 && gy.length > 1, sb = b.length === 1 && gy.length > 1;
        for (let k = 0; k < gy.length; k++) {
          const d = gy[k], l = sa ? a[0] : a[k], r = sb ? b[0] : b[k];
          // d(l op r)/dl and d(l op r)/dr beside each op.
          const dl = n.op === '*' ? r : n.op === '/' ? 1 / r : 1;
          const dr = n.op === '+' ? 1 : n.op === '-' ? -1 : n.op === '*' ? l : -l / (r * r);
          if (ga) ga[sa ? 0 : k] += d * dl;
          if (gb) gb[sb ? 0 : k] += d * dr;
        }
        break;
      }
      case 'fn': {
        const ga = into(n.a);
        if (!ga) break;
        const a = v[n.a], df = ELEMENTWISE[n.fn].df;
        for (let k = 0; k < gy.length; k++) ga[k] += gy[k] * df(a[k], y[k]);
        break;
      }
      case 'reduce': {
        const ga = into(n.a);
        if (!ga) break;
        reduceBack(n.fn, v[n.a], y[0], gy[0], ga);
        break;
      }
      case '@': {
        const A = nodes[n.a], B = nodes[n.b];
        const [r, c] = dims(A.shape, true), [, k] = dims(B.shape, false);
        const a = v[n.a], b = v[n.b];
        const gb = into(n.b);
        // dB += Aᵀ dY
        if (gb) {
          if (k === 1 && A.shape.length === 2) matTVecAdd(gb, a, r, c, gy); // Aᵀ: [c,r] · dy: [r]
          else for (let i2 = 0; i2 < r; i2++) for (let j = 0; j < c; j++) for (let m = 0; m < k; m++) gb[j * k + m] += a[i2 * c + j] * gy[i2 * k + m];
        }
        // dA += dY Bᵀ (for param @ vector an outer term forms it, over the whole run at once)
        const ga = plan.termMatmul[i] ? null : into(n.a);
        if (ga) for (let i2 = 0; i2 < r; i2++) for (let j = 0; j < c; j++) {
          let s = 0;
          for (let m = 0; m < k; m++) s += gy[i2 * k + m] * b[j * k + m];
          ga[i2 * c + j] += s;
        }
        break;
      }
      case 'transpose': {
        const ga = into(n.a);
        if (!ga) break;
        const [r, c] = dims(nodes[n.a].shape, true);
        for (let i2 = 0; i2 < r; i2++) for (let j = 0; j < c; j++) ga[i2 * c + j] += gy[j * r + i2];
        break;
      }
      case 'outer': {
        const a = v[n.a], b = v[n.b], ga = into(n.a), gb = into(n.b), m = b.length;
        for (let i2 = 0; i2 < a.length; i2++) for (let j = 0; j < m; j++) {
          const d = gy[i2 * m + j];
          if (ga) ga[i2] += d * b[j];
          if (gb) gb[j] += d * a[i2];
        }
        break;
      }
    }
  }
  return { g, direct };
}

/** d(reduction)/d(input) times the incoming gradient d, added into ga. */
export function reduceBack(fn: string, a: Float64Array, y: number, d: number, ga: Float64Array): void {
  const n = a.length;
  switch (fn) {
    case 'sum':
      for (let k = 0; k < n; k++) ga[k] += d;
      break;
    case 'mean':
      for (let k = 0; k < n; k++) ga[k] += d / n;
      break;
    case 'norm':
      if (y > 0) for (let k = 0; k < n; k++) ga[k] += (d * a[k]) / y;
      break;
    default: {
      // max / min: the first element that attains it.
      const k = a.indexOf(y);
      if (k >= 0) ga[k] += d;
    }
  }
}
