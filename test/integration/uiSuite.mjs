// The UI suite: the packaged .vsix in code-server, driven through the workbench like a person would,
// the panel's numbers compared with the engine's, screenshots in three themes.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix, profile, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { loadExpected } from './expected.mjs';
import { build, check, copyExamples, root, sh } from './harness.mjs';
import { breakpointAndLargeSteps, debuggerSteps } from './debugSteps.mjs';
import { uxSteps } from './uxSteps.mjs';

const shots = join(root, 'test', 'integration', 'screenshots');

/** Everything readable in the panel: its text and its aria-labels and titles. */
async function panelText(frame) {
  return frame.locator('body').evaluate((b) => {
    const parts = [b.innerText];
    for (const el of b.querySelectorAll('[aria-label],[title]')) parts.push(el.getAttribute('aria-label') ?? '', el.getAttribute('title') ?? '');
    return parts.join('\n');
  });
}

/**
 * Waits until the panel shows every one of the numbers in `want` (inside the element with
 * data-testid `where`, when given) and, if given, not all of `notAll` anywhere.
 */
async function expectShows(frame, label, want, notAll = null, ms = 8000, where = null) {
  const until = Date.now() + ms;
  let text = '';
  for (;;) {
    text = await panelText(frame).catch(() => '');
    const scoped = where ? await frame.locator(`[data-testid="${where}"]`).first().innerText({ timeout: 500 }).catch(() => '') : text;
    const missing = want.filter((s) => !scoped.includes(s));
    const stale = notAll && notAll.every((s) => text.includes(s));
    if (missing.length === 0 && !stale) return;
    if (Date.now() > until) {
      throw new Error(`${label}: ${missing.length ? `missing ${JSON.stringify(missing)}${where ? ` in [data-testid=${where}]` : ''}` : `still shows ${JSON.stringify(notAll)}`}\npanel text (start):\n${text.slice(0, 1500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runPaletteCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  // The row whose label is exactly the title (fuzzy matching lists near misses too).
  const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: exact }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

/** Through the palette, as a person would: Preferences: Color Theme, then the theme's name. */
async function pickTheme(page, theme) {
  await runPaletteCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ timeout: 10_000 });
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^\\s*${theme}\\s*$`) }).first().click();
}

async function screenshotPanel(page, name) {
  mkdirSync(shots, { recursive: true });
  const panel = join(shots, `panel-${name}.png`);
  const workbench = join(shots, `workbench-${name}.png`);
  await page.locator('iframe.webview.ready').first().screenshot({ path: panel });
  await page.screenshot({ path: workbench });
  return { panel, workbench };
}

export async function uiSuite(bin, tmp, browser) {
  const t0 = Date.now();
  const vsix = join(tmp, 'bptt-stepper.vsix');
  const ok = await check('ui: production build and vsce package --no-dependencies (offline)', async () => {
    build(true);
    const flags = ['--no-dependencies', '--out', vsix];
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    if (!manifest.repository) flags.push('--allow-missing-repository', '--no-rewrite-relative-links'); // offline, no repository to link to
    if (!existsSync(join(root, 'LICENSE')) && !existsSync(join(root, 'LICENSE.md'))) flags.push('--skip-license');
    sh('npx', ['--no-install', 'vsce', 'package', ...flags]);
    if (!existsSync(vsix)) throw new Error('no .vsix produced');
  });
  if (!ok) return;
  await check('ui: the .vsix holds only dist/, media/, examples/, README, LICENSE, package.json', async () => {
    const names = sh('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix]).trim().split('\n');
    const files = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    const stray = files.filter((f) => !/^(dist\/|media\/|examples\/|README(\.md)?$|LICENSE(\.\w+)?$|package\.json$|changelog|CHANGELOG)/i.test(f) || /^dist\/test\//.test(f));
    if (stray.length) throw new Error(`unexpected files: ${stray.slice(0, 20).join(', ')}`);
    for (const need of ['dist/extension.js', 'dist/webview.js', 'media/spec.schema.json', 'examples/hello.rnn.yaml', 'package.json']) {
      if (!files.includes(need)) throw new Error(`${need} is missing from the .vsix (${files.length} files)`);
    }
  });

  const prof = profile(join(tmp, 'ui'));
  writeUserSettings(prof, { 'workbench.colorTheme': 'Default Dark Modern' });
  installVsix(bin, prof, vsix);
  const ws = copyExamples(join(tmp, 'ui-ws'));
  const spec = join(ws, 'hello.rnn.yaml');
  const { expectedTrace, formatNumber } = await loadExpected(tmp);
  const ex = expectedTrace(spec);
  const h = (t) => ex.forward[t - 1].h.map(formatNumber);
  const dh = (t) => ex.backward[t - 1].dh.map(formatNumber);

  const server = await startCodeServer(bin, prof);
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const steps = [
    ['ui: the workbench opens the examples folder', async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.rnn.yaml' }).first().waitFor({ timeout: 30_000 });
    }],
    ['ui: hello.rnn.yaml opens with the CodeLens Step Through BPTT · Gradient Check', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.rnn.yaml' }).first().click();
      await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().waitFor({ timeout: 10_000 });
      const lens = page.locator('.contentWidgets .codelens-decoration');
      await lens.filter({ hasText: 'Step Through BPTT' }).first().waitFor({ timeout: 20_000 });
      const text = await lens.first().innerText();
      if (!/Step Through BPTT[\s\S]*Gradient Check/.test(text)) throw new Error(`CodeLens reads ${JSON.stringify(text)}`);
    }],
    ['ui: F1 "BPTT: Open Stepper" opens the panel beside the editor at forward t=1', async () => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await runPaletteCommand(page, 'BPTT: Open Stepper');
      await page.locator('.tab', { hasText: new RegExp(`^\\s*${ex.name}\\s*$`) }).first().waitFor({ timeout: 15_000 });
      await frame.locator('body').waitFor({ timeout: 20_000 });
      await expectShows(frame, 'forward t=1: h_1', h(1), h(2), 8000, 'fwd-h');
    }],
    ['ui: ArrowRight steps forward (t=2), ArrowLeft steps back (t=1)', async () => {
      await frame.locator('body').click({ position: { x: 3, y: 3 } });
      await page.keyboard.press('ArrowRight');
      await expectShows(frame, 'forward t=2: h_2', h(2), null, 8000, 'fwd-h');
      await page.keyboard.press('ArrowLeft');
      await expectShows(frame, 'back at forward t=1: h_1', h(1), h(2), 8000, 'fwd-h');
    }],
    ['ui: End jumps to backward t=1 (dL/dh_1), ArrowLeft steps back to backward t=2', async () => {
      await page.keyboard.press('End');
      await expectShows(frame, 'backward t=1: dh_1', dh(1), dh(2), 8000, 'bwd-dh');
      await page.keyboard.press('ArrowLeft');
      await expectShows(frame, 'backward t=2: dh_2', dh(2), null, 8000, 'bwd-dh');
    }],
    ['ui: screenshot of the panel, dark theme', async () => {
      await page.waitForTimeout(500);
      // Into the test output folder only: media/screenshot.png (the README's) is a tracked file a test run must not rewrite.
      await screenshotPanel(page, 'dark');
    }],
    ['ui: the gradient flow section arrives after the trace: the map, the cursor’s Jacobian row, the clip preview', async () => {
      await frame.locator('[data-testid="flow"][data-ready="true"]').waitFor({ timeout: 15_000 });
      await frame.locator('[data-testid="jacobian"][data-t="2"]').waitFor({ timeout: 10_000 });
      await frame.locator('.fm-cell.cursor[data-testid="flow-2-2"]').waitFor({ timeout: 5_000 });
      await frame.locator('[data-testid="clip-summary"][data-threshold]').waitFor({ timeout: 5_000 });
      await frame.locator('[data-testid="flow"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      mkdirSync(shots, { recursive: true });
      await page.locator('iframe.webview.ready').first().screenshot({ path: join(shots, 'panel-flow-dark.png') });
      await frame.locator('body').evaluate(() => window.scrollTo(0, 0));
    }],
    ['ui: after a window reload the panel is restored on the same spec and cursor (backward t=2)', async () => {
      await page.waitForTimeout(500); // the webview's setState is saved asynchronously
      // As a person would: the workbench saves its editors (and the panel's state) while shutting down.
      const reloaded = page.waitForEvent('load', { timeout: 30_000 });
      await runPaletteCommand(page, 'Developer: Reload Window');
      await reloaded;
      await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
      await page.locator('.tab', { hasText: new RegExp(`^\\s*${ex.name}\\s*$`) }).first().waitFor({ timeout: 20_000 });
      await page.locator('.tab', { hasText: new RegExp(`^\\s*${ex.name}\\s*$`) }).first().click();
      await frame.locator('body').waitFor({ timeout: 20_000 });
      await expectShows(frame, 'restored at backward t=2: dh_2', dh(2), null, 15_000, 'bwd-dh');
    }],
    ['ui: screenshot of the panel, light theme', async () => {
      await pickTheme(page, 'Light Modern');
      await page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1500);
      await screenshotPanel(page, 'light');
    }],
    ['ui: screenshot of the panel, high contrast', async () => {
      await pickTheme(page, 'Dark High Contrast');
      await page.locator('.monaco-workbench.hc-black').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1500);
      await screenshotPanel(page, 'hc');
    }],
    ['ui: Home goes back to forward t=1', async () => {
      await frame.locator('body').click({ position: { x: 3, y: 3 } });
      await page.keyboard.press('Home');
      await expectShows(frame, 'forward t=1: h_1', h(1), h(2), 8000, 'fwd-h');
    }],
    ['ui: a broken spec saved in the editor shows its error in the panel, the last trace stays; fixed, it goes', async () => {
      const lines = readFileSync(spec, 'utf8').split('\n');
      const line = lines.findIndex((l) => /^\s*cell: rnn/.test(l)) + 1;
      const column = lines[line - 1].indexOf('rnn') + 1;
      const retype = async (word) => {
        await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
        await page.locator('.monaco-editor .view-lines').first().click();
        await page.keyboard.press('Control+G');
        await page.keyboard.type(`${line}:${column}`);
        await page.keyboard.press('Enter');
        await page.keyboard.press('Shift+End');
        await page.keyboard.type(word);
        await page.keyboard.press('Control+S');
      };
      await retype('rnm');
      const banner = frame.locator('[data-testid="errors"]');
      await banner.waitFor({ timeout: 10_000 });
      const text = await banner.innerText();
      if (!text.includes(`${line}:${column}`)) throw new Error(`the error banner does not point at ${line}:${column}: ${text}`);
      await expectShows(frame, 'the last good trace under the errors', h(1), null, 3000, 'fwd-h');
      await page.waitForTimeout(300);
      await screenshotPanel(page, 'errors');
      await retype('rnn');
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
      await expectShows(frame, 'fixed: forward t=1 again', h(1), null, 5000, 'fwd-h');
    }],
    ['ui: the Gradient Check CodeLens writes PASS per parameter to the BPTT output channel', async () => {
      await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
      await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Gradient Check' }).first().click();
      const out = page.locator('.part.panel .view-lines');
      await out.filter({ hasText: 'PASS: all 5 parameters' }).first().waitFor({ timeout: 15_000 });
      const text = await out.first().innerText();
      for (const p of ['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']) if (!new RegExp(`${p}\\s.*PASS`).test(text)) throw new Error(`no PASS line for ${p}:\n${text}`);
    }],
    ...debuggerSteps({ page, frame, ex, spec, shots, expectShows, pickTheme, h, dh }),
    ['ui: F1 "BPTT: Train Model" on hello: the panel shows the training section with a loss value, then traces with the weights', async () => {
      await pickTheme(page, 'Dark Modern');
      await page.locator('.monaco-workbench.vs-dark:not(.hc-black)').waitFor({ timeout: 15_000 });
      await page.locator('.tab', { hasText: 'hello.rnn.yaml' }).first().click();
      await page.locator('.monaco-editor .view-lines').first().click();
      await runPaletteCommand(page, 'BPTT: Train Model');
      await frame.locator('[data-testid="training"][data-status="done"]').waitFor({ timeout: 30_000 });
      const loss = await frame.locator('[data-testid="training-loss"]').innerText();
      if (!/^[0-9.e−+-]+$/.test(loss.trim())) throw new Error(`the training section shows no loss: ${JSON.stringify(loss)}`);
      const points = Number(await frame.locator('[data-testid="loss-line"]').getAttribute('data-points'));
      if (!(points >= 100)) throw new Error(`the loss curve has ${points} points`);
      await frame.locator('[data-testid="weights"]', { hasText: 'weights: hello.weights.json (epoch 200)' }).waitFor({ timeout: 10_000 });
      await frame.locator('body').evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(800);
      mkdirSync(shots, { recursive: true });
      await page.locator('iframe.webview.ready').first().screenshot({ path: join(shots, 'panel-training-dark.png') });
    }],
    ...uxSteps({ page, frame, spec, ex, shots, pickTheme, runPaletteCommand, formatNumber }),
    ...breakpointAndLargeSteps({ page, spec, shots, pickTheme, runPaletteCommand }),
  ];
  try {
    for (const [name, fn] of steps) {
      if (!(await check(name, fn))) {
        const shot = join(root, '.vscode-test', 'ui-failure.png');
        await page.screenshot({ path: shot }).catch(() => undefined);
        console.log(`     (the UI suite stops here; a screenshot of the failure: ${shot})`);
        break;
      }
    }
  } finally {
    await page.close().catch(() => undefined);
    server.stop();
    console.log(`ui suite: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

