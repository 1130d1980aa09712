// The extension-host suite through code-server: dist/test/suite/index.js as extensionTestsPath, its
// exit code via codeAutomationExit, one line per mocha test from the JSONL file it writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { profile, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { buildSuite } from './build.mjs';
import { copyExamples, record, root } from './harness.mjs';

export async function hostSuite(bin, tmp, browser) {
  const t0 = Date.now();
  await buildSuite();
  const prof = profile(join(tmp, 'host'));
  writeUserSettings(prof, {});
  const ws = copyExamples(join(tmp, 'host-ws'));
  const resultsFile = join(tmp, 'host-results.jsonl');
  writeFileSync(resultsFile, '');
  const server = await startCodeServer(bin, prof, { env: { BPTT_TEST_RESULTS: resultsFile } });
  const page = await browser.newPage();
  try {
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(root, 'dist', 'test', 'suite', 'index'))],
    ];
    const log = [];
    const exit = new Promise((resolveExit) => {
      page.exposeFunction('codeAutomationLog', (type, args) => log.push(`${type}: ${JSON.stringify(args)}`));
      page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer;
    const code = await Promise.race([exit, new Promise((r) => (timer = setTimeout(() => r('timeout after 240 s'), 240_000)))]);
    clearTimeout(timer);
    const lines = readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const r of lines) record(`host: ${r.title}`, r.ok, r.ms, r.error);
    if (lines.length === 0 || (code !== 0 && lines.every((r) => r.ok))) {
      record('host: the extension-host suite ran to completion', false, undefined, `exit code ${code}; ${lines.length} test results\n${log.slice(-30).join('\n')}\n${server.logs.join('').slice(-4000)}`);
    }
  } finally {
    await page.close().catch(() => undefined);
    server.stop();
    console.log(`host suite: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

