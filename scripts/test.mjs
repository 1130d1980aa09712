// `npm test`: every test suite, one after another, then the total over all of them as its last line:
//   N passed, N failed[, N skipped]
// Exit status 1 when anything failed. A suite is an entry in SUITES: a name and a run() that
// streams its own output and resolves to its counts. To add one (browser tests, VS Code tests),
// append an entry; a runner that ends with its own `N passed, N failed` line fits commandSuite().
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptPackages } from '../test/integration/installCodeServer.mjs';

const debInstalled = (pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, '.test-tmp');
const node = process.execPath;

/** The tsconfigs the type-check covers: the host/CLI/tests, the pure engine, the webview. */
const TSCONFIGS = ['tsconfig.json', 'src/engine/tsconfig.json', 'src/session/tsconfig.json', 'tsconfig.webview.json'];

/**
 * Runs a command with the console inherited (or, with `capture`, echoed and kept).
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(cmd, args, { capture = false, env = {} } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (process.stdout.write(d), (output += d)));
      child.stderr.on('data', (d) => (process.stderr.write(d), (output += d)));
    }
    child.on('error', (err) => resolvePromise({ code: 127, output: output + String(err) }));
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const one = (ok) => ({ passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });

/** The bundles build (one check). */
async function build() {
  const { code } = await run(node, ['scripts/build.mjs']);
  return one(code === 0);
}

/** tsc --noEmit for every tsconfig: one check, failed if any config fails. */
async function typecheck() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let ok = true;
  for (const config of TSCONFIGS) {
    const { code } = await run(node, [tsc, '--noEmit', '-p', config]);
    if (code !== 0) {
      console.error(`type-check failed: ${config}`);
      ok = false;
    }
  }
  if (ok) console.log(`type-check passed: ${TSCONFIGS.join(', ')}`);
  return one(ok);
}

/** vitest run: each test counts; a file that fails to load, or a crash, counts as one failure. */
async function vitest(config = 'vitest.config.mts', label = 'vitest') {
  const out = join(tmp, `${label}.json`);
  rmSync(out, { force: true });
  const vitestBin = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const { code } = await run(node, [vitestBin, 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], {
    env: { BPTT_SKIP_BUILD: '1' }, // built above; test/globalSetup.ts builds when vitest runs alone
  });
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  let failed = (r.numFailedTests ?? 0) + brokenFiles;
  if (code !== 0 && failed === 0) failed = 1; // vitest failed outside any test (setup, config)
  return { passed: r.numPassedTests ?? 0, failed, skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
}

/** A suite run by a command that ends its output with its own `N passed, N failed[, N skipped]` line. */
function commandSuite(cmd, args) {
  return async () => {
    const { code, output } = await run(cmd, args, { capture: true });
    const m = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/gm)].at(-1);
    if (!m) return { passed: 0, failed: 1, skipped: 0 };
    const counts = { passed: +m[1], failed: +m[2], skipped: +(m[3] ?? 0) };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  };
}

/** Debian's chromium, code-server's build deps and python3-torch (exported scripts), before the suites that use them (one check). */
async function systemPackages() {
  aptPackages();
  return one(existsSync('/usr/bin/chromium') && debInstalled('python3-torch'));
}

/** Every suite, in order. */
const SUITES = [
  { name: 'build', run: build },
  { name: 'type-check', run: typecheck },
  { name: 'system packages', run: systemPackages },
  { name: 'unit (vitest)', run: vitest },
  { name: 'webview (chromium)', run: () => vitest('test/webview/vitest.config.mts', 'webview') },
  { name: 'vscode (code-server)', run: commandSuite(node, ['test/integration/run.mjs']) },
];

mkdirSync(tmp, { recursive: true });
const total = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const nameWidth = Math.max(...SUITES.map((s) => s.name.length));
for (const suite of SUITES) {
  console.log(`\n── ${suite.name} ──`);
  let c;
  try {
    c = await suite.run();
  } catch (err) {
    console.error(`${suite.name}: ${err?.stack ?? err}`);
    c = { passed: 0, failed: 1, skipped: 0 };
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  lines.push(`  ${suite.name.padEnd(nameWidth)}  ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
}
console.log(['', 'Suites:', ...lines, ''].join('\n'));
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 ? 1 : 0;
