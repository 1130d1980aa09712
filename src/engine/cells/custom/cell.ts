/**
 * A cell written as equations in the spec (model.cell: custom): the compiled graph behind the same
 * Cell contract as the built-in cells, so every part of the product steps it unchanged.
 */
import type { CustomCellSpec, Params } from '../../types';
import type { BatchCell, Cell, CellInfo, CellState, GradTerm, StepCache, StepGrad } from '../cell';
import { customBatch } from './batch';
import { compile, operands, type Program } from './compile';
import { backwardGrads, forwardValues, gradLayout, valueLayout, type BackwardPlan, type Layout } from './run';

/** A custom cell's step cache: every node's value, for its backward. */
interface CustomCache extends StepCache {
  values: Float64Array[];
}

export class CustomCell implements Cell {
  readonly info: CellInfo;
  readonly terms: GradTerm[] = [];
  readonly program: Program;
  private readonly values: Layout;
  private readonly plan: BackwardPlan;
  private readonly consts: (Float64Array | null)[];
  /** Names under which terms read a step's saved vectors (aux) and gradients (extra). */
  private readonly auxKeys: [string, number][] = [];
  private readonly extraKeys: [string, number][] = [];
  /** Each gate (an assigned name that is not a state) and its node. */
  private readonly gateNodes: [string, number][];

  constructor(
    readonly D: number,
    readonly H: number,
    readonly spec: CustomCellSpec,
  ) {
    const prog = (this.program = compile(spec, H, D));
    const { nodes } = prog;
    this.values = valueLayout(nodes);
    this.gateNodes = prog.assigned.filter((a) => prog.gates.includes(a.name)).map((a) => [a.name, a.node]);
    this.consts = nodes.map((n) => (n.op === 'const' ? Float64Array.of(n.value) : null));
    const termMatmul = new Uint8Array(nodes.length);
    const direct = new Map<string, number>();
    const paramSize = (name: string): number => (spec.params[name] ?? []).reduce<number>((a, d) => a * (d === 'H' ? H : d === 'D' ? D : Number(d)), 1);
    nodes.forEach((n, i) => {
      if (n.op === '@' && nodes[n.a].op === 'param' && nodes[n.a].shape.length === 2 && nodes[n.b].shape.length === 1) {
        // param @ vector: dP += dy ⊗ v, one outer term (a packed product over a run of steps).
        const A = nodes[n.a] as { name: string };
        termMatmul[i] = 1;
        this.terms.push({ kind: 'outer', param: A.name, grad: `#${i}`, input: `#${n.b}` });
        this.extraKeys.push([`#${i}`, i]);
        this.auxKeys.push([`#${n.b}`, n.b]);
      }
    });
    // Every other use of a parameter accumulates its gradient directly, step by step.
    nodes.forEach((n, i) => {
      // Used other than as the matrix of a term-formed param @ vector.
      const uses = nodes.some((m, j) => operands(m).some((k, side) => k === i && !(termMatmul[j] && side === 0)));
      if (n.op === 'param' && uses && !direct.has(n.name)) {
        direct.set(n.name, paramSize(n.name));
        this.terms.push({ kind: 'bias', param: n.name, grad: `d:${n.name}` });
      }
    });
    this.plan = { grads: gradLayout(nodes), termMatmul, direct };
    const states = ['h', ...spec.states.filter((s) => s !== 'h')];
    const symbols = Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, v.map(String)]));
    const shapes = Object.fromEntries(Object.entries(spec.params).map(([k]) => [k, nodes.find((n) => n.op === 'param' && n.name === k)?.shape ?? (spec.params[k].map((d) => (d === 'H' ? H : d === 'D' ? D : Number(d))))]));
    const recurrent = recurrentMatrices(prog, shapes, H);
    this.info = {
      kind: 'custom',
      label: `custom (${states.join(', ')})`,
      states,
      shapes,
      symbols,
      gates: prog.gates,
      recurrent,
      mainRecurrent: recurrent[0] ?? '',
      gamma: 1,
      path: null,
      settings: ['custom'],
      // init.forget_bias sets a parameter named b_f, as for the lstm (an LSTM written as equations).
      forgetBias: Object.prototype.hasOwnProperty.call(spec.params, 'b_f') ? 'b_f' : null,
      equations: { forward: equationLines(spec.equations), backward: backwardLines(prog, states) },
      pytorch: { module: null, why: 'a custom cell has no torch.nn module', blocks: [], hiddenBias: null },
    };
  }

  forward(p: Params, x: Float64Array, prev: CellState): StepCache {
    const v = forwardValues(this.program, this.values, this.consts, p, x, prev);
    const state: CellState = {};
    for (const s of this.info.states) state[s] = v[this.program.states[s]];
    const gates: Record<string, Float64Array> = {};
    for (const [q, i] of this.gateNodes) gates[q] = v[i];
    const aux: Record<string, Float64Array> = {};
    for (const [key, i] of this.auxKeys) aux[key] = v[i];
    const cache: CustomCache = { x, prev, state, h: state.h, pre: {}, gates, aux, values: v };
    return cache;
  }

  backward(_p: Params, cache: StepCache, d: CellState, withDx = false): StepGrad {
    const { g, direct } = backwardGrads(this.program, this.plan, (cache as CustomCache).values, d, withDx);
    const prog = this.program;
    const dgates: Record<string, Float64Array> = {};
    for (const [q, i] of this.gateNodes) dgates[q] = g[i];
    const dstate: CellState = {}, dprev: CellState = {};
    for (const s of this.info.states) dstate[s] = g[prog.states[s]];
    prog.nodes.forEach((n, i) => {
      if (n.op === 'prev') dprev[n.state] = g[i];
    });
    const extra: Record<string, Float64Array> = {};
    for (const [key, i] of this.extraKeys) extra[key] = g[i];
    for (const [name, arr] of Object.entries(direct)) extra[`d:${name}`] = arr;
    const xNode = prog.nodes.findIndex((n) => n.op === 'x');
    return { dgates, dstate, dprev, dx: withDx ? g[xNode] : null, extra };
  }

  /** The minibatch path: the graph over [B, ·] blocks (batch.ts). */
  batch(p: Params): BatchCell {
    return customBatch(this.program, this.plan, this.consts, p, this.H, this.D);
  }
}

/** The square [H, H] parameters that multiply a state's previous value: flow's recurrent matrices. */
function recurrentMatrices(prog: Program, shapes: Record<string, number[]>, H: number): string[] {
  const out: string[] = [];
  for (const n of prog.nodes) {
    if (n.op !== '@') continue;
    const A = prog.nodes[n.a], B = prog.nodes[n.b];
    if (A.op === 'param' && B.op === 'prev' && shapes[A.name]?.join() === `${H},${H}` && !out.includes(A.name)) out.push(A.name);
  }
  return out;
}

/** The equation lines as written (comments and blank lines left out). */
function equationLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.length > 0);
}

/** What the backward computes, as the expression language writes it: each gate's and state's gradient. */
function backwardLines(prog: Program, states: string[]): string[] {
  // Reverse mode over the forward lines: grad(q) is dL/dq in total, from every later line that reads q.
  // dh is the output layer's line; every other state's and gate's total gradient is the cell's.
  return [...[...prog.gates].reverse().map((q) => `d${q} = grad(${q})`), ...states.filter((s) => s !== 'h').map((s) => `d${s} = grad(${s})`)];
}
