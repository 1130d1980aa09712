/** Reading init.weights_file for a spec: relative to the spec, optionally inside a root, cached by size and mtime. */
import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { readBoundedSync } from './readBounded';

const cache = new Map<string, { size: number; mtimeMs: number; bytes: Uint8Array }>();
const CACHE_ENTRIES = 8;

/**
 * A readBytes for loadSpec: `rel` resolves against `dir`; with `roots`, the real path must lie in
 * one of them (a workspace folder). Re-reads only when the file's size or mtime changed, since a
 * spec is reloaded on every edit.
 */
export function weightsReader(dir: string, roots?: readonly string[]): (rel: string) => Uint8Array {
  return (rel) => {
    const real = realpathSync(resolve(dir, rel));
    if (roots && !roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)))
      throw new Error('the file lies outside the workspace folders');
    const st = statSync(real);
    const hit = cache.get(real);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.bytes;
    const bytes = readBoundedSync(real);
    cache.delete(real);
    cache.set(real, { size: st.size, mtimeMs: st.mtimeMs, bytes });
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    return bytes;
  };
}
