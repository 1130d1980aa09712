/** The safe reader of files named in a spec: devices, FIFOs, directories, escapes and sizes are refused, quickly. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNamedText, readNamedTextSync, SafeReadError, type SafeReadOptions } from '../../src/node/safeRead';

const tmp = mkdtempSync(join(tmpdir(), 'bptt-safe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const proj = join(tmp, 'proj');
mkdirSync(join(proj, 'sub'), { recursive: true });
writeFileSync(join(proj, 'corpus.txt'), '\uFEFFhello');
writeFileSync(join(tmp, 'outside.txt'), 'secret');
mkfifo(join(proj, 'pipe'));
symlinkSync('/dev/zero', join(proj, 'zero.weights.json'));
symlinkSync(join(tmp, 'outside.txt'), join(proj, 'link-out.txt'));
symlinkSync(join(proj, 'corpus.txt'), join(proj, 'sub', 'link-in.txt'));

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

const inProj: SafeReadOptions = { baseDir: proj, roots: [proj], rootsName: 'the workspace folders' };

/** Both readers refuse with the same reason and a message matching `msg`. */
async function refuses(name: string, opts: SafeReadOptions, reason: string, msg: RegExp): Promise<void> {
  for (const read of [() => readNamedTextSync(name, opts), () => readNamedText(name, opts)]) {
    let err: unknown = null;
    try {
      await read();
    } catch (e) {
      err = e;
    }
    expect(err, name).toBeInstanceOf(SafeReadError);
    expect((err as SafeReadError).reason, name).toBe(reason);
    expect((err as Error).message, name).toMatch(msg);
  }
}

describe('readNamedText / readNamedTextSync', () => {
  it('reads a regular file relative to the base folder, dropping a byte-order mark', async () => {
    expect(readNamedTextSync('corpus.txt', inProj)).toBe('hello');
    expect(await readNamedText('corpus.txt', inProj)).toBe('hello');
    expect(readNamedTextSync('sub/link-in.txt', inProj)).toBe('hello'); // a symlink that stays inside
  });

  it('refuses devices, whose reads never end (/dev/zero, /dev/urandom)', async () => {
    await refuses('/dev/zero', { baseDir: proj }, 'not-regular', /is a character device, not a regular file/);
    await refuses('/dev/urandom', { baseDir: proj }, 'not-regular', /is a character device/);
  });

  it('refuses a FIFO without blocking on it', async () => {
    await refuses('pipe', inProj, 'not-regular', /is a FIFO \(named pipe\), not a regular file/);
  }, 10_000);

  it('refuses a directory', async () => {
    await refuses('sub', inProj, 'not-regular', /is a directory, not a regular file/);
  });

  it('refuses a symlink to /dev/zero named like a weights file', async () => {
    await refuses('zero.weights.json', inProj, 'not-regular', /is a character device/);
  });

  it('refuses files outside the roots, after resolving symlinks', async () => {
    await refuses('../outside.txt', inProj, 'outside', /lies outside the workspace folders \(it resolves to .*outside\.txt\)/);
    await refuses('link-out.txt', inProj, 'outside', /lies outside the workspace folders/);
    await refuses('../../../../../../../etc/passwd', inProj, 'outside', /lies outside the workspace folders \(it resolves to \/etc\/passwd\)/);
  });

  it('refuses kernel files under /proc even without roots (their size is 0, their contents secrets)', async () => {
    await refuses('/proc/self/environ', { baseDir: proj }, 'system', /is a system file \(\/proc\/.*environ\)/);
  });

  it('refuses a file above the cap before reading it', async () => {
    writeFileSync(join(proj, 'big.txt'), 'x'.repeat(2048));
    await refuses('big.txt', { ...inProj, maxBytes: 1024 }, 'too-large', /is 2048 bytes, above the limit of 1024 bytes for a file named in a spec/);
    expect(readNamedTextSync('big.txt', { ...inProj, maxBytes: 2048 })).toHaveLength(2048);
  });

  it('says "no such file" for a missing one', async () => {
    await refuses('nope.txt', inProj, 'missing', /^no such file$/);
  });
});
