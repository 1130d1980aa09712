// The extension in a real VS Code (code-server 4.100.3 on loopback, headless Debian chromium):
//   1. host: the mocha suite inside the extension host (dist/test/suite/index.js, the same run()
//      module @vscode/test-electron loads on a desktop), its exit code via codeAutomationExit;
//   2. ui: the packaged .vsix installed, F1 -> "BPTT: Open Stepper" on hello.rnn.yaml, stepping with
//      the keyboard, the numbers read from the panel and compared with the engine, a reload, and
//      screenshots in dark, light and high contrast (hostSuite.mjs, uiSuite.mjs).
// Prints one line per test and `N passed, N failed`; exits 1 on a failure.
// Usage: node test/integration/run.mjs [--host] [--ui] [--keep]   (no flag: both)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer } from './installCodeServer.mjs';
import { build, launchBrowser, record, results } from './harness.mjs';
import { hostSuite } from './hostSuite.mjs';
import { uiSuite } from './uiSuite.mjs';

const argv = process.argv.slice(2);
const only = { host: argv.includes('--host'), ui: argv.includes('--ui') };
const runHost = only.host || !only.ui;
const runUi = only.ui || !only.host;
const keep = argv.includes('--keep');

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const t0 = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'bptt-it-'));
  let browser;
  try {
    const bin = ensureCodeServer();
    build(false);
    browser = await launchBrowser();
    if (runHost) await hostSuite(bin, tmp, browser).catch((e) => record('host: suite setup', false, undefined, e?.stack ?? e));
    if (runUi) await uiSuite(bin, tmp, browser).catch((e) => record('ui: suite setup', false, undefined, e?.stack ?? e));
  } catch (e) {
    record('integration: setup', false, undefined, e?.stack ?? e);
  } finally {
    await browser?.close().catch(() => undefined);
    if (!keep) rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`integration: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
}

// Ctrl-C: exit through 'exit', where codeServer.mjs stops every server it started.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

await main();
