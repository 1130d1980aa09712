/** The bptt CLI as a process: node dist/cli.js (built by test/globalSetup.ts), its output and exit status. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const HELLO = 'examples/hello.rnn.yaml';
const tmp = mkdtempSync(join(tmpdir(), 'bptt-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bptt(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BPTT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

interface TraceOut {
  loss: number;
  forward: { t: number; x: number[]; h: number[]; p: number[]; loss: number | null }[];
  backward: { t: number; dh: number[]; dh_from_output: number[]; dh_from_future: number[] }[];
  grads: Record<string, number[] | number[][]>;
}

describe('bptt trace --json', () => {
  let r: ReturnType<typeof bptt>;
  let out: TraceOut;
  let H: number;
  beforeAll(() => {
    r = bptt('trace', HELLO, '--json');
    out = JSON.parse(r.stdout) as TraceOut;
    H = out.forward[0].h.length;
  });

  it('prints one JSON object, exit 0', () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(typeof out.loss).toBe('number');
  });

  it('has T = 4 forward and backward records with t = 1..4', () => {
    expect(out.forward.map((f) => f.t)).toEqual([1, 2, 3, 4]);
    expect(out.backward.map((b) => b.t)).toEqual([1, 2, 3, 4]);
  });

  it('has every parameter gradient in its shape', () => {
    const shape = (v: number[] | number[][]) => (Array.isArray(v[0]) ? [v.length, (v[0] as number[]).length] : [v.length]);
    expect(Object.keys(out.grads).sort()).toEqual(['W_hh', 'W_hy', 'W_xh', 'b_h', 'b_y']);
    expect(shape(out.grads.W_xh)).toEqual([H, 4]);
    expect(shape(out.grads.W_hh)).toEqual([H, H]);
    expect(shape(out.grads.b_h)).toEqual([H]);
    expect(shape(out.grads.W_hy)).toEqual([4, H]);
    expect(shape(out.grads.b_y)).toEqual([4]);
  });

  it('has a loss equal to the sum of -log p[target] recomputed from the forward records', () => {
    const vocab = ['h', 'e', 'l', 'o'];
    const targets = 'ello'.split('').map((ch) => vocab.indexOf(ch));
    let loss = 0;
    out.forward.forEach((f, i) => {
      expect(f.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(f.loss).toBeCloseTo(-Math.log(f.p[targets[i]]), 12);
      loss += -Math.log(f.p[targets[i]]);
    });
    expect(out.loss).toBeCloseTo(loss, 12);
  });

  it('splits dh into the part from the output and the part from the future', () => {
    for (const b of out.backward) {
      b.dh.forEach((v, j) => expect(v).toBeCloseTo(b.dh_from_output[j] + b.dh_from_future[j], 14));
    }
    expect(out.backward[3].dh_from_future.every((v) => v === 0)).toBe(true); // nothing after T
  });
});

describe('bptt trace (table)', () => {
  it('shows a row per timestep, the total loss and the gradient norms', () => {
    const r = bptt('trace', HELLO);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colours when not a terminal
    const lines = r.stdout.split('\n');
    for (const [t, input, target] of [['1', 'h', 'e'], ['2', 'e', 'l'], ['3', 'l', 'l'], ['4', 'l', 'o']]) {
      expect(lines.some((l) => new RegExp(`^\\s*${t}\\s+${input}\\s+${target}\\s`).test(l))).toBe(true);
    }
    expect(r.stdout).toMatch(/^loss \d+\.\d+$/m);
    for (const p of ['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']) expect(r.stdout).toMatch(new RegExp(`^${p}\\s`, 'm'));
  });
});

describe('bptt gradcheck', () => {
  it('passes on hello, one line per parameter, exit 0', () => {
    const r = bptt('gradcheck', HELLO);
    expect(r.code).toBe(0);
    for (const p of ['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']) expect(r.stdout).toMatch(new RegExp(`^${p}\\s.*PASS$`, 'm'));
  });

  it('--json gives the largest relative error per parameter', () => {
    const r = bptt('gradcheck', HELLO, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { pass: boolean; results: { name: string; maxRelError: number }[] };
    expect(out.pass).toBe(true);
    expect(out.results.map((x) => x.name).sort()).toEqual(['W_hh', 'W_hy', 'W_xh', 'b_h', 'b_y']);
    for (const x of out.results) expect(x.maxRelError).toBeLessThanOrEqual(1e-6);
  });
});

describe('bptt flow on a custom cell without an [H, H] recurrent matrix', () => {
  // IndRNN: h = relu(W x + u * h_prev + b), so dh_t/dh_{t-1} = diag(u * step(a_t)), whose 2-norm is
  // max_j |u_j| over the units with a_j > 0. u is given, W and b come from the seed.
  const u = [0.5, -0.9, 1.2, 0.3];
  const spec = join(tmp, 'indrnn.rnn.yaml');
  writeFileSync(
    spec,
    ['name: indrnn-u', 'model:', '  cell: custom', '  hidden: 4', '  state: [h]', '  params: { W: [H, D], u: [H], b: [H] }', '  equations: |',
      '    a = W @ x + u * h_prev + b', '    h = relu(a)', 'loss: cross-entropy', 'data:', '  text: hello world', 'init:', '  seed: 3',
      '  scheme: normal', '  weights:', `    u: [${u.join(', ')}]`, ''].join('\n'),
  );

  it('--json: no spectral radius, no recurrent matrices, and ‖dh_t/dh_(t-1)‖ = max |u_j| over the active units', () => {
    const r = bptt('flow', spec, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { spectral_radius: number | null; recurrent: unknown[]; jacobian: { t: number; norms: (number | null)[] } };
    expect(out.spectral_radius).toBeNull();
    expect(out.recurrent).toEqual([]);
    const trace = JSON.parse(bptt('trace', spec, '--json').stdout) as { forward: { gates: { a: number[] } }[] };
    const t = out.jacobian.t;
    const a = trace.forward[t - 1].gates.a;
    const expected = Math.max(0, ...u.map((uj, j) => (a[j] > 0 ? Math.abs(uj) : 0)));
    expect(expected).toBeGreaterThan(0);
    expect(out.jacobian.norms[t - 2]).toBeCloseTo(expected, 12);
  });

  it('the table says there is no bound instead of failing', () => {
    const r = bptt('flow', spec);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no \[H, H\] recurrent matrix/);
    expect(r.stdout).not.toMatch(/\(γλ\)\^\(t-k\)\s+‖/);
  });
});

describe('errors', () => {
  it('reports spec errors as FILE:LINE:COL: message, exit 2, no stack', () => {
    const file = join(tmp, 'broken.rnn.yaml');
    writeFileSync(file, ['name: broken', 'model:', '  cell: rnm', '  hidden: 3', 'data:', '  text: hello', ''].join('\n'));
    const r = bptt('trace', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^.+:\d+:\d+: .+/);
    expect(r.stderr).toContain(`${file}:3:9: `);
    noStack(r.stderr);
  });

  it('reports YAML syntax errors the same way', () => {
    const file = join(tmp, 'syntax.rnn.yaml');
    writeFileSync(file, 'name: x\nmodel: [cell: rnn\n');
    const r = bptt('gradcheck', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `, 'm'));
    noStack(r.stderr);
  });

  it('says which file is missing, exit 2', () => {
    const r = bptt('trace', 'no/such/spec.rnn.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('no/such/spec.rnn.yaml: cannot read spec: no such file');
    noStack(r.stderr);
  });

  it('rejects an unknown command with usage on stderr, exit 2', () => {
    const r = bptt('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(r.stderr).toMatch(/Usage: bptt/);
  });

  it('rejects an unknown option with usage on stderr, exit 2', () => {
    const r = bptt('trace', HELLO, '--frob');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frob'/);
    expect(r.stderr).toMatch(/Usage: bptt trace/);
  });

  it('rejects a missing argument, exit 2', () => {
    expect(bptt('trace').code).toBe(2);
    expect(bptt().code).toBe(2);
  });
});

describe('help and version', () => {
  it('--help lists every command', () => {
    const r = bptt('--help');
    expect(r.code).toBe(0);
    for (const usage of ['trace SPEC', 'gradcheck SPEC', 'flow SPEC', 'train SPEC', 'sample SPEC', 'bench']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${usage}\\b`, 'm'));
    }
  });

  it('help COMMAND and COMMAND --help show the command usage', () => {
    expect(bptt('help', 'trace').stdout).toMatch(/Usage: bptt trace SPEC/);
    expect(bptt('gradcheck', '--help').stdout).toMatch(/Usage: bptt gradcheck SPEC/);
    expect(bptt('help', 'nope').code).toBe(2);
  });

  it('--version prints the package version', () => {
    const r = bptt('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(require('../../package.json').version);
  });
});
