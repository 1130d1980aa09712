/**
 * Screenshots of every view of the panel, one file each, in light, dark and high contrast, on the
 * hello model, the long-dependency LSTM (the gated Jacobian chart) and an LSTM with H = 256,
 * T = 2000: the figures to open and look at (test/webview/screenshots/gallery/). Each view's element
 * is shot on its own; every view must be there and the page must log no error.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TrainingProgressMessage } from '../../src/protocol';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, useBrowser } from './harness';
import { loadExample } from './problems';
import type { ThemeName } from './themes';

const THEMES: ThemeName[] = ['light', 'dark', 'high-contrast'];

const web = useBrowser('gallery');

/** One element by its test id, alone in the picture (the sticky header made static for the shot). */
async function shoot(panel: Panel, testid: string, file: string): Promise<void> {
  await panel.page.evaluate("document.querySelector('header.top').style.position = 'static'");
  const loc = panel.page.getByTestId(testid).first();
  await loc.scrollIntoViewIfNeeded();
  await loc.screenshot({ path: join(web.shots, file) });
}

/** A training run's progress as the host reports it: a loss falling over 300 epochs. */
function training(): TrainingProgressMessage {
  const points: [number, number][] = [];
  for (let e = 1; e <= 300; e++) points.push([e, 1.4 * Math.exp(-e / 40) + 0.02 + 0.01 * Math.sin(e / 3)]);
  return { type: 'trainingProgress', status: 'done', epoch: 300, epochs: 300, step: 300, loss: points[299][1], stepsPerSecond: 900, points, reset: true };
}

async function views(panel: Panel, prefix: string): Promise<void> {
  await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 60_000 });
  await panel.page.waitForSelector('[data-testid="jacobian"]', { timeout: 60_000 });
  await panel.post(training());
  await panel.page.getByTestId('training').waitFor();
  for (const [id, name] of [['timeline', 'timeline'], ['backward', 'backward'], ['equations', 'equations'], ['forward', 'forward'], ['weights-section', 'weights'], ['flow', 'flow'], ['jacobian', 'jacobian'], ['training', 'training']]) {
    await shoot(panel, id, `${prefix}-${name}.png`);
  }
}

async function atEnd(panel: Panel, back = 1): Promise<void> {
  await panel.page.waitForSelector('[data-testid="app"][data-phase="forward"]', { timeout: 60_000 });
  await panel.page.keyboard.press('End');
  await panel.page.waitForSelector('[data-testid="app"][data-phase="backward"][data-t="1"]', { timeout: 60_000 });
  for (let i = 0; i < back; i++) await panel.page.keyboard.press('ArrowLeft');
  await panel.page.waitForSelector(`[data-testid="app"][data-phase="backward"][data-t="${1 + back}"]`, { timeout: 60_000 });
}

describe('every view, in every theme', () => {
  test.each(THEMES)('hello, %s', async (theme) => {
    const panel = await web.open(await loadExample('hello'), { theme });
    try {
      await atEnd(panel);
      await views(panel, `hello-${theme}`);
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  test.each(THEMES)('long-dependency-lstm (gated Jacobian chart), %s', async (theme) => {
    const panel = await web.open(await loadExample('long-dependency-lstm'), { theme });
    try {
      await atEnd(panel);
      await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 60_000 });
      await shoot(panel, 'jacobian', `lstm-${theme}-jacobian.png`);
      await shoot(panel, 'weights-section', `lstm-${theme}-weights.png`);
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  // Weights of scale 0.08 ≈ 1.3/√H: ρ near 1, as a trained or Xavier-initialised model has (0.6 would explode to 1e264).
  test.each(THEMES)('LSTM H = 256, T = 2000, %s', async (theme) => {
    const panel = await web.open(randomProblem({ cell: 'lstm', H: 256, D: 64, K: 64, T: 2000, seed: 5, scale: 0.08 }), { theme, height: 1000 });
    try {
      await atEnd(panel, 19);
      await views(panel, `large-${theme}`);
      // A vector input's column label (its first entry) fits the column whole, the full vector in the title.
      const input = panel.page.getByTestId('timeline-input-20');
      expect(await input.evaluate((e) => [e.scrollWidth <= e.clientWidth, e.textContent?.endsWith('…')])).toEqual([true, true]);
      expect(await panel.page.getByTestId('timeline-20').getAttribute('title')).toMatch(/input \[[-0-9.]+, .*more/);
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  }, 240_000);
});
