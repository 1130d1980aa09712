// What the integration runner's suites share: recording results, building, copying the examples.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from './codeServer.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const results = [];
export function record(name, ok, ms, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ms !== undefined ? ` (${ms} ms)` : ''}`);
  if (!ok && detail) console.log(String(detail).replace(/^/gm, '     '));
}

/** Runs one named check; returns false (and records the failure) instead of throwing. */
export async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    record(name, true, Date.now() - t0);
    return true;
  } catch (e) {
    record(name, false, Date.now() - t0, e?.stack ?? e);
    return false;
  }
}

export function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
}

export function build(production) {
  if (!existsSync(join(root, 'scripts', 'build.mjs'))) throw new Error('scripts/build.mjs is missing: nothing builds dist/extension.js');
  sh('node', ['scripts/build.mjs', ...(production ? ['--production'] : [])], { stdio: 'inherit' });
  if (!existsSync(join(root, 'dist', 'extension.js'))) throw new Error('the build did not produce dist/extension.js');
}

export function copyExamples(dest) {
  cpSync(join(root, 'examples'), dest, { recursive: true });
  return dest;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

