/**
 * Every view at scale, as a student would open it: an LSTM with H = 256 on T = 2000 steps, in
 * light, dark and high contrast, forward and at the end of the backward pass (where users land).
 * Nothing is an 18,000 px strip, and the numbers shown are the engine's. Screenshots in test/webview/screenshots/scale-*.png.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatNumber } from '../../src/format';
import { randomProblem } from '../unit/helpers/randomProblem';
import { useBrowser } from './harness';
import { OVERFLOW } from './inPage';

const problem = { ...randomProblem({ cell: 'lstm', H: 256, D: 64, K: 64, T: 2000, seed: 5, scale: 0.08 }), name: 'lstm-h256-t2000' };

const web = useBrowser();

describe('H = 256, T = 2000', () => {
  test.each(['light', 'dark', 'high-contrast'] as const)('%s: forward and backward views stay compact and right', async (theme) => {
    const panel = await web.open(problem, { theme, width: 1280, height: 1000 });
    try {
      const at = (phase: string, t: number) => panel.page.waitForSelector(`[data-testid="app"][data-phase="${phase}"][data-t="${t}"]`, { timeout: 120_000 });
      await at('forward', 1);
      await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 120_000 });
      // h_1 as a strip: one canvas, its range written, no 256 cells.
      const h = panel.page.getByTestId('fwd-h');
      expect(await h.getAttribute('data-length')).toBe('256');
      expect(await h.locator('canvas').count()).toBe(1);
      const f1 = panel.trace.forward(1).h;
      expect(await h.textContent()).toContain(`${formatNumber(Math.min(...f1))} … ${formatNumber(Math.max(...f1))}`);
      const box = await h.boundingBox();
      expect(box!.width).toBeLessThan(1280);
      expect(await panel.page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0); // the page never scrolls sideways
      await panel.page.screenshot({ path: join(web.shots, `scale-forward-${theme}.png`), fullPage: false });
      await panel.page.keyboard.press('End');
      await at('backward', 1);
      expect(await panel.page.locator('.grad-card canvas.heatmap-canvas').count()).toBeGreaterThan(0);
      expect(await panel.page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0);
      // ||dL/dh_1|| is known at the end of the backward pass.
      expect(await panel.page.getByTestId('dhnorm-1').getAttribute('data-value')).toBe(formatNumber(Math.hypot(...panel.trace.backward(1).dh)));
      await panel.page.getByTestId('backward').screenshot({ path: join(web.shots, `scale-backward-${theme}.png`) });
      await panel.page.getByTestId('grad-W_hi').screenshot({ path: join(web.shots, `scale-card-${theme}.png`) });
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, `scale-flow-${theme}.png`) });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  }, 240_000);
});
