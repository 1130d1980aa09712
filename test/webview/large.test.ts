/**
 * A model far beyond classroom size: big parameter gradients arrive pooled and are drawn on a
 * canvas (thousands of elements would make stepping slow); hovering a cell still names its value.
 * One backward step's render is measured at H = 100 and H = 256 and printed (a figure for the
 * README, not an assertion). Both redraw the same number of elements (pooled, strips, elided), so
 * H does not change the work. H = 100 printed slower (271-279 ms against 134-251) partly because
 * its page was measured while the in-test host still computed its flow map (T = 30, on the test's
 * own thread, sharing the machine's two cores): both pages now wait for their flow data first.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatNumber } from '../../src/format';
import { snapshotAt } from '../../src/session/snapshot';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, useBrowser } from './harness';

const web = useBrowser();
let panel: Panel;
beforeAll(async () => {
  panel = await web.open(randomProblem({ cell: 'lstm', H: 100, D: 60, K: 60, T: 30, seed: 5 }), { theme: 'dark' });
  await panel.at('forward', 1);
  await panel.page.keyboard.press('End');
  await panel.at('backward', 1);
});
afterAll(async () => {
  await panel?.close();
});

/** Renders a backward snapshot synchronously in the page and returns how long it took, layout included. */
async function renderMs(t: number, p: Panel = panel): Promise<number> {
  const msg = JSON.parse(JSON.stringify({ type: 'snapshot', snapshot: snapshotAt(p.problem, p.trace, { phase: 'backward', t }) }));
  return (await p.page.evaluate(
    `(() => { const m = ${JSON.stringify(msg)}; const t0 = performance.now(); window.dispatchEvent(new MessageEvent('message', { data: m })); document.body.offsetHeight; return performance.now() - t0; })()`,
  )) as number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('100 and 256 hidden units: pooled heatmaps on canvas, not thousands of cells; one backward step\'s render printed', async () => {
  const big = await web.open(randomProblem({ cell: 'lstm', H: 256, D: 64, K: 64, T: 12, seed: 5, scale: 0.08 }), { theme: 'dark' });
  try {
    const at = (phase: string, t: number) => big.page.waitForSelector(`[data-testid="app"][data-phase="${phase}"][data-t="${t}"]`, { timeout: 60_000 });
    await at('forward', 1);
    await big.page.keyboard.press('End');
    await at('backward', 1);
    // The in-test host computes the flow map and the Jacobian row on the test's own thread (the real
    // one in its worker): measured once both have arrived, so neither page is measured while they are made.
    for (const p of [panel, big]) await p.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 60_000 });
    // What keeps a step quick: a large model's gradients drawn on canvases, no DOM cell per entry.
    for (const p of [panel, big]) {
      await renderMs(2, p);
      const dom = (await p.page.evaluate(`[document.querySelectorAll('[data-testid="backward"] .hm-cell').length, document.querySelectorAll('[data-testid="backward"] canvas.heatmap-canvas').length]`)) as [number, number];
      // (a W_h· of H = 256 alone has 65,536 entries; what is written out as numbers is small vectors)
      expect(dom[0], `${p.problem.config.H}: number cells`).toBeLessThan(600);
      expect(dom[1], `${p.problem.config.H}: canvases`).toBeGreaterThanOrEqual(2 * 4);
    }
    // The same steps on both, interleaved so the machine's load falls on both alike; medians of 9.
    const h100: number[] = [], h256: number[] = [];
    for (let t = 2; t <= 10; t++) {
      h100.push(await renderMs(t));
      h256.push(await renderMs(t, big));
    }
    // What a step redraws is the same size at both: heatmaps pooled to GRID_BUDGET cells, vectors past 16 as strips, equations elided to 5 rows.
    const drawn = (p: Panel): Promise<number> => p.page.evaluate(`document.querySelectorAll('[data-testid="views"] *').length`) as Promise<number>;
    console.info(`render of one backward step (snapshot message to laid-out page), LSTM H=100: median ${median(h100).toFixed(0)} ms; H=256: median ${median(h256).toFixed(0)} ms (9 steps each, interleaved; ${await drawn(panel)} and ${await drawn(big)} elements redrawn a step)`);
  } finally {
    await big.close();
  }
  await panel.page.screenshot({ path: join(web.shots, 'large-dark.png') });
}, 180_000);

test('hovering a canvas cell shows its value (the pooled block it stands for)', async () => {
  const c = { phase: 'backward' as const, t: 7 };
  await panel.page.getByTestId('timeline-7').click(); // jumps to t = 7 in the current phase
  await panel.at(c.phase, c.t);
  const snap = snapshotAt(panel.problem, panel.trace, c);
  const W = snap.grads?.find((g) => g.name === 'W_hf')?.accumulated;
  // Pooled to fit the snapshot's budget: blocks of b×b entries, the block's largest shown.
  const b = W!.block![0];
  expect(W?.block).toEqual([b, b]);
  expect(b).toBeGreaterThan(1);
  const canvas = panel.page.getByTestId('grad-W_hf-accumulated').locator('canvas');
  expect(await canvas.evaluate((e) => e.tagName)).toBe('CANVAS');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const [rows, cols] = W!.grid;
  const cell = box!.width / cols;
  for (const [i, j] of [[0, 0], [5, 7], [rows - 1, cols - 1]]) {
    await panel.page.mouse.move(box!.x + (j + 0.5) * cell, box!.y + (i + 0.5) * cell);
    const title = await canvas.getAttribute('title');
    expect(title).toContain(`= ${formatNumber(W!.data[i * cols + j])}`);
    expect(title).toContain(`[${i * b + 1}`); // 1-based, as t is
  }
});
