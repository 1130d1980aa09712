/**
 * The extension-host suite: the module @vscode/test-electron's runTests loads on a desktop, and
 * code-server's extensionTestsPath here. run() resolves when every test passes, rejects otherwise.
 * With BPTT_TEST_RESULTS set, it also writes one JSON line per test there for the runner.
 */
import Mocha from 'mocha';
import { appendFileSync } from 'node:fs';
import { defineExtensionTests } from './extension.test';
import { defineTrainingTests } from './training.test';
import { definePytorchTests } from './pytorch.test';
import { defineDebuggerTests } from './debugger.test';
import { defineUxTests } from './ux.test';

export function run(): Promise<void> {
  // BPTT_TEST_GREP runs only the tests whose full title matches (a focused run while working).
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec', grep: process.env.BPTT_TEST_GREP || undefined });
  // The tests are bundled into this file: give them mocha's globals, then define them.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'bundle', mocha);
  defineExtensionTests();
  defineTrainingTests();
  definePytorchTests();
  defineDebuggerTests();
  defineUxTests();
  const out = process.env.BPTT_TEST_RESULTS;
  const record = (r: { title: string; ok: boolean; ms?: number; error?: string }) => {
    if (out) appendFileSync(out, JSON.stringify(r) + '\n');
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      console.log(`${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (t) => record({ title: t.fullTitle(), ok: true, ms: t.duration }));
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (t, err) => record({ title: t.fullTitle(), ok: false, ms: t.duration, error: String(err?.stack ?? err) }));
  });
}
