/**
 * Stacked layers and the token embedding: PyTorch autograd goldens (scripts/torch_fixtures.py: 2-3
 * layer nn.RNN / nn.LSTM / nn.GRU with nn.Embedding, loaded from their .pt files) and central finite
 * differences for every cell form and truncation on stacks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointedTrace } from '../../src/engine/checkpointedTrace';
import { gradcheck, norm2, runTrace, sample, traceJson, Trainer } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';
import { snapshotAt } from '../../src/session/snapshot';

const DIR = join(__dirname, '..', 'fixtures', 'torch');
type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

function closeTo(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= 1e-9)) expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('stacks against PyTorch autograd', () => {
  const cases = readdirSync(DIR).filter((f) => /_l[23].*\.rnn\.yaml$/.test(f)).sort();
  it('has 2- and 3-layer fixtures with embeddings for every cell', () => expect(cases.length).toBe(6));
  for (const f of cases) {
    it(f, () => {
      const file = join(DIR, f);
      const { problem, diagnostics } = loadSpec(readFileSync(file, 'utf8'), { file, readBytes: (rel) => new Uint8Array(readFileSync(join(dirname(file), rel))) });
      expect(diagnostics).toEqual([]);
      const ex = JSON.parse(readFileSync(file.replace('.rnn.yaml', '.expected.json'), 'utf8')) as { loss: number; grads: Record<string, Nested>; h: number[][][] };
      const trace = runTrace(problem!);
      closeTo([trace.loss], [ex.loss], 'loss');
      for (const [k, v] of Object.entries(ex.grads)) closeTo(trace.grads[k].data, flat(v), `grad ${k}`);
      const json = traceJson(trace) as unknown as { forward: { h: number[]; layers: { h: number[] }[] }[] };
      const L = ex.h.length;
      for (let t = 1; t <= trace.T; t++) {
        const rec = json.forward[t - 1];
        closeTo(rec.h, ex.h[L - 1][t - 1], `h_${t} (top)`);
        expect(rec.layers).toHaveLength(L);
        for (let l = 0; l < L; l++) closeTo(rec.layers[l].h, ex.h[l][t - 1], `layers[${l}].h_${t}`);
      }
    });
  }
});

describe('stacks against finite differences', () => {
  const forms = [
    'cell: rnn',
    'cell: lstm',
    'cell: lstm, peephole: true',
    'cell: lstm, coupled: true, peephole: true',
    'cell: gru',
    'cell: gru, variant: pytorch',
  ];
  const truncations = ['{ truncate: none }', '{ truncate: chunks, k: 2 }', '{ truncate: window, k: 3 }'];
  // Every form with 2 layers and an embedding, and with 3 layers; the truncations spread over them.
  forms.forEach((form, f) => {
    for (const [layers, emb] of [
      [2, 'embedding: 3, '],
      [3, ''],
    ] as const) {
      const bptt = truncations[(f + layers) % 3];
      it(`${form}, layers ${layers}${emb ? ', embedding' : ''}, ${bptt}`, () => {
        const text = `model: { ${form}, hidden: 3, layers: ${layers}, ${emb}}\ndata: { text: "abcabd ca" }\nbptt: ${bptt}\ninit: { scheme: normal, scale: 0.6, seed: 3, h0: random }\n`;
        const { problem, diagnostics } = loadSpec(text);
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const results = gradcheck(problem!, { maxEntries: 40 });
        const names = results.map((r) => r.name);
        expect(names).toContain(`${form.includes('rnn') ? 'W_hh' : form.includes('lstm') ? 'W_hf' : 'W_hz'}_l${layers}`);
        if (emb) expect(names).toContain('W_emb');
        for (const r of results) expect.soft(r.maxRelError, `${r.name} at [${r.index}] analytic ${r.analytic} numeric ${r.numeric}`).toBeLessThanOrEqual(1e-6);
      });
    }
  });
});

describe('stacks train, sample and trace with checkpoints', () => {
  const text = `model: { cell: lstm, hidden: 8, layers: 2, embedding: 4 }\ndata: { text: hello }\ntrain: { optimizer: adam, lr: 0.05, epochs: 150 }\n`;
  const problem = loadSpec(text).problem!;
  it('training brings the loss near zero and the greedy sample spells hello', () => {
    const trainer = Trainer.create(problem);
    const first = trainer.step().loss;
    while (!trainer.done) trainer.step();
    expect(first).toBeGreaterThan(4);
    expect(runTrace(problem, trainer.params).loss).toBeLessThan(0.1);
    expect(sample(problem, trainer.params, { prime: 'h', length: 4, temperature: 0, seed: 1 })).toBe('hello');
  });
  it('a checkpointed trace gives the plain trace\'s records and gradients', () => {
    const plain = runTrace(problem);
    const ck = new CheckpointedTrace(problem);
    expect(ck.loss).toBeCloseTo(plain.loss, 12);
    for (let t = 1; t <= plain.T; t++) {
      expect(Array.from(ck.forward(t).layers![0].h)).toEqual(Array.from(plain.forward(t).layers![0].h));
      expect(Array.from(ck.backward(t).layers![0].dh)).toEqual(Array.from(plain.backward(t).layers![0].dh));
    }
    for (const k of Object.keys(plain.grads)) for (let i = 0; i < plain.grads[k].data.length; i++) expect(ck.grads[k].data[i]).toBeCloseTo(plain.grads[k].data[i], 12);
  });
  it("each layer's ||dL/dh_t||, kept by both kinds of trace, is the norm of that layer's dh record", () => {
    const plain = runTrace(problem);
    const ck = new CheckpointedTrace(problem);
    for (const l of [1, 2]) {
      const records = Array.from({ length: plain.T }, (_, i) => norm2(plain.backward(i + 1).layers![l - 1].dh));
      expect(plain.dhNorms(l)).toEqual(records);
      expect(ck.dhNorms(l)).toEqual(records);
    }
    expect(plain.dhNorms(1)).not.toEqual(plain.dhNorms(2));
    expect(ck.dhNorms()).toEqual(ck.dhNorms(2)); // the top layer's by default
  });
});

describe('the spec: model.layers and model.embedding', () => {
  it('an embedding needs token data: a positioned error on data.inputs', () => {
    const { problem, diagnostics } = loadSpec('model: { cell: rnn, hidden: 2, embedding: 3, outputs: 1 }\nloss: mse\ndata: { inputs: [[1], [2]], targets: [[1], [0]] }\n');
    expect(problem).toBeNull();
    const d = diagnostics.find((x) => x.message.includes('embedding'));
    expect(d?.message).toContain('an embedding looks up tokens: it needs token data');
    expect(d?.line).toBe(1);
  });
  it('parameters: layer 1 plain, layer l >= 2 with _l{l}, W_emb [V, E]; h0 for every layer', () => {
    const { problem } = loadSpec('model: { cell: lstm, hidden: 2, layers: 3, embedding: 5 }\ndata: { text: abca }\ninit: { h0: [1, 2] }\n');
    const shapes = Object.fromEntries(Object.entries(problem!.params).map(([k, t]) => [k, t.shape]));
    expect(shapes.W_emb).toEqual([3, 5]);
    expect(shapes.W_xi).toEqual([2, 5]);
    expect(shapes.W_xi_l2).toEqual([2, 2]);
    expect(shapes.W_hf_l3).toEqual([2, 2]);
    expect(Object.keys(problem!.s0).sort()).toEqual(['c', 'c_l1', 'c_l2', 'h', 'h_l1', 'h_l2']);
    expect(Array.from(problem!.s0.h_l1)).toEqual([1, 2]);
  });
});

describe('the step snapshot of a stack (for the panel)', () => {
  it('carries every layer, bottom first, and the top layer equations evaluate with the layer below as input', () => {
    const problem = loadSpec('model: { cell: lstm, hidden: 3, layers: 2, embedding: 2 }\ndata: { text: hello }\n').problem!;
    const trace = runTrace(problem);
    const fwd = snapshotAt(problem, trace, { phase: 'forward', t: 2 });
    expect(fwd.layers!.map((l) => l.layer)).toEqual([1, 2]);
    expect(fwd.layers![1].forward.find((v) => v.name === 'h')!.values).toEqual(fwd.forward.find((v) => v.name === 'h')!.values);
    expect(fwd.layers![0].backward).toBeNull();
    expect(fwd.equations[0].symbolic).toBe('i = sigmoid(W_xi_l2 @ h_l1 + W_hi_l2 @ h_prev + b_i_l2)');
    const i = Array.from(trace.forward(2).gates.i, (v) => v.toFixed(4)).join(', ');
    expect(fwd.equations[0].numeric).toContain(`= [${i}]`);
    const bwd = snapshotAt(problem, trace, { phase: 'backward', t: 2 });
    Array.from(trace.backward(2).layers![0].dh).forEach((v, j) => expect(bwd.layers![0].backward!.dh[j]).toBeCloseTo(v, 3));
    expect(bwd.layers![0].backward!.dstates.map((d) => d.name)).toEqual(['dc']);
  });
});
