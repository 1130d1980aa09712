/**
 * The compiled graph interpreted on one step's Float64Arrays: forward in order, backward in reverse
 * (reverse-mode differentiation of the same graph; each node's operation and local derivative are
 * nodeOps.ts's, over one row). One arena per step holds every value (the trace keeps it); one per
 * backward holds every gradient.
 */
import type { Params } from '../../types';
import { addInto } from '../../linalg';
import { isInput, operands, type GraphNode, type Program } from './compile';
import { backwardRows, forwardRows, type Rows } from './nodeOps';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
/** A step's vector as a block of one row (nodeOps runs a node over rows). */
const one = (d: Float64Array): Rows => ({ d, rows: 1, width: d.length });

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
    if (isInput(n)) return;
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
    v[i] = arena.subarray(off, off + size(n.shape));
    const [a, b] = operands(n);
    forwardRows(n, nodes, one(v[i]), a === undefined ? null : one(v[a]), b === undefined ? null : one(v[b]));
  }
  return v;
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
    if (isInput(n)) continue;
    const [a, b] = operands(n);
    // dA of a param @ vector is left to its outer term (over the whole run at once).
    const ga = a === undefined || plan.termMatmul[i] ? null : into(a), gb = b === undefined ? null : into(b);
    backwardRows(n, nodes, one(g[i]), one(v[i]), a === undefined ? null : one(v[a]), b === undefined ? null : one(v[b]), ga && one(ga), gb && one(gb));
  }
  return { g, direct };
}
