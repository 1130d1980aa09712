/** Resolution: a valid spec becomes the Problem the engine runs, defaults and explicit values included. */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';

const HELLO = 'model:\n  cell: rnn\n  hidden: 3\ndata:\n  text: hello\n';

function ok(text: string, opts = {}) {
  const r = loadSpec(text, opts);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.problem).not.toBeNull();
  return r.problem!;
}

describe('spec resolution', () => {
  it("'hello': vocab h, e, l, o; T = 4; one-hot inputs; class targets 1, 2, 2, 3", () => {
    const p = ok(HELLO, { file: 'dir/hello.rnn.yaml' });
    expect(p.name).toBe('hello');
    expect(p.vocab).toEqual({ vocab: ['h', 'e', 'l', 'o'], chars: true });
    expect(p.sequence.inputs.map((x) => Array.from(x))).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 1, 0],
    ]);
    expect(p.sequence.targets).toEqual([1, 2, 2, 3].map((index) => ({ kind: 'class', index })));
    expect(p.sequence.inputLabels).toEqual(['h', 'e', 'l', 'l']);
    expect(p.sequence.targetLabels).toEqual(['e', 'l', 'l', 'o']);
    expect(p.config).toMatchObject({ cell: 'rnn', D: 4, H: 3, K: 4 });
  });

  it('applies the defaults', () => {
    const p = ok(HELLO);
    expect(p.name).toBe('spec');
    expect(p.config).toMatchObject({ activation: 'tanh', variant: 'classic', peephole: false, coupled: false, output: 'softmax', loss: 'cross-entropy', reduction: 'sum' });
    expect(p.bptt).toEqual({ truncate: 'none', k: 5 });
    expect(p.train).toEqual({ optimizer: 'adam', lr: 0.01, epochs: 200, clip: 5, batch: 1, seed: 42 });
    expect(Array.from(p.s0.h)).toEqual([0, 0, 0]);
    expect(Object.keys(p.s0)).toEqual(['h']);
    expect(p.corpus).toBeNull();
    expect(Object.keys(p.params)).toEqual(['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']);
  });

  it('train.clip none / null, train.seed defaults to init.seed', () => {
    expect(ok(HELLO + 'train: {clip: none}\n').train.clip).toBeNull();
    expect(ok(HELLO + 'train: {clip: null}\n').train.clip).toBeNull();
    expect(ok(HELLO + 'train: {clip: 2.5}\ninit: {seed: 9}\n').train).toMatchObject({ clip: 2.5, seed: 9 });
  });

  it('explicit weights land in params exactly; the others keep the seeded values', () => {
    const base = ok(HELLO);
    const p = ok(HELLO + 'init:\n  weights:\n    W_hh: [[1, 2, 3], [4, 5, 6], [7, 8, 9.5]]\n    b_h: [0.1, 0.2, 0.3]\n');
    expect(Array.from(p.params.W_hh.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9.5]);
    expect(Array.from(p.params.b_h.data)).toEqual([0.1, 0.2, 0.3]);
    expect(p.params.W_xh.data).toEqual(base.params.W_xh.data);
  });

  it('inputs as numbers, null targets, mse vectors', () => {
    const p = ok('model: {cell: rnn, hidden: 2, output: identity}\nloss: mse\ndata:\n  inputs: [1, 0.5, -1]\n  targets: [null, 0.25, [2]]\n');
    expect(p.config).toMatchObject({ D: 1, K: 1 });
    expect(p.sequence.inputs.map((x) => Array.from(x))).toEqual([[1], [0.5], [-1]]);
    expect(p.sequence.targets[0]).toBeNull();
    expect(p.sequence.targets[1]).toEqual({ kind: 'vector', values: Float64Array.from([0.25]) });
    expect(p.sequence.targets[2]).toEqual({ kind: 'vector', values: Float64Array.from([2]) });
  });

  it('class targets take K from data.vocab, which labels them', () => {
    const p = ok('model: {cell: rnn, hidden: 2}\ndata:\n  inputs: [[1, 0], [0, 1]]\n  targets: [null, 2]\n  vocab: [neg, neu, pos]\n');
    expect(p.config.K).toBe(3);
    expect(p.sequence.targetLabels).toEqual([null, 'pos']);
  });

  it('tokens, lstm with c0, random h0', () => {
    const p = ok('model: {cell: lstm, hidden: 2}\ndata: {tokens: [a, b, a, c]}\ninit: {h0: random, c0: [0.5, -0.5], scale: 1}\n');
    expect(p.vocab).toEqual({ vocab: ['a', 'b', 'c'], chars: false });
    expect(Array.from(p.s0.c)).toEqual([0.5, -0.5]);
    expect(Array.from(p.s0.h).every((v) => v !== 0)).toBe(true);
  });

  it('data.file: the corpus, and the first seq + 1 characters traced', () => {
    const p = ok('model: {cell: rnn, hidden: 2}\ndata: {file: c.txt, seq: 3}\n', { readFile: (f: string) => (f === 'c.txt' ? 'abcab' : '') });
    expect(Array.from(p.corpus!.indices)).toEqual([0, 1, 2, 0, 1]);
    expect(p.corpus!.seq).toBe(3);
    expect(p.sequence.inputs).toHaveLength(3);
    expect(p.sequence.targets).toEqual([1, 2, 0].map((index) => ({ kind: 'class', index })));
  });

  it('JSON gives the same problem as YAML', () => {
    const y = ok(HELLO);
    const j = ok('{"model": {"cell": "rnn", "hidden": 3}, "data": {"text": "hello"}}', { file: 'hello.rnn.json' });
    expect(j.params).toEqual(y.params);
    expect(j.name).toBe('hello');
  });

  it('is deterministic: same seed, same params; another seed, others', () => {
    const a = ok(HELLO + 'init: {seed: 5}\n');
    const b = ok(HELLO + 'init: {seed: 5}\n');
    const c = ok(HELLO + 'init: {seed: 6}\n');
    expect(a.params).toEqual(b.params);
    expect(a.params.W_hh.data).not.toEqual(c.params.W_hh.data);
  });
});
