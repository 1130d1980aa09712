/**
 * Closed-form references from the lecture notes, computed here independently of the engine (plain
 * loops over number[]), compared with the engine's BPTT through the spec loader:
 *  (a) notes 001: the linear RNN h_t = W_x x_t + W_h h_{t-1}, y_t = W_o h_t, loss averaged over T,
 *      whose gradient is a sum over powers (W_h^T)^(t-i); with a window truncation the sum keeps
 *      only the last k powers (notes 002's truncation to tau terms).
 *  (b) notes 000: the scalar RNN h[t] = f(w1 x[t] + wm h[t-1]), y[t] = f(w2 h[t]) and the forward
 *      recursion dh[i]/dwm = f'(z[i]) (h[i-1] + wm dh[i-1]/dwm).
 *  (c) notes 004: the single-neuron RNN: dL/dh_t / dL/dh_{t+1} = f'(a_{t+1}) W_hh when only the
 *      last step has a loss, so a small W_hh makes the gradient vanish geometrically.
 */
import { describe, expect, it } from 'vitest';
import { runTrace, type Problem } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';

type Mat = number[][];
type Vec = number[];

const TOL = 1e-10;

function load(spec: unknown): Problem {
  const { problem, diagnostics } = loadSpec(JSON.stringify(spec), { format: 'json' });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(problem).not.toBeNull();
  return problem!;
}

function closeTo(actual: ArrayLike<number>, expected: number[], what: string, tol = TOL): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(actual[i]), Math.abs(expected[i]));
    if (!(err <= tol)) expect.fail(`${what}[${i}]: engine ${actual[i]}, reference ${expected[i]} (error ${err})`);
  }
}

// --- tiny dense linear algebra, independent of src/engine/linalg
const matVec = (A: Mat, x: Vec): Vec => A.map((row) => row.reduce((s, a, j) => s + a * x[j], 0));
const transpose = (A: Mat): Mat => A[0].map((_, j) => A.map((row) => row[j]));
const matMul = (A: Mat, B: Mat): Mat => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
const eye = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const add = (a: Vec, b: Vec): Vec => a.map((v, i) => v + b[i]);
const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const outerInto = (G: Mat, u: Vec, v: Vec, s: number): void => {
  for (let i = 0; i < u.length; i++) for (let j = 0; j < v.length; j++) G[i][j] += s * u[i] * v[j];
};
function matPow(A: Mat, n: number): Mat {
  let P = eye(A.length);
  for (let i = 0; i < n; i++) P = matMul(P, A);
  return P;
}

describe('(a) linear RNN: closed-form gradient as a sum over powers of W_h^T (notes 001)', () => {
  const D = 2, H = 3, K = 2, T = 7;
  const Wx: Mat = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]];
  const Wo: Mat = [[0.7, -0.2, 0.4], [-0.5, 0.3, 0.9]];
  const xs: Vec[] = [[1, 0.5], [-0.5, 0.2], [0.3, -1], [0, 0.7], [0.9, 0.1], [-0.4, -0.4], [0.2, 0.6]];
  const vs: Vec[] = [[0.1, -0.2], [0.4, 0.0], [-0.3, 0.5], [0.2, 0.2], [0.0, -0.6], [0.5, 0.1], [-0.1, 0.3]];
  const h0: Vec = [0.3, -0.2, 0.1];
  /** Rotation in the (1,2) plane scaled by rho, and rho/2 on the third axis: spectral radius rho. */
  const Wh = (rho: number): Mat => [
    [0.6 * rho, -0.8 * rho, 0],
    [0.8 * rho, 0.6 * rho, 0],
    [0, 0, 0.5 * rho],
  ];

  function spec(W_hh: Mat, bptt?: { truncate: string; k: number }) {
    return {
      name: 'linear-closed-form',
      model: { cell: 'rnn', hidden: H, inputs: D, outputs: K, activation: 'identity', output: 'identity' },
      loss: 'mse',
      reduction: 'mean',
      data: { inputs: xs, targets: vs },
      init: { h0, weights: { W_xh: Wx, W_hh, b_h: [0, 0, 0], W_hy: Wo, b_y: [0, 0] } },
      ...(bptt ? { bptt } : {}),
    };
  }

  /**
   * F = (1/T) Σ_t ½||y_t - v_t||², g_t = dL_t/dy_t = y_t - v_t:
   *   dF/dW_x = (1/T) Σ_t Σ_{i=lo(t)}^{t} (W_h^T)^{t-i} W_o^T g_t x_i^T
   *   dF/dW_h = (1/T) Σ_t Σ_{i=lo(t)}^{t} (W_h^T)^{t-i} W_o^T g_t h_{i-1}^T
   *   dF/db_h = (1/T) Σ_t Σ_{i=lo(t)}^{t} (W_h^T)^{t-i} W_o^T g_t
   *   dF/dW_o = (1/T) Σ_t g_t h_t^T,  dF/db_y = (1/T) Σ_t g_t
   * lo(t) = 1 for full BPTT, max(1, t-k+1) when each L_t backpropagates through k steps only.
   */
  function closedForm(W: Mat, k: number | null) {
    const hs: Vec[] = [h0];
    for (let t = 1; t <= T; t++) hs.push(add(matVec(Wx, xs[t - 1]), matVec(W, hs[t - 1])));
    const gs = hs.slice(1).map((h, t) => matVec(Wo, h).map((y, j) => y - vs[t][j]));
    const loss = gs.reduce((s, g) => s + 0.5 * g.reduce((a, b) => a + b * b, 0), 0) / T;
    const WhT = transpose(W);
    const WoT = transpose(Wo);
    const gWx = zeros(H, D), gWh = zeros(H, H), gWo = zeros(K, H);
    const gbh = new Array<number>(H).fill(0), gby = new Array<number>(K).fill(0);
    for (let t = 1; t <= T; t++) {
      const g = gs[t - 1];
      const back = matVec(WoT, g);
      outerInto(gWo, g, hs[t], 1 / T);
      g.forEach((v, j) => (gby[j] += v / T));
      const lo = k === null ? 1 : Math.max(1, t - k + 1);
      for (let i = lo; i <= t; i++) {
        const d = matVec(matPow(WhT, t - i), back);
        outerInto(gWx, d, xs[i - 1], 1 / T);
        outerInto(gWh, d, hs[i - 1], 1 / T);
        d.forEach((v, j) => (gbh[j] += v / T));
      }
    }
    return { loss, W_xh: gWx, W_hh: gWh, b_h: gbh, W_hy: gWo, b_y: gby };
  }

  for (const rho of [0.5, 1.5]) {
    it(`full BPTT, spectral radius ${rho}`, () => {
      const W = Wh(rho);
      const ref = closedForm(W, null);
      const trace = runTrace(load(spec(W)));
      closeTo([trace.loss], [ref.loss], 'loss');
      closeTo(trace.grads.W_xh.data, ref.W_xh.flat(), 'W_xh');
      closeTo(trace.grads.W_hh.data, ref.W_hh.flat(), 'W_hh');
      closeTo(trace.grads.b_h.data, ref.b_h, 'b_h');
      closeTo(trace.grads.W_hy.data, ref.W_hy.flat(), 'W_hy');
      closeTo(trace.grads.b_y.data, ref.b_y, 'b_y');
    });

    it(`window truncation k = 3 keeps only the powers 0..2, spectral radius ${rho}`, () => {
      const W = Wh(rho);
      const ref = closedForm(W, 3);
      const trace = runTrace(load(spec(W, { truncate: 'window', k: 3 })));
      closeTo([trace.loss], [ref.loss], 'loss');
      closeTo(trace.grads.W_xh.data, ref.W_xh.flat(), 'W_xh');
      closeTo(trace.grads.W_hh.data, ref.W_hh.flat(), 'W_hh');
      closeTo(trace.grads.b_h.data, ref.b_h, 'b_h');
    });
  }

  it('the spectral radius decides whether dL/dh_1 from the last step vanishes or explodes', () => {
    // Only the last step has a target: dL/dh_1 = (W_h^T)^(T-1) W_o^T g_T / 1.
    const ratio: Record<number, number> = {};
    for (const rho of [0.5, 1.5]) {
      const s = { ...spec(Wh(rho)), data: { inputs: xs, targets: [...vs.slice(0, T - 1).map(() => null), vs[T - 1]] } };
      const trace = runTrace(load(s));
      const dhT = Array.from(trace.backward(T).dh);
      const dh1 = Array.from(trace.backward(1).dh);
      closeTo(dh1, matVec(matPow(transpose(Wh(rho)), T - 1), dhT), `dh_1 (rho ${rho})`);
      const n = (v: Vec) => Math.hypot(...v);
      ratio[rho] = n(dh1) / n(dhT);
      // Within the rotation plane W_h^T scales norms by exactly rho per step.
      closeTo([Math.hypot(dh1[0], dh1[1])], [rho ** (T - 1) * Math.hypot(dhT[0], dhT[1])], `plane part (rho ${rho})`);
    }
    expect(ratio[0.5]).toBeLessThanOrEqual(0.5 ** (T - 1) * (1 + 1e-12)); // vanishing
    expect(ratio[1.5]).toBeGreaterThan(1); // growing
  });
});

describe('(b) scalar RNN: the forward recursion for dh[i]/dwm (notes 000)', () => {
  const fns = {
    tanh: { f: Math.tanh, df: (z: number) => 1 - Math.tanh(z) ** 2 },
    sigmoid: {
      f: (z: number) => 1 / (1 + Math.exp(-z)),
      df: (z: number) => {
        const s = 1 / (1 + Math.exp(-z));
        return s * (1 - s);
      },
    },
  };
  const w1 = 0.8, wm = 0.9, w2 = 1.3, h0 = 0.4;
  const x = [1.0, 0.5, -0.5, 0.0, 1.0, -1.0];
  const v = [0.5, 0.6, 0.1, -0.2, 0.7, 0.3];

  for (const [name, { f, df }] of Object.entries(fns)) {
    it(`f = ${name}: dL/dwm, dL/dw1, dL/dw2 from the recursion equal the engine's W_hh, W_xh, W_hy gradients`, () => {
      let h = h0;
      let dhdwm = 0; // dh[0]/dwm = 0
      let dhdw1 = 0;
      let gwm = 0, gw1 = 0, gw2 = 0, loss = 0;
      for (let t = 0; t < x.length; t++) {
        const z = w1 * x[t] + wm * h;
        // dh[i]/dwm = f'(z[i]) (h[i-1] + wm dh[i-1]/dwm); likewise dh[i]/dw1 = f'(z[i]) (x[i] + wm dh[i-1]/dw1)
        dhdwm = df(z) * (h + wm * dhdwm);
        dhdw1 = df(z) * (x[t] + wm * dhdw1);
        h = f(z);
        const y = f(w2 * h);
        const e = y - v[t]; // dL_t/dy[t] for L_t = ½ (y - v)²
        loss += 0.5 * e * e;
        // dy[t]/dwm = w2 f'(w2 h[t]) dh[t]/dwm
        gwm += e * w2 * df(w2 * h) * dhdwm;
        gw1 += e * w2 * df(w2 * h) * dhdw1;
        gw2 += e * df(w2 * h) * h;
      }
      const trace = runTrace(
        load({
          name: 'scalar',
          model: { cell: 'rnn', hidden: 1, inputs: 1, outputs: 1, activation: name, output: name },
          loss: 'mse',
          data: { inputs: x, targets: v },
          init: { h0: [h0], weights: { W_xh: [[w1]], W_hh: [[wm]], b_h: [0], W_hy: [[w2]], b_y: [0] } },
        }),
      );
      closeTo([trace.loss], [loss], 'loss');
      closeTo(trace.grads.W_hh.data, [gwm], 'W_hh (wm)');
      closeTo(trace.grads.W_xh.data, [gw1], 'W_xh (w1)');
      closeTo(trace.grads.W_hy.data, [gw2], 'W_hy (w2)');
    });
  }
});

describe('(c) single-neuron RNN: a small W_hh makes dL/dh_t vanish geometrically (notes 004)', () => {
  const Wxh = [0.7, -0.4], Whh = 0.2, Why = 1.0;
  const xs: Vec[] = [[1, 0], [0.5, -0.5], [0, 1], [-0.5, 0.5], [1, 1], [0, -1], [0.5, 0], [-1, 0.5], [0.3, 0.3], [0.2, -0.8]];
  const T = xs.length;

  it('dL/dh_t / dL/dh_{t+1} = tanh\'(a_{t+1}) W_hh, and |dL/dh_1| <= |W_hh|^(T-1) |dL/dh_T|', () => {
    const trace = runTrace(
      load({
        name: 'single-neuron',
        model: { cell: 'rnn', hidden: 1, inputs: 2, outputs: 1, activation: 'tanh', output: 'identity' },
        loss: 'mse',
        data: { inputs: xs, targets: [...new Array(T - 1).fill(null), 0.8] },
        init: { h0: [0], weights: { W_xh: [Wxh], W_hh: [[Whh]], b_h: [0], W_hy: [[Why]], b_y: [0] } },
      }),
    );
    // Independent forward: a_t and h_t.
    const a: number[] = [NaN];
    const h: number[] = [0];
    for (let t = 1; t <= T; t++) {
      a.push(Wxh[0] * xs[t - 1][0] + Wxh[1] * xs[t - 1][1] + Whh * h[t - 1]);
      h.push(Math.tanh(a[t]));
    }
    const dh = (t: number) => trace.backward(t).dh[0];
    // At T: dL/dh_T = W_hy (y_T - v_T), all from the output.
    closeTo([dh(T)], [Why * (Why * h[T] - 0.8)], 'dh_T');
    closeTo([trace.backward(T).dh_from_future[0]], [0], 'dh_T from the future');
    let product = 1;
    for (let t = T - 1; t >= 1; t--) {
      const factor = (1 - Math.tanh(a[t + 1]) ** 2) * Whh;
      closeTo([dh(t) / dh(t + 1)], [factor], `dh_${t} / dh_${t + 1}`);
      closeTo([trace.backward(t).dh_from_output[0]], [0], `dh_${t} from the output`);
      product *= factor;
      closeTo([dh(t)], [product * dh(T)], `dh_${t} as a product`);
      expect(Math.abs(dh(t))).toBeLessThanOrEqual(Math.abs(Whh) ** (T - t) * Math.abs(dh(T)) * (1 + 1e-12));
    }
    expect(Math.abs(dh(1) / dh(T))).toBeLessThan(1e-6);
  });
});
