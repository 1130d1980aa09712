/**
 * A model far beyond classroom size: big parameter gradients arrive pooled and are drawn on a
 * canvas (thousands of elements would make stepping slow); hovering a cell still names its value.
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

/** Renders a snapshot synchronously in the page and returns how long it took, layout included. */
async function renderMs(t: number): Promise<number> {
  const msg = JSON.parse(JSON.stringify({ type: 'snapshot', snapshot: snapshotAt(panel.problem, panel.trace, { phase: 'backward', t }) }));
  return (await panel.page.evaluate(
    `(() => { const m = ${JSON.stringify(msg)}; const t0 = performance.now(); window.dispatchEvent(new MessageEvent('message', { data: m })); document.body.offsetHeight; return performance.now() - t0; })()`,
  )) as number;
}

test('stepping stays quick with 100 hidden units (pooled heatmaps on canvas)', async () => {
  const times: number[] = [];
  for (const t of [2, 3, 4, 5, 6]) times.push(await renderMs(t));
  times.sort((a, b) => a - b);
  console.info(`render of one backward step, H=100 LSTM: median ${times[2].toFixed(0)} ms`);
  expect(times[2]).toBeLessThan(1000); // a guard against the ~1 s per step of thousands of DOM cells, not a speed figure
  await panel.page.screenshot({ path: join(web.shots, 'large-dark.png') });
});

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
