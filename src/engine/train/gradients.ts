/**
 * The gradient of one update: the sum over its items (sequences, or chunk j of each) of each one's
 * loss gradient. Sequences of one length run as one minibatch through the cell's batched step
 * ([B, H] blocks, Cell.batch) where the cell has one and the truncation allows; the rest one by one
 * through the trace.
 */
import type { Params, Problem, Sequence } from '../types';
import { copyState, makeCell, type CellState } from '../cells';
import { forwardPass } from '../bptt';
import { runTrace } from '../trace';
import { batchable, batchGrads } from '../batch';

/** One sequence (or chunk) of an update, its place in the batch and the state it starts from. */
export interface Item {
  index: number;
  seq: Sequence;
  s0: CellState;
}

/**
 * Adds the items' gradients at params into grads and returns their summed loss; with `ends`,
 * reports each item's end state (carried into the next chunk). batched: false runs every item
 * through its own trace.
 */
export function updateGradients(problem: Problem, params: Params, items: Item[], grads: Params, ends: boolean, batched: boolean, onEnd: (index: number, end: CellState) => void): number {
  // Chunks: each chunk is a sequence of its own, backpropagated in full.
  const bptt = problem.bptt.truncate === 'chunks' ? { truncate: 'none' as const, k: problem.bptt.k } : problem.bptt;
  const { config } = problem;
  let loss = 0;
  // The cell's own minibatch path, where it has one (window truncation needs per-sequence records).
  if (!batched || !batchable(config, bptt)) {
    for (const it of items) {
      const r = accumulate({ ...problem, bptt }, params, it.seq, it.s0, grads);
      loss += r.loss;
      if (ends) onEnd(it.index, r.end());
    }
    return loss;
  }
  const byLength = new Map<number, Item[]>();
  for (const it of items) byLength.set(it.seq.inputs.length, [...(byLength.get(it.seq.inputs.length) ?? []), it]);
  for (const group of byLength.values()) {
    const s0 = Object.fromEntries(Object.keys(group[0].s0).map((name) => [name, group.map((it) => it.s0[name])]));
    const r = batchGrads(config, bptt, params, group.map((it) => it.seq), s0);
    addGrads(grads, r.grads);
    loss += r.loss;
    if (ends) group.forEach((it, b) => onEnd(it.index, Object.fromEntries(Object.entries(r.end).map(([name, v]) => [name, v[b]]))));
  }
  return loss;
}

function addGrads(grads: Params, add: Params): void {
  for (const [name, G] of Object.entries(add)) {
    const g = grads[name].data;
    for (let i = 0; i < g.length; i++) g[i] += G.data[i];
  }
}

/** Adds one sequence's gradient (full BPTT, or window truncation as the spec says) into grads. */
function accumulate(problem: Problem, params: Params, seq: Sequence, s0: CellState, grads: Params): { loss: number; end: () => CellState } {
  const trace = runTrace({ ...problem, sequence: seq, s0 }, params);
  addGrads(grads, trace.grads);
  // The state at the end, carried into the next chunk: h from the trace; other states (lstm c) are not in its API: re-run.
  const end = (): CellState => (Object.keys(s0).length > 1 ? endState(problem, params, seq, s0) : { h: Float64Array.from(trace.hiddenStates()[seq.inputs.length]) });
  return { loss: trace.loss, end };
}

/** The state after running `seq` from s0 with params. */
function endState(problem: Problem, params: Params, seq: Sequence, s0: CellState): CellState {
  const fwd = forwardPass(makeCell(problem.config), problem.config, params, seq, s0);
  return copyState(fwd.caches[fwd.caches.length - 1].state);
}
