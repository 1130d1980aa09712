/**
 * A cell without an [H, H] recurrent matrix (examples/indrnn: u is a vector) has no λ and no bound
 * (γλ)^(t−k). The panel says so, as `bptt flow` does, instead of λ = ‖[]‖₂ = 0 and a bound of zeros;
 * the measured norms are still drawn. Screenshots in light, dark and high contrast
 * (test/webview/screenshots/flow-indrnn-*.png).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { jacobianRow } from '../../src/engine';
import { NO_BOUND } from '../../src/session/flowView';
import { formatNumber } from '../../src/format';
import { useBrowser } from './harness';
import { contrast } from './contrast';
import { COLOURS } from './inPage';
import { loadExample } from './problems';

const web = useBrowser();

describe('the flow view of a cell without a recurrent matrix (IndRNN)', () => {
  test.each(['light', 'dark', 'high-contrast'] as const)('%s: says there is no bound, shows no λ, γλ or bound line, and draws the measured norms', async (theme) => {
    const problem = await loadExample('indrnn');
    const panel = await web.open(problem, { theme, width: 1100, height: 900 });
    try {
      await panel.at('forward', 1);
      await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 10_000 });
      const T = panel.trace.T;
      await panel.page.waitForSelector(`[data-testid="jacobian"][data-t="${T}"]`, { timeout: 10_000 });
      expect(await panel.page.getByTestId('no-bound').textContent()).toBe(NO_BOUND);
      for (const id of ['lambda', 'gamma-lambda', 'gamma']) expect(await panel.page.getByTestId(id).count(), id).toBe(0);
      expect(await panel.page.locator('.jc-line.bound, .jc-dot.bound, .jc-key.bound').count()).toBe(0);
      // The measured ‖dh_T/dh_k‖ are there, equal to the engine's.
      const row = jacobianRow(problem, T);
      for (const k of [T, T - 1, 1]) {
        const v = row.norms[k - 1];
        const shown = await panel.page.getByTestId(`jac-norm-${k}`).getAttribute('data-value');
        expect(shown, `k = ${k}`).toBe(formatNumber(v));
      }
      const picked = (await panel.page.evaluate(COLOURS)) as { sel: string; fg: string | null; bg: string | null }[];
      expect(picked.filter((p) => p.fg && p.bg && contrast(p.fg, p.bg) < 4.5).map((p) => p.sel)).toEqual([]);
      await panel.page.getByTestId('flow').scrollIntoViewIfNeeded();
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, `flow-indrnn-${theme}.png`) });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});
