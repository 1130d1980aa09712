/**
 * Screenshots of every view of the panel, one file each, in light, dark and high contrast, on the
 * hello model and on an LSTM with H = 256, T = 2000: the figures to open and look at
 * (test/webview/screenshots/gallery/). Each view's element is shot on its own.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, Panel, root } from './harness';
import { loadExample } from './problems';

const shots = join(root, 'test', 'webview', 'screenshots', 'gallery');
mkdirSync(shots, { recursive: true });

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function shoot(panel: Panel, testid: string, file: string): Promise<void> {
  // The sticky header would cover the top of an element shot; static for the shot.
  await panel.page.evaluate("document.querySelector('header.top').style.position = 'static'");
  const loc = panel.page.getByTestId(testid).first();
  await loc.scrollIntoViewIfNeeded();
  await loc.screenshot({ path: join(shots, file) });
}

describe('gallery', () => {
  test.each(['light', 'dark', 'high-contrast'] as const)('lstm %s', async (theme) => {
    const panel = await Panel.open(browser, await loadExample('long-dependency-lstm'), { theme });
    try {
      await panel.at('forward', 1);
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]');
      await panel.page.waitForSelector('[data-testid="jacobian"]');
      await shoot(panel, 'flow', `lstm-flow-${theme}.png`);
      await shoot(panel, 'jacobian', `lstm-jacobian-${theme}.png`);
      await panel.page.screenshot({ path: join(shots, `lstm-page-${theme}.png`), fullPage: true });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});
