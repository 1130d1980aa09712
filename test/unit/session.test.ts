/** The front-end-neutral session: one cursor for every front-end, its change events, the lines of each step's data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowMap, jacobianRow, runTrace } from '../../src/engine';
import { trajectory } from '../../src/engine/flow/unroll';
import { loadSpec } from '../../src/engine/spec';
import { StepSession, type SessionChange } from '../../src/session/session';
import { evaluateAt } from '../../src/session/expressions';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function open(text: string, format: 'yaml' | 'json' = 'yaml'): StepSession {
  const { problem, diagnostics } = loadSpec(text, { format });
  if (!problem) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return StepSession.build(problem, { file: 'spec', text, format });
}

describe('StepSession', () => {
  const hello = readFileSync(join(EXAMPLES, 'hello.rnn.yaml'), 'utf8');

  it("flow and Jacobian rows reuse the trace's forward pass, with the values of a pass of their own", () => {
    const lstm = readFileSync(join(EXAMPLES, 'lstm.rnn.yaml'), 'utf8');
    const s = open(lstm);
    const traj = trajectory(s.problem);
    // The trace's own vectors (records are views onto the forward caches): no second forward pass.
    for (let t = 1; t <= s.T; t++) {
      expect(traj.states[t].h).toBe(s.trace.forward(t).h);
      expect(traj.pathGates?.[t - 1]).toBe(s.trace.forward(t).gates.f);
    }
    // A fresh copy of the problem has no seeded pass: it runs its own, and every figure agrees.
    const { problem: fresh } = loadSpec(lstm, { format: 'yaml' });
    expect(trajectory(fresh!).states[1].h).not.toBe(s.trace.forward(1).h);
    expect(flowMap(s.problem).norms).toEqual(flowMap(fresh!).norms);
    expect(jacobianRow(s.problem, s.T).norms).toEqual(jacobianRow(fresh!, s.T).norms);
  });

  it('moves one cursor for every observer, saying who moved it', () => {
    const s = open(hello);
    const seen: SessionChange[] = [];
    s.onDidChange((e) => seen.push(e));
    expect(s.step(1, 'panel')).toBe(true);
    expect(s.jump('end', 'debugger')).toBe(true);
    expect(s.step(1, 'debugger')).toBe(false); // past the end: no move, no event
    expect(seen).toEqual([
      { kind: 'move', cursor: { phase: 'forward', t: 2 }, origin: 'panel' },
      { kind: 'move', cursor: { phase: 'backward', t: 1 }, origin: 'debugger' },
    ]);
  });

  it('keeps the cursor across a new trace and tells observers once', () => {
    const s = open(hello);
    s.jump({ phase: 'backward', t: 3 });
    const seen: SessionChange[] = [];
    s.onDidChange((e) => seen.push(e));
    const longer = hello.replace('text: hello', 'text: hellolo');
    const { problem } = loadSpec(longer);
    s.replace(problem!, runTrace(problem!), { file: 'spec', text: longer, format: 'yaml' });
    expect(s.T).toBe(6);
    expect(s.cursor).toEqual({ phase: 'backward', t: 3 });
    expect(seen).toEqual([{ kind: 'trace', cursor: { phase: 'backward', t: 3 } }]);
    expect(s.snapshot().cursor).toEqual({ phase: 'backward', t: 3 });
  });

  it('finds the line of each step’s data: one per input, or the text’s line', () => {
    const s = open(hello);
    const textLine = hello.split('\n').findIndex((l) => l.trim() === 'text: hello') + 1;
    expect(Array.from({ length: s.T }, (_, i) => s.lineOf(i + 1))).toEqual([textLine, textLine, textLine, textLine]);
    expect(s.stepsOnLine(textLine)).toEqual([1, 2, 3, 4]);
    expect(s.stepsOnLine(1)).toEqual([]);
    const tokens = ['model: { cell: rnn, hidden: 2 }', 'data:', '  tokens:', '    - the', '    - cat', '    - sat', ''].join('\n');
    expect([1, 2].map((t) => open(tokens).lineOf(t))).toEqual([4, 5]);
    const inputs = ['model: { cell: rnn, hidden: 2, output: identity }', 'loss: mse', 'data:', '  inputs:', '    - [1, 0]', '    - [0, 1]', '  targets:', '    - [0.5]', '    - [0.25]', ''].join('\n');
    const s2 = open(inputs);
    expect([s2.lineOf(1), s2.lineOf(2)]).toEqual([5, 6]);
    expect(s2.stepsOnLine(9)).toEqual([2]); // a target's line stops at its step too
  });

  it('evaluates expressions at any place, not only the cursor’s', () => {
    const s = open(hello);
    const f3 = s.trace.forward(3);
    expect(evaluateAt('h[0]', s.place({ phase: 'forward', t: 3 }))).toBe(f3.h[0]);
    expect(evaluateAt('t == 3 && phase == "forward"', s.place({ phase: 'forward', t: 3 }))).toBe(true);
    expect(evaluateAt('grad(b_h)[1]', s.place({ phase: 'backward', t: 1 }))).toBe(s.trace.grads.b_h.data[1]);
    expect(() => evaluateAt('dh', s.place({ phase: 'forward', t: 2 }))).toThrow(/backward phase/);
    expect(s.cursor).toEqual({ phase: 'forward', t: 1 });
  });

  it("keeps each layer's flow data and a few dozen Jacobian rows; a new trace starts afresh", () => {
    const text = 'model: { cell: rnn, hidden: 3, layers: 2 }\ndata: { text: "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabca" }\ninit: { seed: 2 }\n';
    const s = open(text);
    expect(s.T).toBeGreaterThan(65);
    const top = s.flow();
    expect(s.flow()).toBe(top); // computed once
    expect(top.map.layer).toBe(2);
    s.setLayer(1);
    const bottom = s.flow();
    expect(bottom.map.layer).toBe(1);
    expect(bottom.map.norms).toEqual(flowMap(s.problem, { layer: 1, maxRows: bottom.map.rows.length }).norms.slice(-bottom.map.rows.length));
    const first = s.jacobian(1);
    expect(s.jacobian(1)).toBe(first);
    expect(first.layer).toBe(1);
    s.setLayer(2);
    expect(s.flow()).toBe(top);
    expect(s.jacobian(1)).not.toBe(first); // another layer's row
    expect(s.jacobian(1).layer).toBe(2);
    // 64 rows are kept: after 64 others, layer 2's row at t = 1 is the oldest and is computed again.
    const row = s.jacobian(1);
    for (let t = 2; t <= 65; t++) s.jacobian(t);
    expect(s.jacobian(1)).not.toBe(row);
    expect(s.jacobian(1).norms).toEqual(row.norms);
    const kept = s.jacobian(65);
    s.replace(s.problem, runTrace(s.problem), s.source);
    expect(s.flow()).not.toBe(top);
    expect(s.jacobian(65)).not.toBe(kept);
  });
});
