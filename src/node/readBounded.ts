/** A bounded synchronous read of a regular file (the spec loader is synchronous); the size is checked before reading. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Weights files and other binary inputs at most (a little over the engine's tensor limits). */
export const MAX_WEIGHTS_BYTES = 300 * 1024 * 1024;

/** Reads `path` if it is a regular file of at most `cap` bytes; throws an Error in words otherwise. */
export function readBoundedSync(path: string, cap = MAX_WEIGHTS_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : e instanceof Error ? e.message : String(e));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(st.isDirectory() ? 'is a directory' : 'not a regular file');
    if (st.size > cap) throw new Error(`${st.size} bytes, more than the limit of ${cap}`);
    const out = new Uint8Array(st.size);
    let n = 0;
    while (n < out.length) {
      const r = readSync(fd, out, n, out.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return n === out.length ? out : out.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
