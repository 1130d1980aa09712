/**
 * PyTorch weights: state_dicts saved by torch.save and as .safetensors (scripts/torch_fixtures.py),
 * read without executing anything, mapped onto our parameter names, and traced to PyTorch autograd's
 * loss and gradients. Hostile files get clear errors and run nothing.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrace, type ModelConfig } from '../../src/engine';
import { readPt, readSafetensors, readStateDict, torchToParams, TorchFileError } from '../../src/engine/pytorch';
import { loadSpec } from '../../src/engine/spec';

const DIR = join(__dirname, '..', 'fixtures', 'torch');
const HOSTILE = join(DIR, 'hostile');
type Nested = number | Nested[];
interface Expected {
  params: Record<string, Nested>;
  loss: number;
  grads: Record<string, Nested>;
  h: number[][][];
}
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const bytes = (file: string) => new Uint8Array(readFileSync(file));
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace('.expected.json', ''))
  .sort();

function closeTo(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= tol)) expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** The case's model as the spec states it (the name says cell, layers, bias and embedding). */
function target(name: string): { config: ModelConfig; layers: number; embedding: number | null } {
  const cell = name.split('_')[0] as ModelConfig['cell'];
  const layers = Number(/_l(\d)/.exec(name)?.[1]);
  const V = 8; // "hello world": h e l o ' ' w r d
  const config: ModelConfig = { cell, D: V, H: 3, K: V, activation: 'tanh', variant: 'pytorch', peephole: false, coupled: false, output: 'softmax', loss: 'cross-entropy', reduction: 'sum' };
  return { config, layers, embedding: name.includes('_emb') ? 4 : null };
}

describe('reading PyTorch state_dicts', () => {
  it('has the fixtures (RNN, LSTM, GRU; 1-3 layers; with and without bias and embedding)', () => {
    expect(cases.length).toBe(12);
  });

  for (const name of cases) {
    const ex = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected;
    for (const ext of ['pt', 'safetensors']) {
      it(`${name}.${ext}: every parameter lands under our name, exactly`, () => {
        const sd = readStateDict(bytes(join(DIR, `${name}.${ext}`)), `${name}.${ext}`);
        const { params, warnings } = torchToParams(sd, target(name));
        expect(warnings).toEqual([]);
        expect(Object.keys(params).sort()).toEqual(Object.keys(ex.params).sort());
        for (const [k, v] of Object.entries(ex.params)) expect(Array.from(params[k].data), k).toEqual(flat(v));
      });
    }
  }

  for (const name of cases.filter((n) => n.includes('_l1'))) {
    it(`${name}: a spec with init.weights_file traces to PyTorch autograd's loss and gradients (1e-9)`, () => {
      const ex = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected;
      const specFile = join(DIR, `${name}.rnn.yaml`);
      const { problem, diagnostics } = loadSpec(readFileSync(specFile, 'utf8'), { file: specFile, readBytes: (rel) => bytes(join(dirname(specFile), rel)) });
      expect(diagnostics).toEqual([]);
      const trace = runTrace(problem!);
      closeTo([trace.loss], [ex.loss], 1e-9, 'loss');
      for (let t = 1; t <= trace.T; t++) closeTo(trace.forward(t).h, ex.h[0][t - 1], 1e-9, `h_${t}`);
      for (const [k, v] of Object.entries(ex.grads)) closeTo(trace.grads[k].data, flat(v), 1e-9, `grad ${k}`);
      // Without bias in PyTorch our biases stay zero; their gradients exist here but not there.
      const extra = Object.keys(trace.grads).filter((k) => !(k in ex.grads));
      expect(extra.every((k) => k.startsWith('b_'))).toBe(true);
      if (name.includes('nobias')) expect(extra.length).toBeGreaterThan(0);
    });
  }
});

describe('mismatches name the key, its shape and the shape expected', () => {
  const sd = () => readPt(bytes(join(DIR, 'lstm_l1.pt')));
  const lstm = target('lstm_l1');
  it('hidden size', () => {
    expect(() => torchToParams(sd(), { ...lstm, config: { ...lstm.config, H: 4 } })).toThrow('rnn.weight_ih_l0 has shape [12, 8], expected [16, 8] (4H x D, H = 4 from model.hidden, D = 8 from the data)');
  });
  it('cell kind', () => {
    expect(() => torchToParams(sd(), { ...lstm, config: { ...lstm.config, cell: 'gru' } })).toThrow("the file holds an nn.LSTM (rnn.weight_hh_l0 has 4H rows), but the spec's model.cell is gru");
  });
  it('layers', () => {
    expect(() => torchToParams(sd(), { ...lstm, layers: 2 })).toThrow('num_layers = 1');
  });
  it('the classic GRU cannot hold nn.GRU weights', () => {
    const g = target('gru_l1');
    expect(() => torchToParams(readPt(bytes(join(DIR, 'gru_l1.pt'))), { ...g, config: { ...g.config, variant: 'classic' } })).toThrow('set model.variant: pytorch');
  });
  it('an embedding the file lacks', () => {
    expect(() => torchToParams(sd(), { ...lstm, embedding: 4 })).toThrow(/no nn.Embedding|has shape \[12, 8\], expected \[12, 4\]/);
  });
});

describe('hostile files: clear errors, nothing run', () => {
  const marker = '/tmp/bptt-stepper-pwned';
  const refuse = (file: string, message: string | RegExp) => {
    rmSync(marker, { force: true });
    expect(() => readStateDict(bytes(join(HOSTILE, file)), file)).toThrow(TorchFileError);
    expect(() => readStateDict(bytes(join(HOSTILE, file)), file)).toThrow(message);
    expect(existsSync(marker)).toBe(false);
  };
  it('a pickle calling os.system (GLOBAL posix system + REDUCE)', () => refuse('os_system.pt', 'refused to load global posix.system'));
  it('builtins.eval through STACK_GLOBAL', () => refuse('eval.pt', 'refused to load global builtins.eval'));
  it('a truncated zip', () => refuse('truncated.pt', /truncated|cannot be read|no data.pkl/));
  it('int64 storages', () => refuse('int64.pt', 'torch.LongStorage: only float32, float64, float16 and bfloat16'));
  it('a huge shape over a small storage (.pt)', () => refuse('huge.pt', 'has more than 16000000 elements, the limit'));
  it('a huge shape (.safetensors)', () => refuse('huge.safetensors', 'has more than 16000000 elements, the limit'));
  it('a dtype we do not read (.safetensors)', () => refuse('int64.safetensors', 'dtype "I64" is not read'));
  it('a safetensors header longer than the file', () => {
    const b = bytes(join(DIR, 'rnn_l1.safetensors')).slice(0, 40);
    expect(() => readSafetensors(b)).toThrow('truncated?');
  });
  it('bidirectional and proj_size modules are refused with the reason', () => {
    const sd = readPt(bytes(join(DIR, 'lstm_l1.pt')));
    const t = sd.get('rnn.weight_ih_l0')!;
    sd.set('rnn.weight_ih_l0_reverse', t);
    expect(() => torchToParams(sd, target('lstm_l1'))).toThrow('bidirectional');
    sd.delete('rnn.weight_ih_l0_reverse');
    sd.set('rnn.weight_hr_l0', { ...t, shape: [2, 3] });
    expect(() => torchToParams(sd, target('lstm_l1'))).toThrow('proj_size');
  });
});

describe('element types', () => {
  it('float16, bfloat16 and a strided (transposed) float32 view widen to the values torch reads', () => {
    const sd = readPt(bytes(join(DIR, 'dtypes.pt')));
    const ex = JSON.parse(readFileSync(join(DIR, 'dtypes.values.json'), 'utf8')) as Record<string, { shape: number[]; values: number[] }>;
    expect([...sd.keys()]).toEqual(['half', 'bf16', 'strided']);
    for (const [k, v] of Object.entries(ex)) {
      expect(sd.get(k)!.shape, k).toEqual(v.shape);
      expect(Array.from(sd.get(k)!.data), k).toEqual(v.values);
    }
    expect(sd.get('half')!.dtype).toBe('float16');
    expect(sd.get('bf16')!.dtype).toBe('bfloat16');
  });
});

describe('init.weights_file in the spec', () => {
  const spec = (file: string) => `model: { cell: lstm, hidden: 3 }\ndata: { text: hello world }\ninit:\n  weights_file: ${file}\n`;
  const load = (file: string) => loadSpec(spec(file), { file: 's.rnn.yaml', readBytes: (rel) => bytes(join(DIR, rel)) });
  it('an error in the file is a diagnostic at the field, with its line and column', () => {
    const { problem, diagnostics } = load('hostile/os_system.pt');
    expect(problem).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', line: 4, column: 17 });
    expect(diagnostics[0].message).toContain('refused to load global posix.system');
  });
  it('an unknown extension, and a file that cannot be read', () => {
    expect(load('w.bin').diagnostics[0].message).toContain("expected our .json weights, a PyTorch .pt / .pth state_dict or a .safetensors file");
    expect(load('missing.pt').diagnostics[0].message).toContain("cannot read 'missing.pt'");
  });
  it('init.weights still override single parameters after the file', () => {
    const text = spec('lstm_l1.pt') + '  weights:\n    b_y: [1, 2, 3, 4, 5, 6, 7, 8]\n';
    const { problem } = loadSpec(text, { file: 's.rnn.yaml', readBytes: (rel) => bytes(join(DIR, rel)) });
    expect(Array.from(problem!.params.b_y.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const ex = JSON.parse(readFileSync(join(DIR, 'lstm_l1.expected.json'), 'utf8')) as Expected;
    expect(Array.from(problem!.params.W_xi.data)).toEqual(flat(ex.params.W_xi));
  });
});

describe('a spec inferred from a PyTorch file (BPTT: Import PyTorch Weights…)', () => {
  it('names the modules, sizes and prefixes; with the data added it loads the file and traces to autograd', async () => {
    const { specFromStateDict } = await import('../../src/engine/pytorch');
    const text = specFromStateDict(readPt(bytes(join(DIR, 'gru_l2_emb.pt'))), 'gru_l2_emb.pt', 'imported');
    expect(text).toContain('# Imported from gru_l2_emb.pt by BPTT Stepper: nn.GRU(4, 3, num_layers=2), nn.Embedding(8, 4), nn.Linear(3, 8).');
    expect(text).toContain('  layers: 2\n  embedding: 4\n');
    expect(text).toContain('pytorch: { rnn: "rnn", embedding: "emb", output: "out" }');
    // As written, the data is a placeholder: the spec says so with an error, not a crash.
    expect(loadSpec(text, { readBytes: (rel) => bytes(join(DIR, rel)) }).problem).toBeNull();
    const withData = text.replace('  text: replace me with your data', '  text: hello world');
    const { problem, diagnostics } = loadSpec(withData, { readBytes: (rel) => bytes(join(DIR, rel)) });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ex = JSON.parse(readFileSync(join(DIR, 'gru_l2_emb.expected.json'), 'utf8')) as Expected;
    expect(Math.abs(runTrace(problem!).loss - ex.loss)).toBeLessThan(1e-9);
  });
});
