/**
 * The host's training jobs (src/extension/engine/trainingJobs.ts): each run's messages reach the
 * caller that started it and no other, a run that ended hears nothing more, a cancel names its own
 * job, and a worker that exits fails every run under way exactly once.
 */
import { describe, expect, it } from 'vitest';
import type { FromWorker, StartTraining } from '../../src/node/training/messages';
import type { TrainCancelRequest, TrainRequest } from '../../src/extension/engine/messages';
import { TrainingJobs } from '../../src/extension/engine/trainingJobs';

const START: StartTraining = { type: 'start', specText: 'name: x', file: '/x.rnn.yaml', format: 'yaml', resumeText: null, checkpointMs: 1000 };
const progress = (epoch: number): FromWorker => ({ type: 'progress', epoch, epochs: 3, step: epoch, loss: 1, epochLoss: null, stepsPerSecond: 1, points: [] });
const done: FromWorker = { type: 'done', cancelled: false, text: '{}', epoch: 3, step: 3, loss: 0.5 };

function jobs() {
  const sent: (TrainRequest | TrainCancelRequest)[] = [];
  return { sent, jobs: new TrainingJobs((m) => sent.push(m)) };
}

describe('training jobs', () => {
  it("routes each run's messages to its own caller, and none after the run is done", () => {
    const { sent, jobs: t } = jobs();
    const a: FromWorker[] = [];
    const b: FromWorker[] = [];
    t.start(START, (m) => a.push(m));
    t.start(START, (m) => b.push(m));
    const [ja, jb] = sent.map((m) => m.job);
    expect(sent.map((m) => m.type)).toEqual(['train', 'train']);
    expect(ja).not.toBe(jb);
    t.route(jb, progress(1));
    t.route(ja, progress(2));
    t.route(ja, done);
    t.route(ja, progress(4)); // after its end: dropped
    expect(a.map((m) => m.type === 'progress' ? m.epoch : m.type)).toEqual([2, 'done']);
    expect(b.map((m) => m.type === 'progress' ? m.epoch : m.type)).toEqual([1]);
    expect(t.size).toBe(1);
  });

  it('a cancel asks the worker to stop that job only', () => {
    const { sent, jobs: t } = jobs();
    t.start(START, () => undefined);
    const second = t.start(START, () => undefined);
    second.cancel();
    expect(sent[2]).toEqual({ type: 'trainCancel', job: sent[1].job });
  });

  it('a failed run ends it; a worker exit fails every run under way once, and the ended ones not again', () => {
    const { sent, jobs: t } = jobs();
    const heard: string[][] = [[], [], []];
    for (const h of heard) t.start(START, (m) => h.push(m.type === 'failed' ? `failed: ${m.message}` : m.type));
    t.route(sent[0].job, { type: 'failed', message: 'NaN' });
    t.route(sent[1].job, done);
    t.failAll('the engine worker exited (code 1)');
    t.failAll('again');
    t.route(sent[2].job, progress(1));
    expect(heard).toEqual([['failed: NaN'], ['done'], ['failed: the engine worker exited (code 1)']]);
    expect(t.size).toBe(0);
  });
});
