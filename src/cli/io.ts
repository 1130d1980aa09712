/** Where a command writes: stdout and stderr with their styles. Tests may pass their own. */
import { styleFor, type Style } from './style';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Styling for stdout: plain unless stdout is a terminal. */
  style: Style;
  /** Resolves once stdout has room again (long outputs wait on it rather than buffer everything). */
  drain?: () => Promise<void>;
}

/** The process's own streams. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    style: styleFor(process.stdout),
    drain: () => (process.stdout.writableNeedDrain ? new Promise<void>((r) => process.stdout.once('drain', () => r())) : Promise.resolve()),
  };
}
