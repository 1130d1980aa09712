/** The Trainer: 'hello' learns, resume is exact, clipping caps the update, non-finite stops clearly. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import {
  epochOrder,
  globalNorm,
  NonFiniteError,
  parseWeights,
  resumableState,
  runTrace,
  sample,
  serializeWeights,
  Trainer,
  trainingData,
  type Params,
  type Problem,
  type TrainerState,
} from '../../src/engine';

const ROOT = join(__dirname, '..', '..');
const example = (name: string): Problem => {
  const r = loadSpec(readFileSync(join(ROOT, 'examples', name), 'utf8'), { file: name });
  if (!r.problem) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.problem;
};
const CORPUS = 'the cat sat on the mat. the hat sat on the cat. ';
const spec = (text: string): Problem => {
  const r = loadSpec(text, { readFile: () => CORPUS });
  if (!r.problem) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.problem;
};
/** A corpus model: several sequences, minibatches of 3 (the last smaller), truncated chunks of 4. */
const corpusSpec = (cell: string, optimizer: string) => `
name: corpus
model: { cell: ${cell}, hidden: 5 }
data: { file: corpus.txt, seq: 10 }
bptt: { truncate: chunks, k: 4 }
train: { optimizer: ${optimizer}, lr: 0.02, epochs: 10, batch: 3, seed: 7, clip: 1 }
`;

const bits = (p: Params) => Object.fromEntries(Object.entries(p).map(([k, t]) => [k, Array.from(t.data)]));
function expectSameState(a: TrainerState, b: TrainerState): void {
  expect(bits(b.params)).toEqual(bits(a.params));
  expect(b.optimizer.kind).toBe(a.optimizer.kind);
  expect(b.optimizer.step).toBe(a.optimizer.step);
  for (const s of Object.keys(a.optimizer.slots)) expect(bits(b.optimizer.slots[s])).toEqual(bits(a.optimizer.slots[s]));
  expect(b.progress).toEqual(a.progress);
}

describe("'hello' (examples/hello.rnn.yaml)", () => {
  const problem = example('hello.rnn.yaml');
  const trainer = Trainer.create(problem);
  const losses: number[] = [];
  while (!trainer.done) losses.push(trainer.step().loss);

  it('trains to a loss near zero with its own train settings', () => {
    expect(losses.length).toBe(problem.train.epochs);
    expect(losses[0]).toBeGreaterThan(3);
    expect(runTrace(problem, trainer.params).loss).toBeLessThan(0.05);
    expect(trainer.state().progress.losses.at(-1)).toBeLessThan(0.05);
  });

  it("samples 'hello' greedily from the prime 'h'", () => {
    expect(sample(problem, trainer.params, { prime: 'h', length: 4, temperature: 0, seed: 1 })).toBe('hello');
  });

  it('samples reproducibly by seed at temperature 1, and rejects a prime outside the vocabulary', () => {
    const s = (seed: number) => sample(problem, trainer.params, { prime: 'he', length: 30, temperature: 1, seed });
    expect(s(3)).toBe(s(3));
    expect(s(3)).toMatch(/^he[helo]{30}$/);
    expect(() => sample(problem, trainer.params, { prime: 'x', length: 3, temperature: 0, seed: 1 })).toThrow(/"x" is not in the vocabulary/);
  });

  it('runs the same on every run (seeded)', () => {
    const again = Trainer.create(problem);
    while (!again.done) again.step();
    expectSameState(trainer.state(), again.state());
  });
});

describe('training data and order', () => {
  it('cuts a corpus into consecutive chunks of seq+1 tokens', () => {
    const p = spec(corpusSpec('rnn', 'sgd'));
    const data = trainingData(p);
    expect(data.count).toBe(Math.floor((CORPUS.length - 1) / 10));
    const s1 = data.get(1);
    expect(s1.inputs.length).toBe(10);
    const vocab = (p.vocab as { vocab: string[] }).vocab;
    expect(s1.inputs.map((x) => vocab[x.indexOf(1)]).join('')).toBe(CORPUS.slice(10, 20));
    expect(s1.targets.map((t) => vocab[(t as { index: number }).index]).join('')).toBe(CORPUS.slice(11, 21));
  });

  it('shuffles each epoch by (seed, epoch): reproducible, a permutation, different across epochs', () => {
    expect(epochOrder(20, 7, 3)).toEqual(epochOrder(20, 7, 3));
    expect([...epochOrder(20, 7, 3)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochOrder(20, 7, 3)).not.toEqual(epochOrder(20, 7, 4));
    expect(epochOrder(20, 7, 3)).not.toEqual(epochOrder(20, 8, 3));
  });

  it('makes one update per chunk of each batch under truncated chunks', () => {
    const p = spec(corpusSpec('rnn', 'sgd'));
    const t = Trainer.create(p, { epochs: 1 });
    expect(trainingData(p).count).toBe(4);
    let n = 0;
    while (!t.done) (t.step(), n++);
    expect(n).toBe(Math.ceil(trainingData(p).count / 3) * Math.ceil(10 / 4));
  });
});

describe('resume equals an uninterrupted run, bit for bit', () => {
  const cases: [string, () => Problem, number, number][] = [
    ['hello, adam, full BPTT', () => example('hello.rnn.yaml'), 60, 23],
    ['a corpus, rnn, momentum, batches of 3, truncated chunks (stopping mid-batch)', () => spec(corpusSpec('rnn', 'momentum')), 25, 7],
    ['a corpus, lstm, adagrad (carrying c)', () => spec(corpusSpec('lstm', 'adagrad')), 20, 11],
    ['a corpus, gru, adam, across an epoch boundary', () => spec(corpusSpec('gru', 'adam')), 30, 13],
  ];
  for (const [name, make, N, k] of cases) {
    it(name, () => {
      const problem = make();
      const whole = Trainer.create(problem);
      for (let i = 0; i < N; i++) whole.step();
      const first = Trainer.create(problem);
      for (let i = 0; i < k; i++) first.step();
      if (problem.bptt.truncate === 'chunks') expect(first.state().progress.carry).not.toBeNull(); // mid-batch
      const text = serializeWeights(problem, first.state());
      const resumed = Trainer.resume(problem, resumableState(parseWeights(text, problem)));
      for (let i = k; i < N; i++) resumed.step();
      expectSameState(whole.state(), resumed.state());
    });
  }
});

describe('clipping and non-finite values', () => {
  it('caps the gradient norm of each update at train.clip', () => {
    const problem = example('hello.rnn.yaml');
    const lr = 0.1;
    const t = Trainer.create(problem, { optimizer: 'sgd', lr, clip: 0.5 });
    const before = t.params;
    const r = t.step();
    expect(r.gradNorm).toBeGreaterThan(0.5);
    expect(r.clipped).toBe(true);
    // sgd: θ' = θ - lr g_clipped, so the applied gradient is (θ - θ') / lr.
    const after = t.params;
    const applied: Params = {};
    for (const [n, P] of Object.entries(before)) applied[n] = { shape: P.shape, data: P.data.map((v, i) => (v - after[n].data[i]) / lr) };
    expect(globalNorm(applied)).toBeCloseTo(0.5, 12);
    const free = Trainer.create(problem, { optimizer: 'sgd', lr, clip: null }).step();
    expect(free.clipped).toBe(false);
    expect(free.gradNorm).toBe(r.gradNorm);
  });

  it('stops with the step and the parameter when training blows up, keeping the last good state', () => {
    const problem = spec(`
name: blowup
model: { cell: rnn, hidden: 2, activation: identity, output: identity }
loss: mse
data: { inputs: [[1], [1], [1], [1]], targets: [[1], [1], [1], [1]] }
init: { seed: 1 }
train: { optimizer: sgd, lr: 1e6, clip: none, epochs: 1000 }
`);
    const t = Trainer.create(problem);
    let err: unknown = null;
    let last = t.state();
    try {
      for (;;) {
        last = t.state();
        t.step();
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    const e = err as NonFiniteError;
    expect(e.step).toBe(last.progress.step + 1);
    expect(e.step).toBeGreaterThan(1);
    expect(['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']).toContain(e.param);
    expect(e.message).toMatch(new RegExp(`^step ${e.step} \\(epoch \\d+\\): .*(W_xh|W_hh|b_h|W_hy|b_y)\\[[\\d,]+\\].* (NaN|-?Infinity)`));
    expectSameState(last, t.state()); // the failed update was not applied
  });
});

describe('resume checks', () => {
  it('refuses a state whose batch position this data does not have', () => {
    const problem = spec(corpusSpec('rnn', 'sgd'));
    const t = Trainer.create(problem);
    for (let i = 0; i < 4; i++) t.step(); // batch 2 of 2, mid-chunks
    expect(() => Trainer.resume(problem, t.state(), { batch: 4 })).toThrow(/cannot resume: the saved run is at batch 2/);
    expect(() => Trainer.resume(problem, t.state())).not.toThrow();
  });
});

describe('what an update is', () => {
  /** θ - lr Σ g, flattened. */
  const minus = (p: Params, lr: number, gs: Params[]): number[] =>
    Object.entries(p).flatMap(([n, P]) => Array.from(P.data, (v, i) => v - lr * gs.reduce((a, g) => a + g[n].data[i], 0)));
  const flat = (p: Params) => Object.values(p).flatMap((P) => Array.from(P.data));

  it('full BPTT: the gradient is the sum over the batch of each sequence’s gradient', () => {
    const problem = spec(corpusSpec('rnn', 'sgd').replace('bptt: { truncate: chunks, k: 4 }', ''));
    const t = Trainer.create(problem, { clip: null, lr: 0.1 });
    const data = trainingData(problem);
    const first3 = epochOrder(data.count, 7, 0).slice(0, 3);
    const gs = first3.map((i) => runTrace({ ...problem, sequence: data.get(i) }).grads);
    t.step();
    flat(t.params).forEach((v, i) => expect(v).toBeCloseTo(minus(problem.params, 0.1, gs)[i], 13));
  });

  it('truncated chunks: one update per chunk, the state carried from the previous chunk', () => {
    const problem = example('truncated-chunks.rnn.yaml'); // T = 10, k = 4: chunks 1-4, 5-8, 9-10
    const t = Trainer.create(problem, { optimizer: 'sgd', clip: null, lr: 0.1 });
    const seq = problem.sequence;
    const sub = (lo: number, hi: number) => ({ inputs: seq.inputs.slice(lo, hi), targets: seq.targets.slice(lo, hi) });
    const none = { truncate: 'none' as const, k: 4 };
    const g1 = runTrace({ ...problem, bptt: none, sequence: sub(0, 4) });
    const h4 = runTrace({ ...problem, bptt: none, sequence: sub(0, 4) }).hiddenStates()[4];
    t.step();
    const theta1 = t.params;
    flat(theta1).forEach((v, i) => expect(v).toBeCloseTo(minus(problem.params, 0.1, [g1.grads])[i], 14));
    const g2 = runTrace({ ...problem, bptt: none, sequence: sub(4, 8), s0: { h: h4 } }, theta1);
    const r = t.step();
    expect(r.loss).toBeCloseTo(g2.loss, 14);
    flat(t.params).forEach((v, i) => expect(v).toBeCloseTo(minus(theta1, 0.1, [g2.grads])[i], 14));
    expect(t.step().epochLoss).not.toBeNull(); // the third chunk ends the epoch
  });
});
