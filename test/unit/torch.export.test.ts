/**
 * `bptt export --pytorch`: the exported scripts, run by Debian's /usr/bin/python3 with python3-torch
 * (installed by scripts/test.mjs), print the loss and gradients `bptt trace` computes, to 1e-9: every
 * golden spec (each cell, variant, output, loss, reduction and truncation) and the PyTorch fixtures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrace, type Problem } from '../../src/engine';
import { pytorchScript } from '../../src/engine/export';
import { loadSpec } from '../../src/engine/spec';

const FIX = join(__dirname, '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'bptt-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function problems(): [string, Problem][] {
  const out: [string, Problem][] = [];
  for (const f of readdirSync(join(FIX, 'golden')).filter((f) => f.endsWith('.json')).sort()) {
    const g = JSON.parse(readFileSync(join(FIX, 'golden', f), 'utf8')) as { spec: unknown };
    out.push([f.replace('.json', ''), loadSpec(JSON.stringify(g.spec), { format: 'json' }).problem as Problem]);
  }
  for (const f of readdirSync(join(FIX, 'torch')).filter((f) => f.endsWith('.rnn.yaml')).sort()) {
    const file = join(FIX, 'torch', f);
    const { problem } = loadSpec(readFileSync(file, 'utf8'), { file, readBytes: (rel) => new Uint8Array(readFileSync(join(dirname(file), rel))) });
    out.push([f.replace('.rnn.yaml', ''), problem as Problem]);
  }
  // Every example (custom cells among them: written from their equations).
  const EX = join(__dirname, '..', '..', 'examples');
  for (const f of readdirSync(EX).filter((f) => f.endsWith('.rnn.yaml')).sort()) {
    const file = join(EX, f);
    const { problem } = loadSpec(readFileSync(file, 'utf8'), { file, readFile: (rel) => readFileSync(join(EX, rel), 'utf8') });
    if (problem) out.push([`example-${f.replace('.rnn.yaml', '')}`, problem]);
  }
  const custom = readFileSync(join(EX, 'mgu.rnn.yaml'), 'utf8').replace('  hidden: 3\n', '  hidden: 3\n  layers: 2\n');
  out.push(['custom-mgu-l2', loadSpec(custom).problem as Problem]);
  // Stacks of the notes' variants, written step by step, with each truncation.
  const stacks = [
    ['lstm-peephole-l2-emb-chunks', 'cell: lstm, peephole: true, layers: 2, embedding: 3', '{ truncate: chunks, k: 3 }'],
    ['gru-classic-l3-window', 'cell: gru, layers: 3', '{ truncate: window, k: 2 }'],
    ['rnn-sigmoid-l2-emb', 'cell: rnn, activation: sigmoid, layers: 2, embedding: 2', '{ truncate: none }'],
    ['lstm-l2-window', 'cell: lstm, layers: 2', '{ truncate: window, k: 3 }'],
    ['gru-pytorch-l2-emb-chunks', 'cell: gru, variant: pytorch, layers: 2, embedding: 3', '{ truncate: chunks, k: 4 }'],
  ];
  for (const [name, model, bptt] of stacks) {
    const text = `model: { ${model}, hidden: 3 }\ndata: { text: "abcabd cab" }\nbptt: ${bptt}\ninit: { scheme: normal, scale: 0.5, seed: 5, h0: random }\n`;
    out.push([name, loadSpec(text).problem as Problem]);
  }
  return out;
}

/** Runs every script in one python3 process (torch is imported once) and returns each one's stdout. */
function runPython(names: string[]): Record<string, string> {
  const driver = `
import contextlib, io, json, runpy, sys
out = {}
for name in sys.argv[1:]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        runpy.run_path(name + ".py", run_name="__main__")
    out[name] = buf.getvalue()
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', driver, ...names], { cwd: tmp, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

describe('exported PyTorch scripts equal bptt trace (1e-9)', () => {
  const cases = problems();
  let outputs: Record<string, string> = {};
  beforeAll(() => {
    for (const [name, p] of cases) writeFileSync(join(tmp, `${name}.py`), pytorchScript(p));
    outputs = runPython(cases.map(([n]) => n));
  }, 120_000);

  it('covers every cell form and truncation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
    const text = cases.map(([n]) => readFileSync(join(tmp, `${n}.py`), 'utf8')).join('\n');
    for (const form of ['torch.nn.RNN(', 'torch.nn.LSTM(', 'torch.nn.GRU(', 'def step(x, state)', 'def step(x, state, l)', '# Window truncation', '# Truncated BPTT in chunks', 'num_layers=3', 'def p(name, l)', 'P["W_emb"][torch.tensor(INPUTS)]', "custom cell"]) expect(text).toContain(form);
  });

  for (const [name, problem] of cases) {
    it(name, () => {
      const res = JSON.parse(outputs[name]) as { loss: number; grads: Record<string, Nested> };
      const trace = runTrace(problem);
      expect(Math.abs(res.loss - trace.loss) / Math.max(1, Math.abs(trace.loss))).toBeLessThan(1e-9);
      expect(Object.keys(res.grads)).toEqual(Object.keys(trace.grads));
      for (const [k, t] of Object.entries(trace.grads)) {
        const got = flat(res.grads[k]);
        expect(got.length, k).toBe(t.data.length);
        for (let i = 0; i < got.length; i++) if (!(Math.abs(got[i] - t.data[i]) / Math.max(1, Math.abs(t.data[i])) < 1e-9)) expect.fail(`${k}[${i}]: python ${got[i]}, trace ${t.data[i]}`);
      }
    });
  }
});
