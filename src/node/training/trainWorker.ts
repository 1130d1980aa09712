/**
 * A training worker of its own (bundled as dist/trainWorker.js) for `bptt train`: the same training
 * loop the extension's engine worker runs, for one run, cancelled by a `cancel` message.
 */
import { parentPort } from 'node:worker_threads';
import type { ToWorker } from './messages';
import { runTraining } from './trainLoop';

const port = parentPort;
if (!port) throw new Error('trainWorker.js runs only as a worker thread');
let cancelled = false;

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') cancelled = true;
  else if (m.type === 'start') void runTraining(m, (out) => port.postMessage(out), () => cancelled);
});
