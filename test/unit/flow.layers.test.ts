/**
 * The flow views of a stack's layer l, against an independent computation: a stack run here layer by
 * layer from single cells, with h^l_k nudged where it is made (so both the layer above at k and
 * layer l's own step k+1 see it), differentiated by central differences:
 *   - the flow map's ||dL_t/dh^l_k|| (full BPTT of L_t alone),
 *   - the Jacobian row's ||dh^l_t/dh^l_k||_2 (the spectral norm of the differenced H×H block),
 * for rnn and lstm stacks, with and without an embedding. The verdict names the layer.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowMap, jacobianRow, layerParam, makeCell, runTrace, spectralNorm, type Params, type Problem } from '../../src/engine';
import { outputStep } from '../../src/engine/output';
import { loadSpec } from '../../src/engine/spec';
import { flowMapView, jacobianView } from '../../src/session/flowView';

function load(text: string): Problem {
  const { problem, diagnostics } = loadSpec(text);
  if (!problem) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return problem;
}

/**
 * Runs the stack step by step from its single cells, adding nudge (at step k, to layer l's h) right
 * after that layer makes it; returns every layer's h at every step and L_t for each t.
 */
function run(problem: Problem, nudge?: { k: number; l: number; v: Float64Array }): { h: Float64Array[][]; loss: number[] } {
  const { config, params } = problem;
  const L = config.layers ?? 1;
  const E = config.embedding ?? null;
  const cells = Array.from({ length: L }, (_, i) => makeCell({ ...config, layers: 1, embedding: null, D: i > 0 ? config.H : (E ?? config.D) }));
  const own: Params[] = cells.map((c, i) => Object.fromEntries(Object.keys(c.info.shapes).map((n) => [n, params[layerParam(n, i + 1)]])));
  let states = cells.map((c, i) => Object.fromEntries(c.info.states.map((s) => [s, problem.s0[i === L - 1 ? s : `${s}_l${i + 1}`]])));
  const hs: Float64Array[][] = [];
  const loss: number[] = [];
  problem.sequence.inputs.forEach((x, j) => {
    const t = j + 1;
    let input = x;
    if (E !== null) input = params.W_emb.data.slice(x.indexOf(1) * E, x.indexOf(1) * E + E); // one-hot x: row v of W_emb
    const next = cells.map((cell, i) => {
      const s = { ...cell.forward(own[i], input, states[i]).state };
      if (nudge && nudge.k === t && nudge.l === i + 1) s.h = Float64Array.from(s.h, (v, u) => v + nudge.v[u]);
      input = s.h;
      return s;
    });
    states = next;
    hs.push(next.map((s) => s.h));
    const target = problem.sequence.targets[j];
    loss.push(target === null ? 0 : (outputStep(params, config.K, config.H, config.output, config.loss, input, target).loss ?? 0));
  });
  return { h: hs, loss };
}

const EPS = 1e-6;
const unit = (H: number, i: number, s: number): Float64Array => Float64Array.from({ length: H }, (_, u) => (u === i ? s : 0));

/** dL_t/dh^l_k by central differences. */
function dLdh(problem: Problem, t: number, k: number, l: number): Float64Array {
  const H = problem.config.H;
  return Float64Array.from({ length: H }, (_, i) => (run(problem, { k, l, v: unit(H, i, EPS) }).loss[t - 1] - run(problem, { k, l, v: unit(H, i, -EPS) }).loss[t - 1]) / (2 * EPS));
}

/** dh^l_t/dh^l_k by central differences: [H, H], row u = output unit. */
function dhdh(problem: Problem, t: number, k: number, l: number): { shape: number[]; data: Float64Array } {
  const H = problem.config.H;
  const data = new Float64Array(H * H);
  for (let i = 0; i < H; i++) {
    const up = run(problem, { k, l, v: unit(H, i, EPS) }).h[t - 1][l - 1];
    const down = run(problem, { k, l, v: unit(H, i, -EPS) }).h[t - 1][l - 1];
    for (let u = 0; u < H; u++) data[u * H + i] = (up[u] - down[u]) / (2 * EPS);
  }
  return { shape: [H, H], data };
}

const norm = (v: Float64Array): number => Math.hypot(...v);

describe.each([
  ['rnn, 3 layers', 'model: { cell: rnn, hidden: 3, layers: 3 }\ndata: { text: abcabca }\ninit: { seed: 2, scheme: uniform }\n'],
  ['lstm, 2 layers, embedding', 'model: { cell: lstm, hidden: 3, layers: 2, embedding: 2 }\ndata: { text: abcabca }\ninit: { seed: 4, scheme: uniform }\n'],
  ['gru pytorch, 2 layers', 'model: { cell: gru, variant: pytorch, hidden: 3, layers: 2 }\ndata: { text: abcab }\ninit: { seed: 1, scheme: uniform }\n'],
])('%s: a layer\'s flow against central differences', (_, text) => {
  const problem = load(text);
  const T = problem.sequence.inputs.length;
  const L = problem.config.layers!;
  // The independent run agrees with the engine's trace (so the differences are of the same model).
  it('the stack run here from single cells gives the engine\'s losses', () => {
    const mine = run(problem).loss;
    const engine = runTrace(problem).stepLosses();
    mine.forEach((v, i) => expect(v).toBeCloseTo(engine[i] as number, 12));
  });

  for (let l = 1; l <= L; l++) {
    it(`layer ${l}: ||dL_t/dh_k|| for every (t, k <= t)`, () => {
      const m = flowMap(problem, { layer: l });
      for (const [i, t] of m.rows.entries()) {
        for (let k = 1; k <= t; k++) {
          const want = norm(dLdh(problem, t, k, l));
          const got = m.norms[i][k - 1] as number;
          expect(Math.abs(got - want), `t=${t} k=${k}: ${got} vs ${want}`).toBeLessThan(1e-7 * Math.max(1, want));
        }
      }
    });

    it(`layer ${l}: ||dh_t/dh_k||_2 along row t = ${T}`, () => {
      const r = jacobianRow(problem, T, { layer: l });
      for (let k = 1; k < T; k++) {
        const want = spectralNorm(dhdh(problem, T, k, l));
        expect(Math.abs(r.norms[k - 1] - want), `k=${k}: ${r.norms[k - 1]} vs ${want}`).toBeLessThan(1e-7 * Math.max(1, want));
      }
    });
  }

  it('the views say which layer; λ and the spectra are the layer\'s own matrices', () => {
    const v = flowMapView(problem, { layer: 1 });
    expect(v.layer).toBe(1);
    expect(v.verdict!.text.startsWith('layer 1: ')).toBe(true);
    const j = jacobianView(problem, T, 2);
    expect(j.layer).toBe(2);
    expect(j.lambdaName).toContain('_l2');
    expect(j.lambdaName!.match(/W_\w+/g)!.every((n) => n.endsWith('_l2'))).toBe(true);
    const top = jacobianView(problem, T);
    expect(top.layer).toBe(L);
  });
});

describe('bptt flow --layer (CLI process)', () => {
  const ROOT = join(__dirname, '..', '..');
  const bptt = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BPTT_DEBUG: '' } });
  it('maps the layer asked for (equal to flowMap of that layer); out of range is a usage error', () => {
    const r = bptt('flow', 'examples/lstm-stacked.rnn.yaml', '--json', '--layer', '1');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const want = flowMap(load(readFileSync(join(ROOT, 'examples', 'lstm-stacked.rnn.yaml'), 'utf8')), { layer: 1 });
    want.rows.forEach((t, i) => want.norms[i].forEach((v, k) => (v === null ? expect(out.norms[t - 1][k]).toBeNull() : expect(out.norms[t - 1][k]).toBeCloseTo(v, 12))));
    const bad = bptt('flow', 'examples/lstm-stacked.rnn.yaml', '--layer', '4');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--layer must be an integer in 1..3');
  });

  it("names and uses the layer's own recurrent matrices: ρ of W_hg_l2 and λ of layer 2's stacked, not the top layer's", () => {
    const problem = load(readFileSync(join(ROOT, 'examples', 'lstm-stacked.rnn.yaml'), 'utf8'));
    const p = problem.params;
    const H = problem.config.H;
    /** λ by hand: the layer's four recurrent matrices stacked [4H, H]; its spectral norm. */
    const lambda = (sfx: string): number => {
      const names = ['i', 'f', 'g', 'o'].map((q) => `W_h${q}${sfx}`);
      const data = new Float64Array(4 * H * H);
      names.forEach((n, i) => data.set(p[n].data, i * H * H));
      return spectralNorm({ shape: [4 * H, H], data });
    };
    /** ρ by hand: the largest |eigenvalue| as the limit of ||W^n||^(1/n) (Gelfand), n = 2^40 by repeated squaring. */
    const radius = (W: Float64Array): number => {
      let M = Float64Array.from(W), logScale = 0;
      for (let s = 0; s < 40; s++) {
        const N = new Float64Array(H * H);
        for (let i = 0; i < H; i++) for (let k = 0; k < H; k++) for (let j = 0; j < H; j++) N[i * H + j] += M[i * H + k] * M[k * H + j];
        const m = Math.max(...N.map(Math.abs));
        M = N.map((v) => v / m);
        logScale = 2 * logScale + Math.log(m);
      }
      return Math.exp(logScale / 2 ** 40);
    };
    for (const [args, l, sfx] of [[['--layer', '2'], 2, '_l2'], [['--layer', '1'], 1, ''], [[], 3, '_l3']] as const) {
      const r = bptt('flow', 'examples/lstm-stacked.rnn.yaml', '--json', ...args);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.layer).toBe(l);
      expect(out.recurrent.map((m: { name: string }) => m.name)).toEqual(['i', 'f', 'g', 'o'].map((q) => `W_h${q}${sfx}`));
      expect(out.spectral_norm).toBeCloseTo(lambda(sfx), 10);
      expect(out.jacobian.lambda).toBeCloseTo(lambda(sfx), 10);
      expect(out.spectral_radius).toBeCloseTo(radius(p[`W_hg${sfx}`].data), 9);
      const text = bptt('flow', 'examples/lstm-stacked.rnn.yaml', ...args);
      expect(text.stdout).toMatch(new RegExp(`layer ${l}\\s+spectral radius \\S+ \\(W_hg${sfx}\\)\\s+λ ${lambda(sfx).toFixed(4).replace('.', '\\.')}`));
    }
    expect(lambda('_l2')).not.toBeCloseTo(lambda('_l3'), 4);
    expect(radius(p.W_hg_l2.data)).not.toBeCloseTo(radius(p.W_hg_l3.data), 4);
  });
});
