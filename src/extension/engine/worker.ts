/**
 * The engine worker (bundled as dist/engineWorker.js, run in one worker_threads Worker for the
 * whole extension): it parses specs, holds their sessions (traces, flow, gradient check) and runs
 * training, so nothing heavy ever runs on the extension host's thread. The host only relays.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTraining } from '../../node/training/trainLoop';
import { CANCEL_SLOTS, type FromEngine, type ToEngine } from './messages';
import { Specs } from './specs';

const port = parentPort;
if (!port) throw new Error('engineWorker.js runs only as a worker thread');

/** Shared with the host: slot build % CANCEL_SLOTS = build when the host cancelled that build. */
const cancelFlags = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);
const post = (m: FromEngine): void => port.postMessage(m);
const specs = new Specs(post, (build) => build > 0 && Atomics.load(cancelFlags, build % CANCEL_SLOTS) === build);
const cancelledJobs = new Set<number>();

function reply(id: number, f: () => unknown): void {
  try {
    post({ type: 'reply', id, ok: true, value: f() });
  } catch (e) {
    post({ type: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

port.on('message', (m: ToEngine) => {
  switch (m.type) {
    case 'spec': {
      // The diagnostics go first: a rebuild of a long trace must not hold them up.
      let rebuild = false;
      reply(m.id, () => {
        const r = specs.parse(m.spec, m.force);
        rebuild = r.rebuild;
        return { diagnostics: r.diagnostics, rebuilding: rebuild };
      });
      if (rebuild) specs.rebuild(m.spec.key, m.build);
      return;
    }
    case 'attach':
      return specs.attach(m);
    case 'detach':
      return specs.detach(m.key, m.who);
    case 'forget':
      return specs.forget(m.key);
    case 'call':
      return reply(m.id, () => specs.call(m.key, m.call));
    case 'describe':
      return reply(m.id, () => specs.describe(m.spec, m.weightsText));
    case 'gradcheck':
      return reply(m.id, () => specs.gradcheck(m.spec));
    case 'train':
      void runTraining(m.start, (message) => post({ type: 'training', job: m.job, message }), () => cancelledJobs.has(m.job)).finally(() => cancelledJobs.delete(m.job));
      return;
    case 'trainCancel':
      cancelledJobs.add(m.job);
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
