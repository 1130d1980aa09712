/**
 * The panel in VS Code's light, dark and high-contrast themes and in a narrow column: screenshots
 * to look at (test/webview/screenshots/), legible text in each theme, no sideways page scroll.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Panel, useBrowser } from './harness';
import { contrast } from './contrast';
import { COLOURS, OVERFLOW } from './inPage';
import { loadExample } from './problems';
import type { ThemeName } from './themes';


const web = useBrowser();

interface Picked {
  sel: string;
  fg: string | null;
  bg: string | null;
}

/** Opens an example and moves to a backward step, where the panel shows the most. */
async function backwardAt(name: string, o: { theme: ThemeName; width?: number; height?: number }, back = 1): Promise<Panel> {
  const panel = await web.open(await loadExample(name), o);
  await panel.at('forward', 1);
  await panel.page.keyboard.press('End');
  await panel.at('backward', 1);
  for (let i = 0; i < back; i++) await panel.page.keyboard.press('ArrowLeft');
  await panel.at('backward', 1 + back);
  return panel;
}

async function legible(panel: Panel): Promise<string[]> {
  const picked = (await panel.page.evaluate(COLOURS)) as Picked[];
  const bad: string[] = [];
  for (const p of picked) {
    if (p.fg === null || p.bg === null) continue;
    const ratio = contrast(p.fg, p.bg);
    if (ratio < 4.5) bad.push(`${p.sel}: ${p.fg} on ${p.bg} = ${ratio.toFixed(2)}:1`);
  }
  return bad;
}

describe('themes', () => {
  test.each(['light', 'dark', 'high-contrast'] as const)('%s: renders, text contrasts with its background (WCAG AA)', async (theme) => {
    const panel = await backwardAt('hello', { theme });
    try {
      await panel.post({ type: 'errors', file: 'x', errors: [] });
      const bodyClass = await panel.page.evaluate('document.body.className');
      expect(bodyClass).toContain(`vscode-${theme}`);
      expect(await legible(panel)).toEqual([]);
      await panel.page.screenshot({ path: join(web.shots, `${theme}.png`), fullPage: true });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  test('the LSTM forward step in light (gates and the cell state)', async () => {
    const panel = await web.open(await loadExample('lstm'), { theme: 'light' });
    try {
      await panel.at('forward', 1);
      await panel.page.keyboard.press('ArrowRight');
      await panel.at('forward', 2);
      expect(await legible(panel)).toEqual([]);
      await panel.page.screenshot({ path: join(web.shots, 'lstm-forward-light.png'), fullPage: true });
    } finally {
      await panel.close();
    }
  });

  test('errors in a dark panel: the banner is legible over the last good trace', async () => {
    const panel = await backwardAt('hello', { theme: 'dark' });
    try {
      await panel.post({ type: 'errors', file: 'x', errors: [{ line: 3, column: 11, message: 'model.hidden must be a positive integer' }] });
      await panel.page.getByTestId('errors').waitFor();
      expect(await legible(panel)).toEqual([]);
      await panel.page.screenshot({ path: join(web.shots, 'errors-dark.png') });
    } finally {
      await panel.close();
    }
  });
});

describe('a narrow column (360px)', () => {
  test('stacks vertically; wide things scroll inside themselves, the page never sideways', async () => {
    const panel = await backwardAt('lstm', { theme: 'dark', width: 360, height: 800 });
    try {
      expect(await panel.page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0);
      expect(await legible(panel)).toEqual([]);
      await panel.page.screenshot({ path: join(web.shots, 'narrow.png'), fullPage: true });
      await panel.page.screenshot({ path: join(web.shots, 'narrow-top.png') });
      await panel.page.getByTestId('grads').scrollIntoViewIfNeeded();
      await panel.page.screenshot({ path: join(web.shots, 'narrow-grads.png') });
    } finally {
      await panel.close();
    }
  });
});
