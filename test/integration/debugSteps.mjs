// The UI suite's debugger steps: F5 on hello.rnn.yaml in code-server, as a person would, the
// Call Stack, Variables and Watch views read and compared with the engine; breakpoints set in the
// editor (F9 on a data line) and in the Breakpoints view (an expression); screenshots of the Run and
// Debug view beside the panel in three themes, on hello and on an LSTM with H = 256, T = 2000.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Call Stack's frame row, e.g. "forward t=1". */
const frameRow = (page, name) => page.locator('.monaco-list-row', { hasText: new RegExp(`${name.replace(/[=]/g, '\\$&')}(?!\\d)`) }).first();

/** A debug toolbar button by its label's start ("Step Back", "Reverse", "Continue"). */
const toolbar = (page, label) => page.locator(`.debug-toolbar .action-item a[aria-label^="${label}"], .debug-toolbar .action-label[aria-label^="${label}"]`).first();

/** A row of the Variables view whose name is `name` ("h: [...]" or "h = [...]"). */
const variableRow = (page, name) => page.locator('.debug-view-content .monaco-list-row, .pane-body .monaco-list-row', { hasText: new RegExp(`^\\s*${name.replace(/[[\]]/g, '\\$&')}\\s*[=:]`) }).first();

/**
 * Opens (or folds) a row of a debug tree by its twistie, as a person would, and waits until it is.
 * The views re-render as a stop's values arrive, which can swallow a click: it clicks again.
 */
async function setExpanded(page, row, open) {
  const until = Date.now() + 15_000;
  for (;;) {
    await row.waitFor({ timeout: 10_000 });
    if ((await row.getAttribute('aria-expanded')) === String(open)) return;
    if (Date.now() > until) throw new Error(`the row ${JSON.stringify(await row.innerText())} did not ${open ? 'expand' : 'fold'}`);
    await row.locator('.monaco-tl-twistie').click().catch(() => undefined);
    await page.waitForTimeout(400);
  }
}

const expand = (page, row) => setExpanded(page, row, true);

/**
 * Records in the workbench page, from now on, every focus change and every time the Quick Open
 * widget is shown or hidden (with the element focused then), so a Quick Open that closes by itself
 * says what took focus or whether it was hidden with focus unmoved (a command).
 */
const watchFocus = (page) =>
  page.evaluate(() => {
    if (window.__bpttFocus) return;
    const log = (window.__bpttFocus = []);
    const d = (e) => (e ? `${e.tagName}.${String(e.className).split(' ')[0]}${e.closest?.('.quick-input-widget') ? ' (Quick Open)' : e.closest?.('.webview') || e.tagName === 'IFRAME' ? ' (a webview)' : ''}` : 'nothing');
    const add = (what) => log.push(`${performance.now().toFixed(0)} ms ${what}; focused: ${d(document.activeElement)}`) > 60 && log.shift();
    document.addEventListener('focusin', (e) => add(`focus in ${d(e.target)}`), true);
    document.addEventListener('focusout', (e) => add(`focus out of ${d(e.target)} to ${d(e.relatedTarget)}`), true);
    window.addEventListener('blur', () => add('the window lost focus'));
    let widget = null;
    setInterval(() => {
      const w = document.querySelector('.quick-input-widget');
      if (!w || w === widget) return;
      widget = w;
      new MutationObserver(() => add(`Quick Open ${w.style.display === 'none' ? 'hidden' : 'shown'}`)).observe(w, { attributes: true, attributeFilter: ['style'] });
    }, 100);
  });

/** Opens a file of the workspace in the active editor group (Quick Open). */
async function quickOpen(page, name) {
  const input = page.locator('.quick-input-widget input');
  // Quick Open closes when focus leaves it. In the F9 test it has been seen to close right after
  // opening (CI, 30 Nov, ci-e: the widget shown, then hidden before the fill, for 30 s). Not
  // reproduced here in 7 runs (11:40-12:15, two with the workbench's CPU throttled 8x, one with
  // code-server paused (SIGSTOP) across the tab click and Ctrl+P). Ruled out by
  // reading: on a retrace the extension reveals nothing, opens no editor, and the webview focuses
  // nothing (only the layer switch's own keys call focus()); the UI test of a retrace under an open
  // Quick Open passes. The likely cause is the test's own click on a tab just before (see the F9
  // test), now a key. Until CI confirms it, Quick Open is opened again (at most three times) and a
  // closing prints the workbench's focus log (watchFocus), which names what took focus.
  await watchFocus(page);
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(name, { timeout: 5_000 });
      break;
    } catch (e) {
      const focus = await page.evaluate(() => window.__bpttFocus.join('\n')).catch(() => '(no focus log)');
      console.log(`     Quick Open for ${name} closed before the name was typed (attempt ${attempt}); the workbench's focus log:\n${focus.replace(/^/gm, '       ')}`);
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^\\s*${name.replace(/\./g, '\\.')}\\s*$`) }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).first().waitFor({ timeout: 10_000 });
}

/** A command from the palette, listed as "Title" or "Debug: Title" (debug commands differ in that). */
async function paletteCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^\\s*(Debug: )?${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

/** Puts the editor's cursor on a line (Go to Line), as a person would before F9. */
async function goToLine(page, line) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
}

/** The screenshot of the whole workbench (the Run and Debug view, the editor, the panel) in three themes. */
async function shootThemes(page, pickTheme, shots, name, order) {
  mkdirSync(shots, { recursive: true });
  // No stale toasts over the views.
  await paletteCommand(page, 'Notifications: Clear All Notifications').catch(() => page.keyboard.press('Escape'));
  const themes = { dark: ['Dark Modern', '.monaco-workbench.vs-dark:not(.hc-black)'], light: ['Light Modern', '.monaco-workbench.vs:not(.vs-dark)'], hc: ['Dark High Contrast', '.monaco-workbench.hc-black'] };
  for (const theme of order) {
    const [label, selector] = themes[theme];
    if (!(await page.locator(selector).count())) {
      await pickTheme(page, label);
      await page.locator(selector).waitFor({ timeout: 15_000 });
    }
    await page.mouse.move(1, 1); // no hover over a value
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(shots, `workbench-debugger-${name}-${theme}.png`) });
  }
}

export function debuggerSteps({ page, frame, ex, spec, shots, expectShows, pickTheme, h, dh }) {
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
    ['ui: the Gradients scope at backward t=1 lists dh with dL/dh_1 at full precision', async () => {
      await expand(page, page.locator('.monaco-list-row', { hasText: /^\s*Gradients\s*$/ }).first());
      await expand(page, variableRow(page, 'dh'));
      for (const v of ex.backward[0].dh) await variableValue(v).waitFor({ timeout: 10_000 });
    }],
    ['ui: screenshots of the Run and Debug view beside the panel on hello: high contrast, light, dark', async () => {
      await shootThemes(page, pickTheme, shots, 'hello', ['hc', 'light', 'dark']);
    }],
    ['ui: Shift+F5 stops debugging', async () => {
      await focusEditor();
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 10_000 });
    }],
  ];
}

/**
 * Breakpoints through the UI on pos-tagging.rnn.yaml (one line of data per step): F9 on step 3's
 * line, then Continue stops at forward t=3 and at backward t=3; an expression added in the
 * Breakpoints view stops at backward t=2. Then the large model's screenshots.
 */
export function breakpointAndLargeSteps({ page, spec, shots, pickTheme, runPaletteCommand }) {
  const ws = dirname(spec);
  const pos = 'pos-tagging.rnn.yaml';
  // Written before the workbench opens the folder, so Quick Open lists it at once.
  let seed = 7; // Park–Miller: exact in doubles, so every letter comes up
  const corpus = Array.from({ length: 2001 }, () => 'abcdefghijklmnop'[Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * 16)]).join('');
  writeFileSync(join(ws, 'debug-large.txt'), corpus);
  writeFileSync(join(ws, 'debug-large.rnn.yaml'), 'name: debug-large\nmodel:\n  cell: lstm\n  hidden: 256\ndata:\n  file: debug-large.txt\n  seq: 2000\ninit:\n  seed: 3\n');
  // The toolbar's Continue (F5 pressed the instant a stop arrives may still mean "start debugging").
  const continueTo = async (name) => {
    await toolbar(page, 'Continue').click();
    await frameRow(page, name).waitFor({ timeout: 15_000 });
  };
  return [
    ['ui: F9 on a data line of pos-tagging.rnn.yaml (step 3’s input), F5: Continue stops at forward t=3, then at backward t=3', async () => {
      const lines = readFileSync(join(ws, pos), 'utf8').split('\n');
      const line = lines.findIndex((l) => /#\s*man\b/.test(l)) + 1;
      if (line < 1) throw new Error(`no line of data for "man" in ${pos}`);
      await watchFocus(page);
      // The first editor group focused by its key, not by a click on hello's tab: after a tab click
      // the workbench focuses the editor once more, 10-15 ms later (logged by watchFocus; the
      // renderer's own: it came as soon with code-server paused), which Ctrl+P can overtake on a
      // loaded machine, Quick Open then losing focus to it.
      await page.keyboard.press('Control+1');
      for (const until = Date.now() + 10_000; !(await page.evaluate(() => !!document.activeElement?.closest('.editor-group-container.active .monaco-editor'))); ) {
        if (Date.now() > until) throw new Error('Ctrl+1 did not focus the first editor group');
        await page.waitForTimeout(50);
      }
      await quickOpen(page, pos);
      await goToLine(page, line);
      await page.keyboard.press('F9');
      await page.locator('.monaco-editor .codicon-debug-breakpoint, .monaco-editor .codicon-debug-breakpoint-unverified').first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('F5');
      await frameRow(page, 'forward t=1').waitFor({ timeout: 30_000 }); // stopOnEntry
      await continueTo('forward t=3');
      // Verified by the adapter once the session runs: the gutter shows the verified glyph.
      await page.locator('.monaco-editor .codicon-debug-breakpoint:not(.codicon-debug-breakpoint-unverified)').first().waitFor({ timeout: 10_000 });
      await continueTo('backward t=3');
    }],
    ['ui: an expression breakpoint added in the Breakpoints view (phase == "backward" && t == 2) stops Continue at backward t=2', async () => {
      await paletteCommand(page, 'Add Function Breakpoint');
      const input = page.locator('.pane-body .monaco-inputbox input').first();
      await input.waitFor({ timeout: 10_000 });
      await page.keyboard.type('phase == "backward" && t == 2');
      await page.keyboard.press('Enter');
      await page.locator('.monaco-list-row', { hasText: 'phase == "backward" && t == 2' }).first().waitFor({ timeout: 10_000 });
      await page.locator('.monaco-editor .view-lines').first().click();
      await continueTo('backward t=2');
    }],
    ['ui: Shift+F5 and Remove All Breakpoints', async () => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 10_000 });
      await paletteCommand(page, 'Remove All Breakpoints');
      await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ state: 'detached', timeout: 10_000 });
    }],
    ['ui: an LSTM with H = 256, T = 2000: the stepper and F5, Variables pages h by the hundred; screenshots in three themes', async () => {
      await quickOpen(page, 'debug-large.rnn.yaml');
      await page.locator('.monaco-editor .view-lines').first().click();
      await runPaletteCommand(page, 'BPTT: Open Stepper');
      await page.locator('.tab', { hasText: /^\s*debug-large\s*$/ }).first().waitFor({ timeout: 60_000 });
      await page.locator('.tab', { hasText: 'debug-large.rnn.yaml' }).first().click();
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('F5');
      await frameRow(page, 'forward t=1').waitFor({ timeout: 120_000 });
      await continueTo('backward t=1');
      // Step's 13 rows fill the view: folded, so Gradients' dh and its first hundred show.
      await setExpanded(page, page.locator('.monaco-list-row', { hasText: /^\s*Step\s*$/ }).first(), false);
      await expand(page, page.locator('.monaco-list-row', { hasText: /^\s*Gradients\s*$/ }).first());
      await expand(page, variableRow(page, 'dh'));
      await expand(page, page.locator('.monaco-list-row', { hasText: /^\s*\[0\.\.99\]\s*$/ }).first());
      await variableRow(page, '[0]').waitFor({ timeout: 10_000 });
      await shootThemes(page, pickTheme, shots, 'large', ['dark', 'light', 'hc']);
      await page.keyboard.press('Shift+F5');
    }],
  ];
}
