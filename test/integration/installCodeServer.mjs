// Installs code-server 4.100.3 (VS Code 1.100.3 on Node 20) into the ignored folder .vscode-test/,
// offline apart from the npm registry and Debian's packages. See ../shared/notes/testing-in-real-vscode.md.
// Cached: does nothing when it is already installed. Usable as a module or run directly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const prefix = join(root, '.vscode-test', 'code-server');
export const codeServerBin = join(prefix, 'node_modules', '.bin', 'code-server');

const log = (m) => process.stderr.write(`[code-server] ${m}\n`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const debInstalled = (pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;

/**
 * Debian packages the tests need: chromium, code-server's build deps, and python3-torch, which runs
 * the exported PyTorch scripts in the unit tests (a large package: installed once, skipped when present).
 */
const APT = ['chromium', 'libkrb5-dev', 'ripgrep', 'python3-torch'];
export function aptPackages() {
  const missing = APT.filter((p) => !debInstalled(p));
  if (missing.length === 0) return;
  log(`apt-get install -y ${missing.join(' ')}`);
  // All of them, as the note says; apt skips the ones present. A fresh machine may need its lists first.
  const install = () => execFileSync('apt-get', ['install', '-y', ...APT], { stdio: 'inherit' });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    install();
  }
}

/** @vscode/ripgrep's postinstall would download rg; a tar.gz of Debian's rg in its cache stands in. */
function seedRipgrepCache() {
  const cache = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const tarball = join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(tarball)) return;
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  mkdirSync(cache, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'rg-seed-'));
  copyFileSync(rg, join(stage, 'rg'));
  execFileSync('tar', ['-czf', tarball, '-C', stage, 'rg']);
  rmSync(stage, { recursive: true, force: true });
  log(`seeded ${tarball}`);
}

export function installed() {
  const manifest = join(prefix, 'node_modules', 'code-server', 'package.json');
  if (!existsSync(codeServerBin) || !existsSync(manifest)) return false;
  return JSON.parse(readFileSync(manifest, 'utf8')).version === CODE_SERVER_VERSION;
}

/** Installs code-server if needed; returns the path of its binary. */
export function ensureCodeServer() {
  if (!has('chromium') || !has('rg') || !debInstalled('libkrb5-dev')) aptPackages();
  if (installed()) return codeServerBin;
  seedRipgrepCache();
  mkdirSync(prefix, { recursive: true });
  log(`npm install code-server@${CODE_SERVER_VERSION} into ${prefix} (about 70 s)`);
  const t0 = Date.now();
  execFileSync('npm', ['install', '--prefix', prefix, '--unsafe-perm', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, npm_config_yes: 'true' }, // else node-pty's `npx node-gyp` postinstall is cancelled
  });
  if (!installed()) throw new Error('code-server did not install');
  log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return codeServerBin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(ensureCodeServer());
}
