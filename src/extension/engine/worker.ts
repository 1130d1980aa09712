/**
 * The engine worker (bundled as dist/engineWorker.js, run in one worker_threads Worker for the
 * whole extension): it parses specs, holds their sessions (traces, flow, gradient check) and runs
 * training, so nothing heavy ever runs on the extension host's thread. The host only relays.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { runTraining } from '../../node/training/trainLoop';
import { readStateDict, specFromStateDict } from '../../engine/pytorch';
import type { FromEngine } from './events';
import { CANCEL_SLOTS, type ToEngine } from './messages';
import { Specs } from './specs';

const port = parentPort;
if (!port) throw new Error('engineWorker.js runs only as a worker thread');

/** Shared with the host: slot build % CANCEL_SLOTS = build when the host cancelled that build. */
const cancelFlags = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);
const post = (m: FromEngine, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
const specs = new Specs(post, (build) => build > 0 && Atomics.load(cancelFlags, build % CANCEL_SLOTS) === build, serveWaiting);
const cancelledJobs = new Set<number>();

function reply(id: number, f: () => unknown): void {
  try {
    post({ type: 'reply', id, ok: true, value: f() });
  } catch (e) {
    post({ type: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

/** How often a long build lets the messages waiting be served (ms). */
const SLICE_MS = 25;
let lastServed = 0;
let serving = false;

/**
 * Between a build's slices: the messages that arrived meanwhile are taken off the port and handled
 * now, in order (another spec's calls, a gradient check, a move in the panel), so nothing waits for a
 * long trace. A build they ask for runs after the current one (Specs queues it).
 */
function serveWaiting(): void {
  const now = Date.now();
  if (serving || now - lastServed < SLICE_MS) return;
  serving = true;
  try {
    for (let m = receiveMessageOnPort(port!); m; m = receiveMessageOnPort(port!)) handle(m.message as ToEngine);
  } finally {
    lastServed = Date.now();
    serving = false;
  }
}

port.on('message', handle);

function handle(m: ToEngine): void {
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
      // The flow views are long jobs, sliced: answered when done, other messages served meanwhile.
      if (m.call.method === 'flow' || m.call.method === 'jacobian') return specs.flowCall(m.id, m.key, m.call);
      return reply(m.id, () => specs.call(m.key, m.call));
    case 'describe':
      return reply(m.id, () => specs.describe(m.spec, m.weightsText));
    case 'gradcheck':
      return reply(m.id, () => specs.gradcheck(m.spec));
    case 'train':
      void runTraining(m.start, (message) => post({ type: 'training', job: m.job, message }), () => cancelledJobs.has(m.job)).finally(() => cancelledJobs.delete(m.job));
      return;
    case 'sample':
      return reply(m.id, () => specs.sample(m.spec, m));
    case 'importWeights':
      // The unpickling and the model's inference run here, never on the host; an error names the file.
      return reply(m.id, () => {
        try {
          return { text: specFromStateDict(readStateDict(m.bytes, m.file), m.file, m.name) };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          throw new Error(message.includes(m.file) ? message : `${m.file}: ${message}`);
        }
      });
    case 'useWeights':
      return specs.useWeights(m.key, m.build, m.initial);
    case 'trainCancel':
      cancelledJobs.add(m.job);
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}
