/** The weights file: exact round trip, and clear errors for files that do not fit the spec. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import { parseWeights, resumableState, serializeWeights, Trainer, WEIGHTS_FORMAT, type Problem } from '../../src/engine';

const ROOT = join(__dirname, '..', '..');
const load = (name: string): Problem => loadSpec(readFileSync(join(ROOT, 'examples', name), 'utf8'), { file: name }).problem as Problem;
const hello = load('hello.rnn.yaml');

function trained(): { text: string; doc: Record<string, any> } {
  const t = Trainer.create(hello);
  for (let i = 0; i < 5; i++) t.step();
  const text = serializeWeights(hello, t.state());
  return { text, doc: JSON.parse(text) };
}
const edit = (f: (doc: Record<string, any>) => void): string => {
  const { doc } = trained();
  f(doc);
  return JSON.stringify(doc);
};

describe('weights file format', () => {
  it('has the documented fields, parameters as nested arrays in their shapes', () => {
    const { doc } = trained();
    expect(doc.format).toBe(WEIGHTS_FORMAT);
    expect(doc.version).toBe(1);
    expect(doc.spec).toBe('hello');
    expect(doc.config).toMatchObject({ cell: 'rnn', D: 4, H: 3, K: 4 });
    expect(doc.vocab).toEqual(['h', 'e', 'l', 'o']);
    expect(Object.keys(doc.params)).toEqual(['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']);
    expect(doc.params.W_xh.length).toBe(3);
    expect(doc.params.W_xh[0].length).toBe(4);
    expect(doc.params.b_y.length).toBe(4);
    expect(doc.optimizer.kind).toBe('adam');
    expect(doc.optimizer.step).toBe(5);
    expect(Object.keys(doc.optimizer.slots)).toEqual(['m', 'v']);
    expect(doc.progress).toMatchObject({ epoch: 5, step: 5, batch: 0, chunk: 0, carry: null });
    expect(doc.progress.losses.length).toBe(5);
  });

  it('round-trips every float64 exactly, -0, subnormals and extremes included', () => {
    const t = Trainer.create(hello);
    t.step();
    const state = t.state();
    const odd = [-0, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1 + 0.2, 1 / 3, -1e-300, 123456789.12345679];
    state.params.W_xh.data.set(odd.slice(0, 4), 0);
    state.params.W_xh.data.set(odd.slice(4), 4);
    const back = resumableState(parseWeights(serializeWeights(hello, state), hello));
    for (const [name, P] of Object.entries(state.params)) {
      P.data.forEach((v, i) => expect(Object.is(back.params[name].data[i], v)).toBe(true));
    }
    expect(back.optimizer).toEqual(state.optimizer);
    expect(back.progress).toEqual(state.progress);
  });

  it('reads a file with parameters only (no optimizer, no progress): traces, but does not resume', () => {
    const w = parseWeights(edit((d) => (delete d.optimizer, delete d.progress)), hello);
    expect(w.optimizer).toBeNull();
    expect(() => resumableState(w)).toThrow(/no optimizer state/);
  });
});

describe('weights file errors', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format": ', /not valid JSON/],
    ['another format', edit((d) => (d.format = 'other')), /not a weights file/],
    ['another version', edit((d) => (d.version = 2)), /version 2 is not supported/],
    ['another hidden size', edit((d) => (d.config.H = 4)), /H = 4, but the spec has H = 3/],
    ['another cell', edit((d) => (d.config.cell = 'gru')), /cell = "gru", but the spec has cell = "rnn"/],
    ['another vocabulary', edit((d) => (d.vocab = ['h', 'e', 'o', 'l'])), /another vocabulary/],
    ['an unknown parameter', edit((d) => (d.params.W_xx = [[1]])), /params.W_xx is not a parameter of this model; its parameters are W_xh, W_hh/],
    ['a missing parameter', edit((d) => delete d.params.b_h), /params.b_h is missing/],
    ['a wrong row count', edit((d) => d.params.W_hh.pop()), /params.W_hh: expected shape \[3, 3\], found a list of 2/],
    ['a short row', edit((d) => d.params.W_xh[1].pop()), /params.W_xh\[1\]: expected 4 numbers \(shape \[3, 4\]\), found a list of 3/],
    ['a string entry', edit((d) => (d.params.b_y[2] = 'x')), /params.b_y: entry \[2\] is "x", not a finite number/],
    ['a bad optimizer slot', edit((d) => d.optimizer.slots.m.W_hy.pop()), /optimizer.slots.m.W_hy: expected shape \[4, 3\]/],
    ['an unknown optimizer', edit((d) => (d.optimizer.kind = 'rmsprop')), /optimizer.kind "rmsprop" is not one of/],
    ['a bad progress', edit((d) => (d.progress.step = -1)), /progress.step should be an integer >= 0/],
  ];
  for (const [name, text, message] of cases) it(name, () => expect(() => parseWeights(text, hello)).toThrow(message));

  it('will not resume with another optimizer', () => {
    const state = resumableState(parseWeights(trained().text, hello));
    expect(() => Trainer.resume(hello, state, { optimizer: 'sgd' })).toThrow(/saved optimizer state is adam, but train.optimizer is sgd/);
  });
});
