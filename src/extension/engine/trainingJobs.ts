/**
 * Training runs in the engine worker, seen from the host: each run is a job with its own id, its
 * messages (progress, done, failed) routed to the caller that started it until it ends, and failed
 * for every caller at once when the worker exits under them.
 */
import type { FromWorker, StartTraining } from '../../node/training/messages';
import type { TrainCancelRequest, TrainRequest } from './messages';

export class TrainingJobs {
  private nextJob = 1;
  private readonly jobs = new Map<number, (m: FromWorker) => void>();

  constructor(private readonly send: (m: TrainRequest | TrainCancelRequest) => void) {}

  /** Starts a training run; its messages go to onMessage until `done` or `failed`. Returns the cancel. */
  start(start: StartTraining, onMessage: (m: FromWorker) => void): { cancel(): void } {
    const job = this.nextJob++;
    this.jobs.set(job, (m) => {
      if (m.type === 'done' || m.type === 'failed') this.jobs.delete(job);
      onMessage(m);
    });
    this.send({ type: 'train', job, start });
    return { cancel: () => this.send({ type: 'trainCancel', job }) };
  }

  /** A message the worker posted for a job (ignored once the job has ended). */
  route(job: number, message: FromWorker): void {
    this.jobs.get(job)?.(message);
  }

  /** Every run under way fails with `message` (the worker is gone, and their runs with it). */
  failAll(message: string): void {
    for (const on of [...this.jobs.values()]) on({ type: 'failed', message });
    this.jobs.clear();
  }

  /** How many runs are under way. */
  get size(): number {
    return this.jobs.size;
  }
}
