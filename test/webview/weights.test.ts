/**
 * The Weights section in a real browser: each parameter's current value as the spec gives it
 * (hello's explicit init.weights, entry by entry), ρ beside the recurrent matrix once the flow data
 * arrives, pooled canvases for a large model, and the section folding away and staying folded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { formatNumber } from '../../src/format';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, root, useBrowser } from './harness';
import { loadExample } from './problems';

const web = useBrowser();

const cellsOf = (panel: Panel, id: string): Promise<{ value: string; row: number; col: number }[]> =>
  panel.page.evaluate(
    `Array.from(document.querySelectorAll('[data-testid="${id}"] .hm-cell')).map((e) => ({ value: e.dataset.value, row: Number(e.dataset.row), col: Number(e.dataset.col) }))`,
  ) as Promise<{ value: string; row: number; col: number }[]>;

test('a spec’s explicit weights are shown as written, ρ beside the recurrent matrix', async () => {
  const name = 'linear-rnn-rho-1.5';
  const spec = parse(readFileSync(join(root, 'examples', `${name}.rnn.yaml`), 'utf8')) as { init: { weights: Record<string, number[][]> } };
  const W = spec.init.weights.W_hh;
  expect(W?.length).toBeGreaterThan(1); // the example writes W_hh out (a scaled rotation, ρ = 1.5)
  const panel = await web.open(await loadExample(name), { theme: 'light' });
  try {
    await panel.at('forward', 1);
    await panel.page.getByTestId('weight-W_hh').waitFor();
    const cells = await cellsOf(panel, 'weight-W_hh-value');
    expect(cells.length).toBe(W.length * W[0].length);
    for (const c of cells) expect(c.value).toBe(formatNumber(W[c.row][c.col]));
    await panel.page.waitForSelector('[data-testid="weight-W_hh-rho"]', { timeout: 10_000 });
    expect(await panel.page.getByTestId('weight-W_hh-rho').getAttribute('data-value')).toBe(formatNumber(1.5));
    // Hovering W_hh in an equation lights up its card.
    await panel.page.locator('[data-testid="equations"] [data-term="W_hh"]').first().hover();
    expect(await panel.page.getByTestId('weight-W_hh').getAttribute('class')).toContain('linked');
    expect(panel.errors).toEqual([]);
  } finally {
    await panel.close();
  }
});

test('folding the section hides its cards; the fold survives a new trace and a reload', async () => {
  const panel = await web.open(await loadExample('hello'), { theme: 'dark' });
  try {
    await panel.at('forward', 1);
    const cards = panel.page.getByTestId('weight-cards');
    await cards.waitFor();
    expect(await panel.page.getByTestId('fold-weights').getAttribute('aria-expanded')).toBe('true');
    await panel.page.getByTestId('fold-weights').click();
    expect(await cards.isVisible()).toBe(false);
    expect(await panel.page.getByTestId('fold-weights').getAttribute('aria-expanded')).toBe('false');
    await panel.sendTrace(); // a recomputed trace redraws the cards, still folded
    await panel.page.keyboard.press('ArrowRight');
    await panel.at('forward', 2);
    expect(await cards.isVisible()).toBe(false);
    const saved = await panel.page.evaluate('window.__bpttState');
    expect((saved as { folded?: string[] }).folded).toEqual(['weights']);
  } finally {
    await panel.close();
  }
  const reloaded = await web.open(await loadExample('hello'), { theme: 'dark', state: { folded: ['weights'] } });
  try {
    await reloaded.at('forward', 1);
    expect(await reloaded.page.getByTestId('fold-weights').getAttribute('aria-expanded')).toBe('false');
    expect(await reloaded.page.getByTestId('weight-cards').isVisible()).toBe(false);
  } finally {
    await reloaded.close();
  }
});

test('H = 256: big matrices arrive pooled and are drawn on canvases, a hovered cell names its block and value', async () => {
  const panel = await web.open(randomProblem({ cell: 'lstm', H: 256, D: 64, K: 64, T: 5, seed: 5 }), { theme: 'dark' });
  try {
    await panel.page.waitForSelector('[data-testid="weight-W_hf"]', { timeout: 30_000 }); // the host computes the flow data in the test's own thread
    const W = panel.session.summary().params.find((p) => p.name === 'W_hf')!.value!;
    expect(W.block![0]).toBeGreaterThan(1);
    const canvas = panel.page.getByTestId('weight-W_hf-value').locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    const [rows, cols] = W.grid;
    const cell = box!.width / cols;
    for (const [i, j] of [[0, 0], [rows - 1, cols - 1]]) {
      await panel.page.mouse.move(box!.x + (j + 0.5) * cell, box!.y + (i + 0.5) * cell);
      expect(await canvas.getAttribute('title')).toContain(`= ${formatNumber(W.data[i * cols + j])} (largest of its`);
    }
    // The pooled cell is the block's entry of largest magnitude in the real W_hf.
    const full = panel.problem.params.W_hf, [br, bc] = W.block!;
    let best = 0;
    for (let i = 0; i < br; i++) for (let j = 0; j < bc; j++) if (Math.abs(full.data[i * 256 + j]) > Math.abs(best)) best = full.data[i * 256 + j];
    expect(formatNumber(W.data[0])).toBe(formatNumber(best));
    expect(await panel.page.evaluate(`document.querySelectorAll('[data-testid="weights-section"] *').length`)).toBeLessThan(1000); // canvases, not a DOM cell per entry
  } finally {
    await panel.close();
  }
});
