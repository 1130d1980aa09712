/** A bounded synchronous read of a regular file (the spec loader is synchronous); the size is checked before reading. */
import { readNamedBytesSync } from './safeRead';

/** Weights files and other binary inputs at most (a little over the engine's tensor limits). */
export const MAX_WEIGHTS_BYTES = 300 * 1024 * 1024;

/**
 * Reads `path` if it is a regular file of at most `cap` bytes; throws an Error in words otherwise.
 * By the safe reader (safeRead.ts): opened non-blocking, so a FIFO is refused instead of blocking.
 */
export function readBoundedSync(path: string, cap = MAX_WEIGHTS_BYTES): Uint8Array {
  return readNamedBytesSync(path, { baseDir: process.cwd(), maxBytes: cap });
}
