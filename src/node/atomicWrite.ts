/** Atomic file writes, shared by the CLI and the extension host (Node only). */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Whether a process with this id is running (a signal 0 probes without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours
  }
}

/**
 * Removes PATH.tmp-PID files left by writers that were killed (kill -9) between writing and
 * renaming: those whose process is gone, and one with our own id (a former process's, as we have
 * not written yet). Files of running writers are left alone. Returns the names removed.
 */
export function removeStaleTemps(path: string): string[] {
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid !== process.pid && alive(pid)) continue;
    try {
      rmSync(join(dirname(path), name), { force: true });
      removed.push(name);
    } catch {
      // Not ours to remove (permissions): leave it.
    }
  }
  return removed;
}

/**
 * Writes `text` to `path` atomically: into PATH.tmp-PID, flushed to disk, then renamed over PATH.
 * A crash or a kill at any moment leaves the old file or the new one, never a part of either.
 * Throws the file system's error (the temporary file removed).
 */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** writeAtomic without blocking the thread (the extension host's event loop): the same steps, asynchronously. */
export async function writeAtomicAsync(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
