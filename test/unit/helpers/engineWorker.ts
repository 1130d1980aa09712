/**
 * The real engine worker (dist/engineWorker.js) for a test, spoken to over its real messages: every
 * message it posts is logged, `until` awaits the first (seen or to come) that satisfies a predicate,
 * `reply` the reply to a request id. One worker at a time, ended after each test.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach } from 'vitest';
import type { FromEngine } from '../../../src/extension/engine/events';
import { CANCEL_SLOTS, type ToEngine } from '../../../src/extension/engine/messages';

export type Reply = Extract<FromEngine, { type: 'reply' }>;

export interface EngineWorker {
  send: (m: ToEngine) => void;
  log: FromEngine[];
  until: (p: (m: FromEngine) => boolean, ms?: number) => Promise<FromEngine>;
  reply: (id: number) => Promise<Reply>;
}

const ROOT = join(__dirname, '..', '..', '..');

/** Registers the afterEach that ends the worker; returns `start(defaultMs)` for the tests. */
export function engineWorkerHarness(defaultMs: number): () => EngineWorker {
  let worker: Worker | null = null;
  afterEach(async () => {
    await worker?.terminate();
    worker = null;
  });
  return () => {
    const w = (worker = new Worker(join(ROOT, 'dist', 'engineWorker.js'), { workerData: { cancel: new SharedArrayBuffer(4 * CANCEL_SLOTS) } }));
    const log: FromEngine[] = [];
    const waiters: { p: (m: FromEngine) => boolean; resolve: (m: FromEngine) => void }[] = [];
    w.on('message', (m: FromEngine) => {
      log.push(m);
      for (const x of [...waiters]) if (x.p(m)) waiters.splice(waiters.indexOf(x), 1), x.resolve(m);
    });
    const until = (p: (m: FromEngine) => boolean, ms = defaultMs): Promise<FromEngine> => {
      const seen = log.find(p);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such message in ${ms} ms; got ${log.map((m) => m.type).join(', ')}`)), ms);
        waiters.push({ p, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    };
    const reply = (id: number) => until((m) => m.type === 'reply' && m.id === id) as Promise<Reply>;
    return { send: (m) => w.postMessage(m), log, until, reply };
  };
}
