// The UI suite's debugger steps: F5 on hello.rnn.yaml in code-server, as a person would, the
// Call Stack, Variables and Watch views read and compared with the engine, and a screenshot of the
// Run and Debug view beside the panel (breakpoints on data lines: test/unit/dap.test.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The Call Stack's frame row, e.g. "forward t=1". */
const frameRow = (page, name) => page.locator('.monaco-list-row', { hasText: new RegExp(`${name.replace(/[=]/g, '\\$&')}(?!\\d)`) }).first();

/** A debug toolbar button by its label's start ("Step Back", "Reverse", "Continue"). */
const toolbar = (page, label) => page.locator(`.debug-toolbar .action-item a[aria-label^="${label}"], .debug-toolbar .action-label[aria-label^="${label}"]`).first();

export function debuggerSteps({ page, frame, ex, spec, shots, expectShows, h, dh }) {
  const focusEditor = async () => {
    await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
    await page.locator('.monaco-editor .view-lines').first().click();
  };
  const variableValue = (v) => page.locator('.monaco-list-row', { hasText: String(v) }).first();
  return [
    ['ui: F5 on hello.rnn.yaml (no launch.json) stops at forward t=1 on the data line; the panel is there too', async () => {
      await focusEditor();
      await page.keyboard.press('F5');
      await frameRow(page, 'forward t=1').waitFor({ timeout: 30_000 });
      await page.locator('.debug-toolbar').first().waitFor({ timeout: 10_000 });
      // The editor shows the stop on the data line (the current-line decoration).
      await page.locator('.monaco-editor .debug-top-stack-frame-line, .monaco-editor .codicon-debug-stackframe').first().waitFor({ timeout: 10_000 });
      await expectShows(frame, 'the panel at forward t=1: h_1', h(1), h(2), 8000, 'fwd-h');
    }],
    ['ui: F10 steps to forward t=2 (the panel follows); Step Back returns to forward t=1', async () => {
      await focusEditor();
      await page.keyboard.press('F10');
      await frameRow(page, 'forward t=2').waitFor({ timeout: 10_000 });
      await expectShows(frame, 'the panel following the debugger to forward t=2', h(2), null, 8000, 'fwd-h');
      await toolbar(page, 'Step Back').click();
      await frameRow(page, 'forward t=1').waitFor({ timeout: 10_000 });
      await expectShows(frame, 'the panel back at forward t=1', h(1), h(2), 8000, 'fwd-h');
    }],
    ['ui: the Variables view shows h_1’s values at full precision', async () => {
      // The row reads "h = [-0.29…, …]" (h_prev's row does not match).
      const hRow = page.locator('.monaco-list-row', { hasText: /^\s*h\s*[=:]/ }).first();
      await hRow.waitFor({ timeout: 10_000 });
      await hRow.click();
      for (const v of ex.forward[0].h) await variableValue(v).waitFor({ timeout: 10_000 });
    }],
    ['ui: a Watch on norm(dh): an error in the forward phase, its value at backward t=1 after Continue', async () => {
      const watch = page.locator('.pane-header', { hasText: /^\s*Watch/i }).first();
      await watch.hover();
      await page.locator('.pane-header', { hasText: /Watch/i }).locator('[aria-label="Add Expression"]').first().click();
      await page.keyboard.type('norm(dh)');
      await page.keyboard.press('Enter');
      await page.locator('.monaco-list-row', { hasText: /norm\(dh\)/ }).filter({ hasText: /backward phase/ }).first().waitFor({ timeout: 10_000 });
      await focusEditor();
      await page.keyboard.press('F5'); // Continue: no breakpoint yet, so on to the end (backward t=1)
      await frameRow(page, 'backward t=1').waitFor({ timeout: 10_000 });
      const want = Math.hypot(...ex.backward[0].dh);
      const row = page.locator('.monaco-list-row', { hasText: /norm\(dh\)/ }).first();
      const until = Date.now() + 10_000;
      for (;;) {
        const m = /norm\(dh\)\s*[=:]?\s*([-0-9.e+]+)/.exec(await row.innerText());
        if (m && Math.abs(Number(m[1]) - want) <= 1e-12 * Math.max(1, want)) break;
        if (Date.now() > until) throw new Error(`the Watch shows ${JSON.stringify(await row.innerText())}, the engine's norm(dh_1) is ${want}`);
        await page.waitForTimeout(100);
      }
      await expectShows(frame, 'the panel at backward t=1', dh(1), dh(2), 8000, 'bwd-dh');
    }],
    ['ui: screenshot of the Run and Debug view beside the panel', async () => {
      await page.waitForTimeout(800);
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'workbench-debugger-dark.png') });
    }],
    ['ui: Shift+F5 stops debugging', async () => {
      await focusEditor();
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 10_000 });
    }],
  ];
}
