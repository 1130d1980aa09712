/**
 * The single-sequence trace's wasm kernels give JavaScript's bits: the gates' exp and tanh are
 * fdlibm's, as V8's Math.exp and Math.tanh, so a step computes the same numbers in wasm or in
 * JavaScript (the checkpointed trace and the plain one, wherever each step runs, agree bit for bit).
 */
import { describe, expect, it } from 'vitest';
import { affineRows, expInto, sigmoid, sigmoidInto, tanhInto, usingWasm, withParams } from '../../src/engine/linalg';
import { backwardPass, forwardPass } from '../../src/engine/bptt';
import { addRange, addRuns, OUTPUT_TERMS } from '../../src/engine/gradSum';
import { zerosLike } from '../../src/engine/params';
import { makeCell, Rng, runTrace } from '../../src/engine';
import { advance, unroll, type CellState } from '../../src/engine/cells';
import { CheckpointedTrace } from '../../src/engine/checkpointedTrace';
import { randomProblem } from './helpers/randomProblem';

const rng = new Rng(99);

/** Arguments over every branch of fdlibm's exp, expm1 and tanh, with the special values. */
function argumentsOfEveryRange(n: number): Float64Array {
  const special = [0, -0, 1, -1, 0.5, -0.5, Infinity, -Infinity, NaN, 709.78, 709.79, -745.1, -745.2, 22, -22, 21.99, 0.34657359027997264, 0.3465736, 1.0397207708399179, 1.03972, 38.81, 19.4, 5e-324, -5e-324, 1e-300, 3.7e-9, -3.7e-9, 2 ** -28, 2 ** -55, 1e308, -1e308];
  const xs = new Float64Array(n);
  xs.set(special.slice(0, n));
  for (let i = Math.min(n, special.length); i < n; i++) {
    const scale = [1e-12, 1e-6, 0.01, 0.5, 1, 2, 4, 10, 30, 50, 800][i % 11];
    xs[i] = rng.normal() * scale;
  }
  return xs;
}

describe('wasm gates give Math.exp and Math.tanh bits', () => {
  it('runs on WebAssembly here', () => expect(usingWasm()).toBe(true));

  it('exp, tanh and sigmoid over every range, bit for bit', () => {
    for (let trial = 0; trial < 20; trial++) {
      const xs = argumentsOfEveryRange(20_000);
      const t = new Float64Array(xs.length), s = new Float64Array(xs.length), e = new Float64Array(xs.length);
      tanhInto(t, xs);
      sigmoidInto(s, xs);
      expInto(e, xs);
      for (let i = 0; i < xs.length; i++) {
        if (!Object.is(e[i], Math.exp(xs[i]))) expect(e[i], `exp(${xs[i]})`).toBe(Math.exp(xs[i]));
        if (!Object.is(t[i], Math.tanh(xs[i]))) expect(t[i], `tanh(${xs[i]})`).toBe(Math.tanh(xs[i]));
        if (!Object.is(s[i], sigmoid(xs[i]))) expect(s[i], `sigmoid(${xs[i]})`).toBe(sigmoid(xs[i]));
      }
    }
  });

  it('in place and on short vectors (the JavaScript loop)', () => {
    for (const n of [1, 3, 15, 16, 17, 129]) {
      const xs = argumentsOfEveryRange(n);
      const a = xs.slice();
      tanhInto(a, a);
      expect(Array.from(a)).toEqual(Array.from(xs, Math.tanh));
      const b = xs.slice();
      sigmoidInto(b, b);
      expect(Array.from(b)).toEqual(Array.from(xs, sigmoid));
      const e = xs.slice();
      expInto(e, e);
      expect(Array.from(e)).toEqual(Array.from(xs, Math.exp));
    }
  });

  it("the LSTM step in one wasm call equals affineRows and the gates' equations in JavaScript", () => {
    for (const [H, D] of [[64, 40], [48, 64], [129, 33], [128, 64]]) {
      const problem = randomProblem({ cell: 'lstm', H, D, T: 3, seed: H + D, scale: 0.9 });
      const cell = makeCell(problem.config);
      const p = problem.params;
      let prev: { h: Float64Array; c: Float64Array } = { h: Float64Array.from({ length: H }, () => rng.normal()), c: Float64Array.from({ length: H }, () => rng.normal() * 3) };
      for (const x of problem.sequence.inputs) {
        const step = cell.forward(p, x, prev);
        const a = new Float64Array(4 * H);
        const gates = ['i', 'f', 'g', 'o'];
        affineRows(a, gates.map((q) => p[`b_${q}`].data), gates.map((q) => p[`W_x${q}`].data), gates.map((q) => p[`W_h${q}`].data), H, D, x, prev.h);
        const pre = (k: number) => a.subarray(k * H, (k + 1) * H);
        gates.forEach((q, k) => expect(Array.from(step.pre[q]), `pre ${q}`).toEqual(Array.from(pre(k))));
        const i = pre(0).map(sigmoid), f = pre(1).map(sigmoid), g = pre(2).map(Math.tanh), o = pre(3).map(sigmoid);
        const c = i.map((_, j) => f[j] * prev.c[j] + i[j] * g[j]);
        const tc = c.map(Math.tanh);
        const h = o.map((oj, j) => oj * tc[j]);
        for (const [name, want] of Object.entries({ i, f, g, o })) expect(Array.from(step.gates[name]), name).toEqual(Array.from(want));
        expect(Array.from(step.aux.tanh_c)).toEqual(Array.from(tc));
        expect(Array.from(step.state.c)).toEqual(Array.from(c));
        expect(Array.from(step.h)).toEqual(Array.from(h));
        prev = { h: step.state.h, c: step.state.c };
      }
    }
  });
});

describe('the checkpointed trace equals the plain one where the steps run in wasm', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell} H=48 D=64 T=40`, () => {
      const problem = randomProblem({ cell, H: 48, D: 64, K: 5, T: 40, seed: 5, scale: 0.4, nullRate: 0.2 });
      const plain = runTrace(problem, undefined, { checkpointed: false });
      const ck = new CheckpointedTrace(problem, problem.params, { cacheSegments: 2 });
      expect(ck.loss).toBe(plain.loss);
      for (const k of Object.keys(plain.grads)) expect(Array.from(ck.grads[k].data), k).toEqual(Array.from(plain.grads[k].data));
      for (const t of [40, 1, 17, 33, 2]) {
        expect(Array.from(ck.forward(t).h)).toEqual(Array.from(plain.forward(t).h));
        expect(Array.from(ck.backward(t).dh)).toEqual(Array.from(plain.backward(t).dh));
        const a = ck.accumulated(t), b = plain.accumulated(t);
        for (const k of Object.keys(b)) expect(Array.from(a[k].data), `${k} at ${t}`).toEqual(Array.from(b[k].data));
      }
    });
  }
});

describe("the LSTM's run without records (Cell.advance) gives unroll's states", () => {
  for (const [H, D, T] of [[65, 33, 150], [48, 64, 70], [128, 64, 9]]) {
    it(`H=${H} D=${D} T=${T}`, () => {
      const problem = randomProblem({ cell: 'lstm', H, D, T, seed: 11, scale: 0.5 });
      const cell = makeCell(problem.config);
      const s0 = { h: Float64Array.from({ length: H }, () => rng.normal()), c: Float64Array.from({ length: H }, () => rng.normal()) };
      const want = (i: number) => i % 7 === 3 || i === 64 || i === 65;
      const plain = new Map<number, CellState>();
      const last = unroll(cell, problem.params, problem.sequence.inputs, s0, (cache, i) => void (want(i) && plain.set(i, cache.state)), 2, T);
      const fast = new Map<number, CellState>();
      expect(cell.advance).toBeDefined();
      const end = cell.advance!(problem.params, problem.sequence.inputs, s0, 2, T, want, (i, s) => void fast.set(i, s));
      expect(end).not.toBeNull();
      const through = advance(cell, problem.params, problem.sequence.inputs, s0, want, () => undefined, 2, T);
      expect([...fast.keys()]).toEqual([...plain.keys()]);
      for (const [i, s] of plain) for (const k of ['h', 'c']) expect(Array.from(fast.get(i)![k]), `${k} after ${i}`).toEqual(Array.from(s[k]));
      for (const k of ['h', 'c']) {
        expect(Array.from(end![k])).toEqual(Array.from(last[k]));
        expect(Array.from(through[k])).toEqual(Array.from(last[k]));
      }
    });
  }

  it('does not apply to the variants or to shapes whose step runs in JavaScript (advance then unrolls)', () => {
    const small = randomProblem({ cell: 'lstm', H: 4, D: 3, T: 5 });
    const cell = makeCell(small.config);
    expect(cell.advance!(small.params, small.sequence.inputs, small.s0, 0, 5, () => true, () => undefined)).toBeNull();
    const kept: number[] = [];
    const end = advance(cell, small.params, small.sequence.inputs, small.s0, (i) => i % 2 === 0, (i) => void kept.push(i));
    expect(kept).toEqual([0, 2, 4]);
    expect(Array.from(end.h)).toEqual(Array.from(unroll(cell, small.params, small.sequence.inputs, small.s0).h));
    const peep = randomProblem({ cell: 'lstm', peephole: true, H: 64, D: 64, T: 3 });
    expect(makeCell(peep.config).advance!(peep.params, peep.sequence.inputs, peep.s0, 0, 3, () => true, () => undefined)).toBeNull();
  });
});

describe("the LSTM's runner (input halves of a block as one product) gives forward's records", () => {
  for (const [H, D, T] of [[65, 33, 150], [128, 64, 70], [48, 64, 3]]) {
    it(`H=${H} D=${D} T=${T}, from 1, with a state replaced mid-run`, () => {
      const problem = randomProblem({ cell: 'lstm', H, D, T, seed: 21, scale: 0.5 });
      const cell = makeCell(problem.config);
      const p = problem.params;
      const s0 = { h: Float64Array.from({ length: H }, () => rng.normal()), c: Float64Array.from({ length: H }, () => rng.normal()) };
      const detach = (i: number): CellState | undefined => (i % 20 === 19 ? { h: new Float64Array(H).fill(0.25), c: new Float64Array(H).fill(-0.5) } : undefined);
      const runner = cell.runner!(p, problem.sequence.inputs, 1, T);
      expect(runner).not.toBeNull();
      runner!.release();
      const got: ReturnType<typeof cell.forward>[] = [];
      unroll(cell, p, problem.sequence.inputs, s0, (cache, i) => {
        got.push(cache);
        return detach(i);
      }, 1, T);
      let prev: CellState = s0;
      for (let i = 1; i < T; i++) {
        const want = cell.forward(p, problem.sequence.inputs[i], prev);
        const have = got[i - 1];
        for (const k of ['i', 'f', 'g', 'o']) {
          expect(Array.from(have.pre[k]), `pre ${k} at ${i}`).toEqual(Array.from(want.pre[k]));
          expect(Array.from(have.gates[k]), `gate ${k} at ${i}`).toEqual(Array.from(want.gates[k]));
        }
        expect(Array.from(have.state.c), `c at ${i}`).toEqual(Array.from(want.state.c));
        expect(Array.from(have.h), `h at ${i}`).toEqual(Array.from(want.h));
        expect(Array.from(have.aux.tanh_c)).toEqual(Array.from(want.aux.tanh_c));
        expect(have.x).toBe(problem.sequence.inputs[i]);
        prev = detach(i) ?? want.state;
      }
    });
  }

  it('is not offered where the step runs in JavaScript or for the variants', () => {
    const small = randomProblem({ cell: 'lstm', H: 4, D: 3, T: 5 });
    expect(makeCell(small.config).runner!(small.params, small.sequence.inputs, 0, 5)).toBeNull();
    const coupled = randomProblem({ cell: 'lstm', coupled: true, H: 64, D: 64, T: 3 });
    expect(makeCell(coupled.config).runner!(coupled.params, coupled.sequence.inputs, 0, 3)).toBeNull();
  });
});

describe('addRuns: one addRange a run, with the sums crossing into wasm once', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: the same bits as addRange run by run, short runs at the ends and in the middle`, () => {
      const problem = randomProblem({ cell, H: 48, D: 64, K: 7, T: 60, seed: 8, scale: 0.4 });
      const c = makeCell(problem.config);
      const terms = [...c.terms, ...OUTPUT_TERMS];
      withParams(problem.params, () => {
        const fwd = forwardPass(c, problem.config, problem.params, problem.sequence, problem.s0);
        const bwd = backwardPass(c, problem.config, problem.bptt, problem.params, fwd);
        const layouts: [number, number][][] = [
          [[59, 60], [50, 59], [40, 50], [30, 40], [0, 30]],
          [[55, 60], [5, 55], [2, 5], [0, 2]],
          [[40, 60], [38, 40], [0, 38]],
          [[10, 20]],
        ];
        for (const runs of layouts) {
          const a = zerosLike(problem.params), b = zerosLike(problem.params);
          for (const [lo, hi] of runs) addRange(terms, fwd.caches, bwd, lo, hi, a);
          addRuns(terms, fwd.caches, bwd, runs, b);
          for (const k of Object.keys(a)) expect(Array.from(b[k].data), `${k} ${JSON.stringify(runs)}`).toEqual(Array.from(a[k].data));
        }
      });
    });
  }
});

describe("the GRU's and the RNN's runners (input halves of a block as one product) give forward's records", () => {
  const kinds = [{ cell: 'gru', variant: 'classic' }, { cell: 'gru', variant: 'pytorch' }, { cell: 'rnn', activation: 'tanh' }, { cell: 'rnn', activation: 'relu' }] as const;
  for (const kind of kinds) {
    for (const [H, D, T] of [[65, 33, 90], [256, 64, 70]]) {
      it(`${JSON.stringify(kind)} H=${H} D=${D} T=${T}`, () => {
        const problem = randomProblem({ ...kind, H, D, T, seed: 4, scale: 0.5 });
        const cell = makeCell(problem.config);
        const p = problem.params;
        const got: ReturnType<typeof cell.forward>[] = [];
        unroll(cell, p, problem.sequence.inputs, problem.s0, (cache) => void got.push(cache));
        let prev: CellState = problem.s0;
        for (let i = 0; i < T; i++) {
          const want = cell.forward(p, problem.sequence.inputs[i], prev);
          for (const part of ['pre', 'gates', 'aux'] as const) {
            expect(Object.keys(got[i][part])).toEqual(Object.keys(want[part]));
            for (const k of Object.keys(want[part])) expect(Array.from(got[i][part][k]), `${part}.${k} at ${i}`).toEqual(Array.from(want[part][k]));
          }
          expect(Array.from(got[i].h)).toEqual(Array.from(want.h));
          prev = want.state;
        }
        const runner = cell.runner!(p, problem.sequence.inputs, 0, T);
        expect(runner).not.toBeNull();
        runner!.release();
      });
    }
  }
});
