// The UI suite's steps for the VS Code side of the panel, after hello has been trained: settings
// applied live (written to settings.json as a person's edit would be), the Sample form answered in
// the panel, the weights switch, error positions that reveal the spec in the editor, and screenshots
// of these in dark, light and high contrast. (Settings are typed into settings.json through the
// workbench: a file written behind its back is not picked up in code-server.)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { QUIET_SETTINGS } from './codeServer.mjs';
import { root } from './harness.mjs';

const THEMES = [
  ['dark', 'Dark Modern', '.monaco-workbench.vs-dark:not(.hc-black)', 'Default Dark Modern'],
  ['light', 'Light Modern', '.monaco-workbench.vs:not(.vs-dark)', 'Default Light Modern'],
  ['hc', 'Dark High Contrast', '.monaco-workbench.hc-black', 'Default High Contrast'],
];

export function uxSteps({ page, frame, spec, ex, shots, pickTheme, runPaletteCommand, formatNumber }) {
  /** As a person edits settings.json: Preferences: Open User Settings (JSON), the text replaced, saved, closed. */
  const setUserSettings = async (settings) => {
    await runPaletteCommand(page, 'Preferences: Open User Settings (JSON)');
    await page.locator('.tab.active', { hasText: 'settings.json' }).first().waitFor({ timeout: 10_000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(JSON.stringify({ ...QUIET_SETTINGS, 'workbench.colorTheme': 'Default Dark Modern', ...settings }, null, 2));
    // What the editor closed for us while we typed (a '}' or '"}') sits after the cursor: removed, or
    // settings.json is invalid and every later settings write (the theme pickers') fails with a toast.
    await page.keyboard.press('Control+Shift+End');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+S');
    await page.waitForTimeout(300);
    await runPaletteCommand(page, 'View: Close Editor');
  };
  const pressed = (testid) => frame.locator(`[data-testid="${testid}"][aria-pressed="true"]`).waitFor({ timeout: 10_000 });
  const shoot = async (name, testid) => {
    await frame.locator(`[data-testid="${testid}"]`).first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(600);
    mkdirSync(shots, { recursive: true });
    await page.locator('iframe.webview.ready').first().screenshot({ path: join(shots, name) });
  };
  const focusPanel = async () => {
    await page.locator('.tab', { hasText: new RegExp(`^\\s*${ex.name}\\s*$`) }).first().click();
    await frame.locator('body').click({ position: { x: 3, y: 3 } });
  };
  const original = readFileSync(spec, 'utf8');
  return [
    ['ui: settings apply live: bptt.heatmap.scale, bptt.heatmap.logScale and bptt.playSpeed in settings.json switch the open panel', async () => {
      await focusPanel();
      await page.keyboard.press('End');
      await pressed('scale-card');
      await setUserSettings({ 'bptt.heatmap.scale': 'shared', 'bptt.heatmap.logScale': true, 'bptt.playSpeed': 10 });
      await pressed('scale-shared');
      await pressed('scale-log');
      const speed = await frame.locator('[data-testid="speed"]').evaluate((d) => d.value);
      if (speed !== '100') throw new Error(`the play speed is ${speed} ms per step, not 100 (10 steps/s)`);
      await setUserSettings({});
      await pressed('scale-card');
      await frame.locator('[data-testid="scale-log"][aria-pressed="false"]').waitFor({ timeout: 10_000 });
    }],
    ['ui: the palette offers Resume Training on the trained spec, and Cancel Training only while a run goes (none now)', async () => {
      await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      const offered = async (title) => {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`>${title}`);
        await page.waitForTimeout(700);
        const rows = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
        await page.keyboard.press('Escape');
        return rows.some((r) => r.trim() === title);
      };
      // The key is set by an asynchronous read of the weights file after the editor gains focus: ask again for a few seconds.
      let resumable = false;
      for (let until = Date.now() + 8000; !resumable && Date.now() < until; ) resumable = await offered('BPTT: Resume Training');
      if (!resumable) throw new Error('Resume Training is not offered for a spec whose weights hold progress');
      if (await offered('BPTT: Cancel Training')) throw new Error('Cancel Training is offered while nothing trains');
      await focusPanel();
    }],
    ['ui: the Sample form answers in the panel: greedy from "h" is what `bptt sample` prints for the same weights', async () => {
      const weights = join(dirname(spec), 'hello.weights.json');
      const want = execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'sample', spec, '--weights', weights, '--prime', 'h', '--length', '4', '--temperature', '0'], { encoding: 'utf8' }).trim();
      await frame.locator('[data-testid="sample-form"]').scrollIntoViewIfNeeded();
      await frame.locator('[data-testid="sample-prime"]').fill('h');
      await frame.locator('[data-testid="sample-length"]').fill('4');
      await frame.locator('[data-testid="sample-temperature"]').fill('0');
      await frame.locator('[data-testid="sample-go"]').click();
      const got = frame.locator('[data-testid="sample-text"]');
      await got.waitFor({ timeout: 10_000 });
      const text = await got.innerText();
      if (text !== want) throw new Error(`the panel sampled ${JSON.stringify(text)}, bptt sample ${JSON.stringify(want)}`);
    }],
    ['ui: the weights switch traces the spec\'s initial weights (the engine\'s init loss), then the trained ones again', async () => {
      await frame.locator('[data-testid="weights-initial"]').click();
      await frame.locator('[data-testid="weights"]', { hasText: 'spec init' }).waitFor({ timeout: 10_000 });
      const desc = await frame.locator('[data-testid="description"]').innerText();
      if (!desc.includes(`L = ${formatNumber(ex.loss)}`)) throw new Error(`the initial weights' loss is ${formatNumber(ex.loss)}; the panel says ${desc}`);
      await pressed('weights-initial');
      await shoot('panel-tools-initial-dark.png', 'training-tools');
      await frame.locator('[data-testid="weights-trained"]').click();
      await frame.locator('[data-testid="weights"]', { hasText: 'weights: hello.weights.json (epoch 200)' }).waitFor({ timeout: 10_000 });
    }],
    ...THEMES.map(([name, theme, selector]) => [`ui: screenshot of the training tools (weights switch, Sample form), ${name}`, async () => {
      await pickTheme(page, theme);
      await page.locator(selector).waitFor({ timeout: 15_000 });
      await shoot(`panel-tools-${name}.png`, 'training-tools');
    }]),
    ['ui: an error position in the panel is a link: clicking it puts the editor\'s cursor on the error', async () => {
      const lines = original.split('\n');
      const line = lines.findIndex((l) => /^\s*cell: rnn/.test(l)) + 1;
      const column = lines[line - 1].indexOf('rnn') + 1;
      writeFileSync(spec, original.replace(/cell: rnn/, 'cell: rnm'));
      const link = frame.locator(`[data-testid="error-link"][data-line="${line}"][data-column="${column}"]`);
      await link.waitFor({ timeout: 15_000 });
      // Elsewhere first: the link must bring the cursor there.
      await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+Home');
      await focusPanel();
      await link.click();
      await page.locator('.statusbar-item', { hasText: new RegExp(`^\\s*Ln ${line}, Col ${column}\\s*$`) }).first().waitFor({ timeout: 10_000 });
    }],
    ...[...THEMES].reverse().map(([name, theme, selector]) => [`ui: screenshot of the error banner with its links, ${name}`, async () => {
      await pickTheme(page, theme);
      await page.locator(selector).waitFor({ timeout: 15_000 });
      await frame.locator('[data-testid="errors"]').waitFor({ timeout: 10_000 });
      await frame.locator('[data-testid="errors"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(600);
      await page.locator('iframe.webview.ready').first().screenshot({ path: join(shots, `panel-error-links-${name}.png`) });
    }]),
    ['ui: the spec fixed on disk, the error banner goes', async () => {
      writeFileSync(spec, original);
      await frame.locator('[data-testid="errors"]').waitFor({ state: 'detached', timeout: 15_000 });
    }],
    ['ui: a retrace landing in the open panel leaves Quick Open open, its input focused', async () => {
      // The webview counts the trace and flow messages it is sent (its own window, not the workbench's).
      await frame.locator('body').evaluate(() => {
        window.__bpttArrived = { trace: 0, flow: 0 };
        window.addEventListener('message', (e) => e.data?.type in window.__bpttArrived && window.__bpttArrived[e.data.type]++);
      });
      await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      for (const text of [`${original.replace(/\n?$/, '\n')}# a comment: the spec is traced again\n`, original]) {
        const before = await frame.locator('body').evaluate(() => ({ ...window.__bpttArrived }));
        writeFileSync(spec, text);
        const until = Date.now() + 15_000;
        for (;;) {
          const now = await frame.locator('body').evaluate(() => ({ ...window.__bpttArrived }));
          if (now.trace > before.trace && now.flow > before.flow) break;
          if (Date.now() > until) throw new Error(`no retrace reached the panel: ${JSON.stringify(now)}`);
          await page.waitForTimeout(100);
        }
        await page.waitForTimeout(800); // the webview reports a focus change within 250 ms
        const focus = await page.evaluate(() => ({ inQuickInput: !!document.activeElement?.closest('.quick-input-widget'), active: `${document.activeElement?.tagName}.${document.activeElement?.className}` }));
        if (!(await input.isVisible()) || !focus.inQuickInput) throw new Error(`after the retrace Quick Open is ${(await input.isVisible()) ? 'open' : 'closed'}, the focus on ${focus.active}`);
      }
      await page.keyboard.press('Escape');
    }],
  ];
}
