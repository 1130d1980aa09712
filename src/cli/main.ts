/** The bptt executable (dist/cli.js): the process around cli(). */
import './v8flags'; // first: before the engine instantiates its kernels
import { cli } from './cli';
import { processIo } from './io';

// `bptt trace ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// Set the status and let Node exit by itself, so a large stdout is written out in full.
void cli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
