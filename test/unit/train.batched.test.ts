/**
 * The Trainer's batched path (each cell's batched step, stacks and custom cells included) against its
 * per-sequence path: the same losses update by update, the same parameters after; and the gradient
 * of an update whose sequences differ in length (one batch per length) as the per-sequence sum.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import { makeCell, Rng, runTrace, Trainer, zerosLike, type Problem, type TrainConfig } from '../../src/engine';
import { batchable } from '../../src/engine/batch';
import { updateGradients } from '../../src/engine/train/gradients';

const example = (name: string): Problem => {
  const r = loadSpec(readFileSync(join(__dirname, '..', '..', 'examples', `${name}.rnn.yaml`), 'utf8'), { file: name });
  if (!r.problem) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.problem;
};

/** The example's model on a seeded random corpus of 7 sequences of `seq` tokens (batches of 3, the last of 1). */
function onCorpus(p: Problem, seq: number, train: Partial<TrainConfig>, truncate: 'none' | 'chunks' = 'none'): Problem {
  const rng = new Rng(4);
  const indices = Int32Array.from({ length: 7 * seq + 1 }, () => rng.int(p.config.D));
  return { ...p, corpus: { indices, seq }, bptt: { truncate, k: 4 }, train: { ...p.train, batch: 3, epochs: 2, clip: 5, seed: 3, ...train } };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / (1 + Math.abs(b));

describe('training batched equals training sequence by sequence', () => {
  const cases: [string, Problem][] = [
    ['lstm-equations (custom), adam, full BPTT', onCorpus(example('lstm-equations'), 9, { optimizer: 'adam', lr: 0.01 })],
    ['mgu (custom), sgd, chunks of 4', onCorpus(example('mgu'), 10, { optimizer: 'sgd', lr: 0.1 }, 'chunks')],
    ['indrnn (custom), momentum', onCorpus(example('indrnn'), 8, { optimizer: 'momentum', lr: 0.05 })],
    ['lstm, 3 layers, embedding (stack), adam, chunks of 4', onCorpus(example('lstm-stacked'), 10, { optimizer: 'adam', lr: 0.01 }, 'chunks')],
    ['gru pytorch, adagrad', onCorpus(example('gru-pytorch'), 9, { optimizer: 'adagrad', lr: 0.05 })],
  ];
  for (const [name, problem] of cases) {
    it(name, () => {
      expect(batchable(problem.config, problem.bptt), 'the batched path runs').toBe(true);
      const batched = Trainer.create(problem);
      const single = Trainer.create(problem, {}, { batched: false });
      let steps = 0;
      while (!batched.done) {
        const a = batched.step(), b = single.step();
        expect(rel(a.loss, b.loss), `update ${a.step}: ${a.loss} against ${b.loss}`).toBeLessThanOrEqual(1e-11);
        expect(rel(a.gradNorm, b.gradNorm), `update ${a.step}'s gradient norm`).toBeLessThanOrEqual(1e-11);
        steps++;
      }
      expect(single.done).toBe(true);
      expect(steps).toBeGreaterThanOrEqual(6);
      const pa = batched.params, pb = single.params;
      for (const [k, t] of Object.entries(pb)) t.data.forEach((v, i) => expect(rel(pa[k].data[i], v), `${k}[${i}]`).toBeLessThanOrEqual(1e-10));
      // And it learned something: the last epoch's loss below the first's.
      const losses = batched.state().progress.losses;
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    });
  }
});

describe('an update over sequences of unequal length', () => {
  for (const name of ['lstm-equations', 'lstm-stacked', 'gru']) {
    it(`${name}: one batch per length, the sum of the per-sequence gradients`, () => {
      const p = example(name);
      const rng = new Rng(8);
      const cell = makeCell(p.config);
      const lengths = [5, 3, 5, 2, 3];
      const items = lengths.map((T, index) => ({
        index,
        seq: {
          inputs: Array.from({ length: T }, () => Float64Array.from({ length: p.config.D }, () => rng.normal())),
          targets: Array.from({ length: T }, () => ({ kind: 'class' as const, index: rng.int(p.config.K) })),
        },
        s0: Object.fromEntries(cell.info.states.map((s) => [s, Float64Array.from({ length: cell.H }, () => rng.normal() * 0.5)])),
      }));
      const got = zerosLike(p.params);
      const ends: Record<number, Float64Array> = {};
      const loss = updateGradients(p, p.params, items, got, true, true, (i, end) => (ends[i] = end.h));
      let wantLoss = 0;
      const want = zerosLike(p.params);
      for (const it of items) {
        const tr = runTrace({ ...p, sequence: it.seq, s0: it.s0 });
        wantLoss += tr.loss;
        for (const [k, t] of Object.entries(tr.grads)) t.data.forEach((v, i) => (want[k].data[i] += v));
        const hT = tr.hiddenStates()[it.seq.inputs.length];
        hT.forEach((v, j) => expect(rel(ends[it.index][j], v), `end h of ${it.index}`).toBeLessThanOrEqual(1e-12));
      }
      expect(rel(loss, wantLoss)).toBeLessThanOrEqual(1e-12);
      for (const [k, t] of Object.entries(want)) t.data.forEach((v, i) => expect(rel(got[k].data[i], v), `${k}[${i}]`).toBeLessThanOrEqual(1e-12));
    });
  }
});
