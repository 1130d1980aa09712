/**
 * Safe reading of files named in a spec (data.file, SPEC.weights.json, a weights file): Node only.
 *
 * A spec is data, and often someone else's (a cloned repository), so the files it names are read
 * under rules: resolved relative to the spec's folder; a regular file only (never a device, a FIFO,
 * a socket or a directory, which would grow memory without bound or block forever); nothing under
 * /proc, /sys or /dev; at most `maxBytes` (64 MiB by default), checked before reading; and, when
 * `roots` are given, the real path after resolving symlinks must lie inside one of them.
 * The file is opened non-blocking and checked again on the open descriptor, so a file swapped for
 * a FIFO or a device between the check and the open is refused too.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Bytes a file named in a spec may have at most (64 MiB). */
export const MAX_NAMED_FILE_BYTES = 64 * 1024 * 1024;

export interface SafeReadOptions {
  /** The folder relative paths resolve against: the spec's folder. */
  baseDir: string;
  /** When given, the real path (symlinks resolved) must lie inside one of these folders. */
  roots?: readonly string[];
  /** How the roots read in a message ("the workspace folder", "the spec's folder"). */
  rootsName?: string;
  /** Bytes at most (default MAX_NAMED_FILE_BYTES). */
  maxBytes?: number;
}

export type SafeReadReason = 'missing' | 'not-regular' | 'system' | 'outside' | 'too-large' | 'io';

/** A named file that may not or cannot be read; `message` says why in words, without the path. */
export class SafeReadError extends Error {
  override name = 'SafeReadError';
  constructor(
    message: string,
    readonly reason: SafeReadReason,
  ) {
    super(message);
  }
}

/** Folders whose files are kernel views (their sizes lie, their contents are secrets or endless). */
const SYSTEM_DIRS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOCTTY = constants.O_NOCTTY ?? 0;

/** "a directory", "a FIFO (named pipe)", ...: what a non-regular file is. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** 2048 bytes, 1.5 MB, 64 MB. */
const mb = (bytes: number): string => (bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`);

function inside(real: string, root: string): boolean {
  const rel = relative(root, real);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

function fromErrno(err: unknown): SafeReadError {
  if (err instanceof SafeReadError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new SafeReadError('no such file', 'missing');
    case 'EACCES':
    case 'EPERM':
      return new SafeReadError('permission denied', 'io');
    case 'ELOOP':
      return new SafeReadError('too many symbolic links (a loop?)', 'io');
    case 'EISDIR':
      return new SafeReadError('is a directory, not a regular file', 'not-regular');
    default:
      return new SafeReadError(err instanceof Error ? err.message : String(err), 'io');
  }
}

/** The checks that need only the path: where it lies after symlinks. */
function checkPlace(real: string, realRoots: string[] | null, opts: SafeReadOptions): void {
  if (SYSTEM_DIRS.some((d) => inside(real, d))) throw new SafeReadError(`is a system file (${real}); a spec may name only ordinary files`, 'system');
  if (realRoots && !realRoots.some((r) => inside(real, r)))
    throw new SafeReadError(`lies outside ${opts.rootsName ?? 'the allowed folders'} (it resolves to ${real}); a spec may name only files inside ${opts.rootsName ?? 'them'}`, 'outside');
}

/** A regular file: what anything else is, named (a device, a FIFO, a directory). */
function checkKind(st: Stats): void {
  if (!st.isFile()) throw new SafeReadError(`is ${kindOf(st)}, not a regular file`, 'not-regular');
}

/** The checks on a file's status: a regular file, not above the size cap. */
function checkStats(st: Stats, max: number): void {
  checkKind(st);
  if (st.size > max) throw new SafeReadError(`is ${mb(st.size)}, above the limit of ${mb(max)} for a file named in a spec`, 'too-large');
}

/** A file that grew while it was read: refused rather than read in part. */
const grew = (n: number, max: number): SafeReadError =>
  n > max ? new SafeReadError(`grew above the limit of ${mb(max)} while it was read`, 'too-large') : new SafeReadError('changed while it was read', 'io');

/** Reads the bytes of a file named in a spec, under the rules above; throws SafeReadError. */
export async function readNamedBytes(name: string, opts: SafeReadOptions): Promise<Uint8Array> {
  const max = opts.maxBytes ?? MAX_NAMED_FILE_BYTES;
  try {
    const real = await realpath(resolve(opts.baseDir, name));
    const realRoots = opts.roots ? await Promise.all(opts.roots.map((r) => realpath(r).catch(() => resolve(r)))) : null;
    const before = await stat(real);
    checkKind(before);
    checkPlace(real, realRoots, opts);
    checkStats(before, max);
    const handle = await open(real, constants.O_RDONLY | O_NONBLOCK | O_NOCTTY);
    try {
      const st = await handle.stat();
      checkStats(st, max);
      if (st.ino !== before.ino || st.dev !== before.dev) throw new SafeReadError('changed while it was being opened', 'io');
      // Read at most max + 1 bytes: a file that grew past the cap since its stat is refused too.
      const buf = new Uint8Array(Math.min(st.size, max) + 1);
      let n = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, n, buf.length - n, null);
        if (bytesRead === 0) break;
        n += bytesRead;
        if (n === buf.length) throw grew(n, max);
      }
      return buf.subarray(0, n);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fromErrno(err);
  }
}

/** readNamedBytes, blocking: for a worker thread or the CLI, never for the extension host's thread. */
export function readNamedBytesSync(name: string, opts: SafeReadOptions): Uint8Array {
  const max = opts.maxBytes ?? MAX_NAMED_FILE_BYTES;
  try {
    const real = realpathSync(resolve(opts.baseDir, name));
    const realRoots = opts.roots
      ? opts.roots.map((r) => {
          try {
            return realpathSync(r);
          } catch {
            return resolve(r);
          }
        })
      : null;
    const before = statSync(real);
    checkKind(before);
    checkPlace(real, realRoots, opts);
    checkStats(before, max);
    const fd = openSync(real, constants.O_RDONLY | O_NONBLOCK | O_NOCTTY);
    try {
      const st = fstatSync(fd);
      checkStats(st, max);
      if (st.ino !== before.ino || st.dev !== before.dev) throw new SafeReadError('changed while it was being opened', 'io');
      const buf = new Uint8Array(Math.min(st.size, max) + 1);
      let n = 0;
      for (;;) {
        const got = readSync(fd, buf, n, buf.length - n, null);
        if (got === 0) break;
        n += got;
        if (n === buf.length) throw grew(n, max);
      }
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw fromErrno(err);
  }
}

/** UTF-8 text, a byte-order mark dropped (TextDecoder does), invalid bytes as U+FFFD. */
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);

/** Reads a text file named in a spec (UTF-8), under the rules above; throws SafeReadError. */
export async function readNamedText(name: string, opts: SafeReadOptions): Promise<string> {
  return decode(await readNamedBytes(name, opts));
}

/** readNamedText, blocking (see readNamedBytesSync). */
export function readNamedTextSync(name: string, opts: SafeReadOptions): string {
  return decode(readNamedBytesSync(name, opts));
}
