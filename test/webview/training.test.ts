/**
 * The panel's training section in a real browser: the loss curve grows from progress messages (one
 * point per epoch), the last loss is shown as text, samples appear, a failure shows its message.
 * Screenshot in test/webview/screenshots/training-dark.png.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { TrainingProgressMessage } from '../../src/protocol';
import { formatNumber } from '../../src/format';
import { Panel, useBrowser } from './harness';
import { loadExample } from './problems';


const web = useBrowser();

const loss = (e: number): number => 1.5 * Math.exp(-e / 30) + 0.01;
function progress(from: number, to: number, o: Partial<TrainingProgressMessage> = {}): TrainingProgressMessage {
  const points: [number, number][] = [];
  for (let e = from; e <= to; e++) points.push([e, loss(e)]);
  return { type: 'trainingProgress', status: 'running', epoch: to, epochs: 200, step: to, loss: loss(to) * 4, stepsPerSecond: 1234, points, ...o };
}

const text = (panel: Panel, id: string): Promise<string> => panel.page.evaluate(`document.querySelector('[data-testid="${id}"]')?.textContent ?? ''`) as Promise<string>;
const pointsOf = (panel: Panel): Promise<[number, number][]> =>
  panel.page.evaluate(`(document.querySelector('[data-testid="loss-line"]')?.getAttribute('points') ?? '').split(' ').filter(Boolean).map((p) => p.split(',').map(Number))`) as Promise<[number, number][]>;
const pointCount = async (panel: Panel): Promise<number> => (await pointsOf(panel)).length;
const shownPoints = (n: number): string => `document.querySelector('[data-testid="loss-line"]')?.getAttribute('data-points') === '${n}'`;

test('the loss curve renders from progress messages: a point per epoch, the last loss as text', async () => {
  const panel = await web.open(await loadExample('hello'));
  try {
    await panel.at('forward', 1);
    expect(await panel.page.$('[data-testid="training"]')).toBeNull(); // no training, no section
    await panel.post(progress(1, 40, { reset: true }));
    await panel.page.waitForSelector('[data-testid="training"][data-status="running"]');
    expect(await pointCount(panel)).toBe(40);
    expect(await text(panel, 'training-loss')).toBe(formatNumber(loss(40)));
    await panel.post(progress(41, 120));
    await panel.until(shownPoints(120));
    expect(await pointCount(panel)).toBe(120);
    expect(await text(panel, 'training-loss')).toBe(formatNumber(loss(120)));
    expect(await text(panel, 'training-epoch')).toBe('120 / 200');
    // Every point lies inside the chart's box.
    expect((await pointsOf(panel)).every(([x, y]) => x >= 0 && x <= 480 && y >= 0 && y <= 160)).toBe(true);

    await panel.post({ type: 'trainingSample', epoch: 100, text: 'hellol' });
    await panel.post({ type: 'trainingSample', epoch: 120, text: 'hello' });
    await panel.until(`document.querySelectorAll('[data-testid="training-samples"] li').length === 2`);
    const samples = await panel.page.evaluate(`Array.from(document.querySelectorAll('[data-testid="training-samples"] li code')).map((e) => e.textContent)`);
    expect(samples).toEqual(['hello', 'hellol']); // newest first

    await panel.post(progress(121, 200, { status: 'done' }));
    await panel.page.waitForSelector('[data-testid="training"][data-status="done"]');
    expect(await pointCount(panel)).toBe(200);
    await panel.page.locator('[data-testid="training"]').screenshot({ path: join(web.shots, 'training-dark.png') });

    // A new run starts the curve over.
    await panel.post(progress(1, 5, { reset: true }));
    await panel.until(shownPoints(5));
    expect(panel.errors).toEqual([]);
  } finally {
    await panel.close();
  }
});

test('a failed run shows its message; invalid training messages are ignored', async () => {
  const panel = await web.open(await loadExample('hello'));
  try {
    await panel.at('forward', 1);
    await panel.post({ type: 'trainingProgress', status: 'bogus', epoch: 1, epochs: 2, step: 1, loss: 1, stepsPerSecond: 1, points: [] });
    await panel.post({ type: 'trainingProgress', status: 'running', epoch: 1, epochs: 2, step: 1, loss: 1, stepsPerSecond: 1, points: [['x', 1]] });
    expect(await panel.page.$('[data-testid="training"]')).toBeNull();
    await panel.post(progress(1, 3, { status: 'failed', message: 'non-finite loss at step 4 (epoch 4), parameter W_hh[0, 1] = NaN' }));
    await panel.page.waitForSelector('[data-testid="training"][data-status="failed"]');
    expect(await text(panel, 'training-message')).toContain('step 4');
    expect(await text(panel, 'training-message')).toContain('W_hh');
  } finally {
    await panel.close();
  }
});

test('the loss curve: round ticks on labelled axes, a log scale on demand, the section folding away and staying folded', async () => {
  const panel = await web.open(await loadExample('hello'), { theme: 'light' });
  try {
    await panel.at('forward', 1);
    await panel.post(progress(1, 200, { reset: true }));
    await panel.until(shownPoints(200));
    const ticks = (id: string): Promise<string[]> => panel.page.evaluate(`Array.from(document.querySelectorAll('[data-testid="${id}"]')).map((e) => e.textContent)`) as Promise<string[]>;
    // loss(e) runs from 1.47 down to 0.05: linear ticks from 0 by a round step, written alike.
    expect(await ticks('loss-ytick')).toEqual(['0.0', '0.5', '1.0', '1.5']);
    expect((await ticks('loss-xtick'))[0]).toBe('1');
    expect(await ticks('loss-xtick')).toContain('200');
    const names = (await panel.page.evaluate(`Array.from(document.querySelectorAll('.tr-name')).map((e) => e.textContent)`)) as string[];
    expect(names).toEqual(['loss', 'epoch']);
    // Every label lies inside the picture (none clipped).
    const inside = await panel.page.evaluate(`(() => { const s = document.querySelector('[data-testid="loss-chart"]').getBoundingClientRect(); return Array.from(document.querySelectorAll('.tr-chart text')).every((t) => { const r = t.getBoundingClientRect(); return r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom; }); })()`);
    expect(inside).toBe(true);
    const linear = await pointsOf(panel);
    await panel.page.getByTestId('loss-log').click();
    expect(await panel.page.getByTestId('loss-log').getAttribute('aria-pressed')).toBe('true');
    expect(await ticks('loss-ytick')).toEqual(['0.1', '1']); // 0.05 … 1.47 spans the decade 0.1 … 1
    const logged = await pointsOf(panel);
    // On a log axis equal ratios are equal distances: loss(e) - 0.01 halves every 30·ln 2 epochs,
    // so the curve's shape changes; the x positions do not.
    expect(logged.map(([x]) => x)).toEqual(linear.map(([x]) => x));
    expect(logged.map(([, y]) => y)).not.toEqual(linear.map(([, y]) => y));
    await panel.post(progress(201, 210));
    await panel.until(shownPoints(210));
    expect(await panel.page.getByTestId('loss-log').getAttribute('aria-pressed')).toBe('true'); // kept while the run goes on
    await panel.page.getByTestId('loss-chart').screenshot({ path: join(web.shots, 'training-log-light.png') });
    await panel.page.getByTestId('fold-training').click();
    expect(await panel.page.getByTestId('loss-chart').isVisible()).toBe(false);
    await panel.post(progress(211, 220));
    await panel.until(shownPoints(220));
    expect(await panel.page.getByTestId('loss-chart').isVisible()).toBe(false);
    expect(((await panel.page.evaluate('window.__bpttState')) as { folded?: string[] }).folded).toEqual(['training']);
  } finally {
    await panel.close();
  }
});
