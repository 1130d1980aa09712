/**
 * Custom cells against the built-in ones: every built-in cell written as equations (its own
 * equation text, the same parameters) gives the same trace to 1e-12 on random problems; the shipped
 * LSTM and GRU examples written as equations equal the built-in examples; and every built-in cell's
 * forward equations, interpreted by the expression evaluator, give the cell's forward values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCell, runTrace, traceJson, type ModelConfig, type Problem, type Tensor } from '../../src/engine';
import { evaluate, parseAssignments, type ExprValue } from '../../src/engine/expr';
import { loadSpec } from '../../src/engine/spec';
import { BUILTIN_FORMS, randomProblem } from './helpers/randomProblem';

/** The problem with its cell replaced by the cell's own equations as a custom cell. */
function asEquations(p: Problem): Problem {
  const { info } = makeCell(p.config);
  const config: ModelConfig = { ...p.config, cell: 'custom', custom: { states: info.states, params: info.symbols, equations: info.equations.forward.join('\n') } };
  return { ...p, config };
}

/** Every number of two JSON values within tol (same structure, same keys). */
function expectClose(a: unknown, b: unknown, tol: number, where = ''): void {
  if (a === undefined) return;
  if (typeof a === 'number' || a === null) {
    if (a === null) return expect(b, where).toBeNull();
    return expect(Math.abs(a - (b as number)), `${where}: ${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(a)));
  }
  if (Array.isArray(a)) {
    expect((b as unknown[]).length, where).toBe(a.length);
    return a.forEach((v, i) => expectClose(v, (b as unknown[])[i], tol, `${where}[${i}]`));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  for (const k of Object.keys(ao)) expectClose(ao[k], bo[k], tol, `${where}.${k}`);
}

/** The trace JSON without what a custom cell records differently: pre-activations and gate gradients. */
function comparable(p: Problem) {
  const j = traceJson(runTrace(p));
  return { ...j, forward: j.forward.map((f) => ({ ...(f as object), pre: undefined, gates: undefined })), backward: j.backward.map((b) => ({ ...(b as object), dgates: undefined })) };
}

describe('built-in cells written as equations', () => {
  for (const c of BUILTIN_FORMS) {
    for (const [seed, bptt] of [[1, { truncate: 'none', k: 5 }], [2, { truncate: 'chunks', k: 3 }], [3, { truncate: 'window', k: 2 }]] as const) {
      it(`${JSON.stringify(c)} ${bptt.truncate}: loss, states, dh, d<state> and every gradient equal to 1e-12`, () => {
        const p = randomProblem({ ...c, D: 3, H: 4, K: 3, T: 7, seed, bptt, nullRate: 0.2 });
        const a = comparable(p), b = comparable(asEquations(p));
        expectClose(a, b, 1e-12);
        // The gates a custom cell records are its intermediates: the built-in's gates are among them.
        const fa = runTrace(p).forward(4), fb = runTrace(asEquations(p)).forward(4);
        for (const [q, v] of Object.entries(fa.gates)) if (fb.gates[q]) expectClose(Array.from(v), Array.from(fb.gates[q]), 1e-12, q);
      });
    }
  }
});

describe('the shipped examples written as equations', () => {
  const load = (f: string) => loadSpec(readFileSync(join(__dirname, '../../examples', f), 'utf8'), { file: f }).problem as Problem;
  for (const [builtin, custom] of [['lstm.rnn.yaml', 'lstm-equations.rnn.yaml'], ['gru.rnn.yaml', 'gru-equations.rnn.yaml']]) {
    it(`${custom} equals ${builtin} to 1e-12 (the same seed gives the same weights)`, () => {
      const a = load(builtin), b = load(custom);
      expect(b.config.cell).toBe('custom');
      expect(Object.keys(b.params)).toEqual(Object.keys(a.params));
      expectClose(comparable(a), comparable(b), 1e-12);
    });
  }
});

describe("each built-in cell's forward equations, interpreted", () => {
  for (const c of BUILTIN_FORMS) {
    it(`${JSON.stringify(c)}: the expression evaluator gives the cell's forward values`, () => {
      const p = randomProblem({ ...c, D: 3, H: 4, seed: 9 });
      const cell = makeCell(p.config);
      const x = p.sequence.inputs[0];
      const cache = cell.forward(p.params, x, p.s0);
      const vec = (v: Float64Array): Tensor => ({ shape: [v.length], data: v });
      const values = new Map<string, ExprValue>([['x', vec(x)]]);
      for (const s of cell.info.states) values.set(`${s}_prev`, vec(p.s0[s]));
      for (const [n, t] of Object.entries(p.params)) values.set(n, t);
      for (const line of parseAssignments(cell.info.equations.forward.join('\n'))) {
        const v = evaluate(line.expr, { lookup: (n) => values.get(n) }) as Tensor;
        values.set(line.target, v);
        const own = cache.gates[line.target] ?? cache.state[line.target] ?? cache.pre[line.target];
        expect(own, line.target).toBeDefined();
        Array.from(own).forEach((u, i) => expect(Math.abs(u - v.data[i]), `${line.target}[${i}]`).toBeLessThan(1e-14));
      }
    });
  }
});
