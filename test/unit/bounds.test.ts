/** Bounded methods: the gradcheck floor, Krylov spectra for large matrices, the weights file's loss history. */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import { forwardPass } from '../../src/engine/bptt';
import { cloneParams } from '../../src/engine/params';
import { defaultFloor, gradcheck, objective } from '../../src/engine/gradcheck';
import { runTrace, spectralNorm, spectralRadius, spectralIsEstimated, type Problem } from '../../src/engine';
import { epochsOf, keptEpochs, LOSS_RECENT, thinLosses } from '../../src/engine/train/lossHistory';
import { makeCell } from '../../src/engine/cells';
import { pseudoText } from './helpers/text';

const text = (n: number): string => pseudoText(n, 7, 'abcdefghijklmnopqrstuvwxyz');

describe('gradcheck: a relative error with a floor set by the difference noise', () => {
  const problem = loadSpec(`model: {cell: lstm, hidden: 64}\ndata: {text: "${text(201)}"}\n`).problem as Problem;

  it('LSTM H=64 T=200: the tiniest gradient entry fails a fixed 1e-6 floor on rounding noise alone, and passes the noise floor', () => {
    const trace = runTrace(problem);
    const g = trace.grads.W_hi.data;
    let idx = 0;
    for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) < Math.abs(g[idx])) idx = i;
    const base = forwardPass(makeCell(problem.config), problem.config, problem.params, problem.sequence, problem.s0); // full BPTT: base unused
    const p = cloneParams(problem.params);
    const eps = 5e-3;
    const at = (d: number) => {
      p.W_hi.data[idx] = problem.params.W_hi.data[idx] + d;
      return objective(problem, p, base);
    };
    const numeric = (45 * (at(eps) - at(-eps)) - 9 * (at(2 * eps) - at(-2 * eps)) + (at(3 * eps) - at(-3 * eps))) / (60 * eps);
    const diff = Math.abs(g[idx] - numeric);
    const floor = defaultFloor(trace.loss, eps, 1e-6);
    expect(Math.abs(g[idx])).toBeLessThan(1e-7);
    expect(diff / Math.max(Math.abs(g[idx]), Math.abs(numeric), 1e-6)).toBeGreaterThan(1e-6); // the old verdict: FAIL
    expect(diff / Math.max(Math.abs(g[idx]), Math.abs(numeric), floor)).toBeLessThan(1e-6); // with the floor: PASS
  }, 60_000);

  it('gradcheck passes on it (a few entries per parameter) and reports its floor', () => {
    const results = gradcheck(problem, { maxEntries: 2, tolerance: 1e-6 });
    for (const r of results) {
      expect(r.maxRelError, r.name).toBeLessThanOrEqual(1e-6);
      expect(r.floor).toBeGreaterThan(1e-6);
    }
  }, 120_000);

  it('a wrong gradient still fails: the floor is far below real gradients', () => {
    // The floor is ~1e-4 here: a gradient of 1e-3 off by 1% is an error of 1e-5 / 1e-3 = 1e-2.
    expect(defaultFloor(650, 5e-3, 1e-6)).toBeLessThan(2e-4);
  });
});

/** Q D Qᵀ with Q a Householder reflection: a normal matrix whose eigenvalue moduli are D's. */
function similar(n: number, diag: (i: number) => number): Float64Array {
  const v = Float64Array.from({ length: n }, (_, i) => Math.cos(0.37 * i + 1));
  const vv = v.reduce((a, x) => a + x * x, 0);
  const W = new Float64Array(n * n);
  // (I - 2vvᵀ/vv) D (I - 2vvᵀ/vv)
  const Qe = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
  const QD = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) QD[i * n + j] = Qe(i, j) * diag(j);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += QD[i * n + k] * Qe(k, j);
      W[i * n + j] = s;
    }
  return W;
}

describe('spectra above the exact size: Krylov estimates', () => {
  it('a 400×400 matrix with known spectrum: radius and norm to 1e-8, and flagged as estimated', () => {
    const n = 400;
    const W = similar(n, (i) => (i === 17 ? -1.7 : 0.9 * Math.sin(i)));
    const t = { shape: [n, n], data: W };
    expect(spectralIsEstimated(n, n)).toBe(true);
    expect(Math.abs(spectralRadius(t) - 1.7)).toBeLessThan(1e-8);
    expect(Math.abs(spectralNorm(t) - 1.7)).toBeLessThan(1e-8);
  }, 60_000);
});

describe('the weights file keeps a bounded loss history', () => {
  it('at most 2 × LOSS_RECENT losses however many epochs, the recent ones all kept', () => {
    for (const E of [10, LOSS_RECENT, 5000, 466_000]) {
      const kept = keptEpochs(E);
      expect(kept.length).toBeLessThanOrEqual(2 * LOSS_RECENT);
      expect(kept.at(-1)).toBe(E);
      if (E >= LOSS_RECENT) expect(kept.slice(-LOSS_RECENT)).toEqual(Array.from({ length: LOSS_RECENT }, (_, i) => E - LOSS_RECENT + 1 + i));
    }
  });

  it('thinning is consistent: thinned at E1 then resumed to E2 equals thinned once at E2', () => {
    const loss = (e: number) => 1 / e;
    const full = (E: number) => Array.from({ length: E }, (_, i) => loss(i + 1));
    for (const [E1, E2] of [[3000, 9000], [4100, 4200], [70_000, 466_000]]) {
      const saved = thinLosses(full(E1), E1); // written at E1, read back by a resumed run
      const resumed = [...saved, ...Array.from({ length: E2 - E1 }, (_, i) => loss(E1 + 1 + i))];
      expect(thinLosses(resumed, E2)).toEqual(thinLosses(full(E2), E2));
      expect(epochsOf(saved.length, E1)).toEqual(keptEpochs(E1));
    }
  });
});
