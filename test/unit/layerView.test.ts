/**
 * A stack's layer in the panel: the snapshot of layer l shows that layer's records (its input, gates,
 * states, dh and its two parts) and its own parameters, with equations under the stack's names;
 * the session keeps the chosen layer; init.forget_bias reaches every layer.
 */
import { describe, expect, it } from 'vitest';
import { runTrace, type Problem } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';
import { snapshotAt } from '../../src/session/snapshot';
import { StepSession } from '../../src/session/session';

function load(text: string): Problem {
  const { problem, diagnostics } = loadSpec(text);
  if (!problem) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return problem;
}

const values = (s: { forward: { name: string; values: Float64Array }[] }, name: string): Float64Array => s.forward.find((v) => v.name === name)!.values;
/** What the snapshot carries of a record: its numbers at full precision, in a buffer of their own. */
const full = (v: ArrayLike<number>): Float64Array => Float64Array.from(v);

describe('the snapshot of layer l of a stack', () => {
  const problem = load('model: { cell: lstm, hidden: 3, layers: 3, embedding: 2 }\ndata: { text: hello there }\ninit: { seed: 5 }\n');
  const trace = runTrace(problem);
  const t = 4;

  it.each([1, 2, 3])('forward, layer %i: its input, gates, states and h are the trace records of that layer', (l) => {
    const s = snapshotAt(problem, trace, { phase: 'forward', t }, l);
    const rec = trace.forward(t).layers![l - 1];
    expect(s.layer).toBe(l);
    expect(values(s, 'h')).toEqual(full(rec.h));
    expect(values(s, 'c')).toEqual(full(rec.states.c));
    for (const g of ['i', 'f', 'g', 'o']) expect(values(s, g)).toEqual(full(rec.gates[g]));
    // Its input: the layer below's h_t, or for layer 1 the embedding's row of the token (W_emb[v]).
    const input = l > 1 ? trace.forward(t).layers![l - 2].h : problem.params.W_emb.data.slice(2 * problem.sequence.inputs[t - 1].indexOf(1), 2 * problem.sequence.inputs[t - 1].indexOf(1) + 2);
    expect(values(s, 'x')).toEqual(full(input));
    // The equations name the layer's parameters and its input, and their numbers are the layer's.
    const sfx = l === 1 ? '' : `_l${l}`;
    const inputName = l === 1 ? 'x_emb' : `h_l${l - 1}`;
    expect(s.equations[0].symbolic).toBe(`i = sigmoid(W_xi${sfx} @ ${inputName} + W_hi${sfx} @ h_prev + b_i${sfx})`);
    expect(s.equations[0].math!.result!.data).toEqual(full(rec.gates.i));
    // Only the top layer's lines go on to the output.
    expect(s.equations.some((e) => e.symbolic.startsWith('z = W_hy'))).toBe(l === 3);
  });

  it('layer 1 at t = 1 starts from the spec h0 and c0 (h_prev typeset with its value)', () => {
    const s = snapshotAt(problem, trace, { phase: 'forward', t: 1 }, 1);
    const hPrev = s.equations[0].math!.values.find((v) => v.name === 'h_prev')!;
    expect(hPrev.value.data).toEqual(full(problem.s0.h_l1));
  });

  it.each([1, 2, 3])('backward, layer %i: dh and its two parts, dc and the gate gradients are the layer records', (l) => {
    const s = snapshotAt(problem, trace, { phase: 'backward', t }, l);
    const rec = trace.backward(t).layers![l - 1];
    const b = s.backward!;
    expect(b.dh).toEqual(full(rec.dh));
    expect(b.dc).toEqual(full(rec.dstates.c));
    for (const g of ['i', 'f', 'g', 'o']) expect(b.dgates.find((d) => d.name === g)!.values).toEqual(full(rec.dgates[g]));
    // The parts sum to the total.
    b.dh.forEach((v, j) => expect(b.dh_from_output[j] + b.dh_from_future[j]).toBeCloseTo(v, 3));
    const sfx = l === 1 ? '' : `_l${l}`;
    const names = s.grads!.map((g) => g.name).sort();
    const own = ['W_xi', 'W_hi', 'b_i', 'W_xf', 'W_hf', 'b_f', 'W_xg', 'W_hg', 'b_g', 'W_xo', 'W_ho', 'b_o'].map((n) => n + sfx);
    expect(names).toEqual([...own, ...(l === 1 ? ['W_emb'] : []), ...(l === 3 ? ['W_hy', 'b_y'] : [])].sort());
    const dW = s.grads!.find((g) => g.name === `W_hf${sfx}`)!;
    expect(dW.contribution.data).toEqual(full(trace.contribution(t)[`W_hf${sfx}`].data));
    expect(s.equations[0].symbolic).toBe(l === 3 ? 'dz = y - v' : 'dh = dh_above + dh_next');
    // Each of the layer's parameter lines names its gradient and carries its contribution at t.
    const inputName = l === 1 ? 'x_emb' : `h_l${l - 1}`;
    const line = s.equations.find((e) => e.symbolic === `dW_xf${sfx} = outer(df, ${inputName})`)!;
    expect(line.math!.result!.data).toEqual(full(trace.contribution(t)[`W_xf${sfx}`].data).slice(0, line.math!.result!.data.length));
  });

  it('a lower layer\'s dh from above is what the layer above sends back at t: Σ_q W_xq_l2ᵀ dq of layer 2 (computed here)', () => {
    const s = snapshotAt(problem, trace, { phase: 'backward', t }, 1);
    const above = trace.backward(t).layers![1].dgates;
    const H = 3;
    const want = new Float64Array(H);
    for (const q of ['i', 'f', 'g', 'o']) {
      const W = problem.params[`W_x${q}_l2`].data; // [H, H]
      for (let r = 0; r < H; r++) for (let c = 0; c < H; c++) want[c] += W[r * H + c] * above[q][r];
    }
    s.backward!.dh_from_output.forEach((v, j) => expect(v).toBeCloseTo(want[j], 4));
    // And from the future: what layer 1 at t + 1 sends back through its own h_t (its dh_prev).
    const next = trace.backward(t + 1).layers![0].dgates;
    const fut = new Float64Array(H);
    for (const q of ['i', 'f', 'g', 'o']) {
      const W = problem.params[`W_h${q}`].data;
      for (let r = 0; r < H; r++) for (let c = 0; c < H; c++) fut[c] += W[r * H + c] * next[q][r];
    }
    s.backward!.dh_from_future.forEach((v, j) => expect(v).toBeCloseTo(fut[j], 4));
  });

  it('a single cell has no layer: the snapshot is as before', () => {
    const one = load('model: { cell: rnn, hidden: 2 }\ndata: { text: abab }\n');
    const s = snapshotAt(one, runTrace(one), { phase: 'backward', t: 2 }, 2);
    expect(s.layer).toBeUndefined();
    expect(s.grads!.map((g) => g.name)).toEqual(['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']);
  });
});

describe('the session keeps the layer', () => {
  it('setLayer clamps to 1..L, the snapshot follows, a move keeps it', () => {
    const problem = load('model: { cell: rnn, hidden: 2, layers: 2 }\ndata: { text: abcab }\n');
    const s = StepSession.build(problem, { file: 'x', text: '', format: 'yaml' });
    expect(s.layer).toBe(2);
    expect(s.snapshot().layer).toBe(2);
    expect(s.setLayer(1)).toBe(true);
    expect(s.setLayer(1)).toBe(false);
    s.step(3);
    const snap = s.snapshot();
    expect(snap.layer).toBe(1);
    expect(values(snap, 'h')).toEqual(full(s.trace.forward(snap.cursor.t).layers![0].h));
    s.setLayer(9);
    expect(s.layer).toBe(2);
  });
});

describe('init.forget_bias', () => {
  it('sets b_f of every layer of a stack, and no other bias', () => {
    const p = load('model: { cell: lstm, hidden: 2, layers: 3 }\ndata: { text: abca }\ninit: { forget_bias: 1.5 }\n').params;
    for (const n of ['b_f', 'b_f_l2', 'b_f_l3']) expect(Array.from(p[n].data)).toEqual([1.5, 1.5]);
    for (const n of ['b_i', 'b_i_l2', 'b_g_l3', 'b_o_l2', 'b_y']) expect(Array.from(p[n].data).filter((v) => v !== 0), n).toEqual([]);
  });
});
