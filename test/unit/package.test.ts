/**
 * `npm run package` in a clean checkout: the repository's files (tracked and new, as git lists
 * them, nothing built) copied to a temporary directory with node_modules linked in, packaged with
 * vsce, and the .vsix opened to check it holds what the extension needs and nothing it must not.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'bptt-package-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The entry names of a zip (the .vsix), read by Python's zipfile (python3 is installed for the golden fixtures). */
function zipEntries(file: string): string[] {
  const r = spawnSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

describe('npm run package in a clean checkout', () => {
  let out: { status: number | null; log: string };
  let entries: string[] = [];
  let manifest: Record<string, unknown> = {};
  beforeAll(() => {
    const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
    const checkout = join(tmp, 'checkout');
    for (const f of files) {
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      try {
        copyFileSync(join(ROOT, f), join(checkout, f));
      } catch {
        // a file git still lists but the working tree deleted: a clean checkout would not have it either
      }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    const npm = spawnSync('npm', ['run', 'package'], { cwd: checkout, encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 240_000 });
    out = { status: npm.status, log: `${npm.stdout}${npm.stderr}` };
    const vsix = readdirSync(checkout).find((f) => f.endsWith('.vsix'));
    if (vsix) entries = zipEntries(join(checkout, vsix));
    if (vsix) manifest = JSON.parse(spawnSync('python3', ['-c', 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("extension/package.json").decode())', join(checkout, vsix)], { encoding: 'utf8' }).stdout);
  }, 300_000);

  it('succeeds and writes a .vsix', () => {
    expect(out.log).not.toMatch(/ERROR/);
    expect(out.status).toBe(0);
    expect(entries.length).toBeGreaterThan(0);
  });

  it('holds the bundles, the icon, the schema, the webview style, the examples and the README', () => {
    for (const f of ['extension/dist/extension.js', 'extension/dist/webview.js', 'extension/dist/cli.js', 'extension/media/icon.png', 'extension/media/spec.schema.json', 'extension/media/panel.css', 'extension/examples/hello.rnn.yaml', 'extension/readme.md', 'extension/package.json']) {
      expect(entries.map((e) => e.toLowerCase())).toContain(f.toLowerCase());
    }
  });

  it('claims no repository it does not have: none in the manifest, the README\'s relative links left as written', () => {
    expect(manifest.name).toBe('bptt-stepper');
    expect(manifest.repository).toBeUndefined();
    expect(out.log).not.toMatch(/github\.com\/bptt-stepper/);
  });

  it('leaves out sources, tests and source maps', () => {
    expect(entries.filter((e) => /^extension\/(src|test|webview|scripts|node_modules)\//.test(e) || e.endsWith('.map') || e.endsWith('.ts'))).toEqual([]);
  });
});
