/**
 * The engine worker's long jobs, one at a time: a build, a gradient-flow computation, a Jacobian
 * row. Each runs in slices, and between them the worker serves the messages waiting; a long job
 * asked there waits its turn here instead of running inside the one under way.
 */
export class Serial {
  private busy = false;
  private readonly queue: (() => void)[] = [];

  /** Runs the job now, or after the jobs before it when one is running. A job handles its own errors. */
  run(job: () => void): void {
    this.queue.push(job);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) next();
    } finally {
      this.busy = false;
    }
  }

  /** Whether a job is running (its slices may be serving messages right now). */
  get running(): boolean {
    return this.busy;
  }
}
