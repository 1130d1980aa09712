/**
 * The Jacobian chart of gated cells in a real browser: the gate path it plots is the product of the
 * trace's own gate values (forget gates for the LSTM, 1 − z or z for the two GRU forms), the measured
 * norm and the gate path set the y range (both fully on the chart), and the rnn bound, which runs to
 * 1e12 on an LSTM, is clipped with a note instead of flattening them.
 */
import { describe, expect, test } from 'vitest';
import { formatNumber } from '../../src/format';
import { Panel, useBrowser } from './harness';
import { loadExample } from './problems';

const web = useBrowser();

/** max over units of Π_{j=k+1..t} g_j[u], g read from the trace's forward records (the notes' cell-state path). */
function gateProduct(panel: Panel, gate: string, complement: boolean, t: number, k: number): number {
  const H = panel.problem.config.H;
  const prod = new Array<number>(H).fill(1);
  for (let j = k + 1; j <= t; j++) {
    const g = panel.trace.forward(j).gates[gate];
    for (let u = 0; u < H; u++) prod[u] *= complement ? 1 - g[u] : g[u];
  }
  return Math.max(...prod);
}

/** At End (backward t = 1) the chart shows the whole sequence's row, t = T. */
async function atEnd(name: string): Promise<Panel> {
  const panel = await web.open(await loadExample(name), { theme: 'dark' });
  await panel.at('forward', 1);
  await panel.page.keyboard.press('End');
  await panel.at('backward', 1);
  await panel.page.waitForSelector(`[data-testid="jacobian"][data-t="${panel.trace.T}"]`, { timeout: 10_000 });
  return panel;
}

/** The class list of each point of a series, by k. */
const dotClasses = (panel: Panel, key: string): Promise<Record<string, string>> =>
  panel.page.evaluate(`Object.fromEntries(Array.from(document.querySelectorAll('.jc-dot.${key}')).map((e) => [e.dataset.testid, e.className]))`) as Promise<Record<string, string>>;

describe('gate path', () => {
  // lstm: c_t = f ⊙ c_{t-1} + i ⊙ g, so ∂c_t/∂c_{t-1} along the cell path is diag(f_t);
  // gru classic: h = (1 − z) ⊙ h_prev + z ⊙ n, diag(1 − z); gru pytorch: h = (1 − z) ⊙ n + z ⊙ h_prev, diag(z).
  test.each([
    ['long-dependency-lstm', 'f', false],
    ['lstm', 'f', false],
    ['gru', 'z', true],
    ['gru-pytorch', 'z', false],
  ] as const)('%s: the plotted product at each k is the product of the trace’s %s gates', async (name, gate, complement) => {
    const panel = await atEnd(name);
    try {
      const T = panel.trace.T;
      const shown = await panel.collect();
      const bad: string[] = [];
      for (let k = 1; k <= T; k++) {
        const want = formatNumber(gateProduct(panel, gate, complement, T, k));
        const got = shown.ids[`jac-gate-${k}`];
        if (got?.value !== want || !got.title?.includes(`= ${want}`)) bad.push(`k = ${k}: shown ${got?.value}, product of ${gate} ${want}`);
      }
      expect(bad).toEqual([]);
      // The sentence above the chart gives the product back to k = 1 (3 significant digits).
      const far = gateProduct(panel, gate, complement, T, 1);
      expect(shown.ids['jacobian-gate-summary']?.text).toContain(`back to k = 1: ${Number(far.toPrecision(3))} (largest unit)`);
      // Measured norm and gate path are on the chart; nothing of theirs is hidden.
      for (const key of ['gate', 'norm']) expect(Object.values(await dotClasses(panel, key)).filter((c) => c.includes('off'))).toEqual([]);
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  test('long-dependency-lstm: the rnn bound (1.5e12 at k = 1) is clipped to the range the gate path sets, and said so', async () => {
    const panel = await atEnd('long-dependency-lstm');
    try {
      const shown = await panel.collect();
      const bound1 = Number(shown.ids['jac-bound-1'].title?.split('= ').at(-1));
      expect(bound1).toBeGreaterThan(1e6);
      expect((await dotClasses(panel, 'bound'))['jac-bound-1']).toContain('off');
      expect(shown.ids['jacobian-clipped']?.text).toContain(`reaching ${formatNumber(bound1)} at k = 1`);
      // The y axis spans the measured values (around 0.05 … 1), not the bound's 12 decades.
      const ticks = (await panel.page.evaluate(`Array.from(document.querySelectorAll('.jc-yaxis span')).map((e) => e.textContent)`)) as string[];
      expect(ticks.map(Number).every((v) => v >= 0.01 && v <= 10)).toBe(true);
      expect(shown.ids['jacobian-gate-summary']?.text).toContain('stays open');
    } finally {
      await panel.close();
    }
  });
});
