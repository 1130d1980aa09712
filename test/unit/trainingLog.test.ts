import { describe, expect, test } from 'vitest';
import { TrainingLog } from '../../src/extension/training/trainingLog';
import type { TrainingProgressMessage } from '../../src/protocol';

const progress = (epoch: number, points: [number, number][], reset = false): TrainingProgressMessage => ({
  type: 'trainingProgress', status: 'running', epoch, epochs: 10_000, step: epoch, loss: 1 / epoch, stepsPerSecond: 100, points, ...(reset ? { reset } : {}),
});

describe('the training log a panel replays to a reloaded webview', () => {
  test('nothing before a run', () => {
    expect(new TrainingLog().replay()).toEqual([]);
  });

  test('the whole curve so far, the latest progress, then the last sample', () => {
    const log = new TrainingLog();
    log.record({ type: 'trainingSample', epoch: 0, text: 'ignored: no run yet' });
    log.record(progress(1, [[1, 1.5]]));
    log.record(progress(2, [[2, 0.9]]));
    log.record({ type: 'trainingSample', epoch: 2, text: 'hell' });
    const [p, s] = log.replay();
    expect(p).toMatchObject({ epoch: 2, loss: 0.5, reset: true, points: [[1, 1.5], [2, 0.9]] });
    expect(s).toEqual({ type: 'trainingSample', epoch: 2, text: 'hell' });
  });

  test('a new run starts a new curve', () => {
    const log = new TrainingLog();
    log.record(progress(1, [[1, 1.5]]));
    log.record(progress(1, [[1, 2.5]], true));
    expect(log.replay()).toEqual([expect.objectContaining({ points: [[1, 2.5]] })]);
  });

  test('past 4000 points every other one goes, the last one always stays', () => {
    const log = new TrainingLog();
    const pts = (from: number, n: number): [number, number][] => Array.from({ length: n }, (_, i) => [from + i, 1 / (from + i)]);
    log.record(progress(4000, pts(1, 4000)));
    log.record(progress(4001, pts(4001, 1)));
    const points = (log.replay()[0] as TrainingProgressMessage).points;
    expect(points.length).toBe(2001);
    expect(points[1]).toEqual([3, 1 / 3]);
    expect(points.at(-1)).toEqual([4001, 1 / 4001]);
  });
});
