/**
 * The panel's VS Code side in a real browser: the settings as defaults for its switches (a switch
 * flipped in the panel holds until the setting changes), the weights switch and Sample form (they
 * send requests; the answer is shown), and error positions as links that ask the host to reveal them.
 */
import { expect, test } from 'vitest';
import type { PanelSettings } from '../../src/protocol';
import { sample } from '../../src/engine';
import { Panel, useBrowser } from './harness';
import { loadExample } from './problems';

const web = useBrowser();

const settings = (o: Partial<PanelSettings> = {}): { type: 'settings'; settings: PanelSettings } => ({ type: 'settings', settings: { playInterval: 500, heatmapScale: 'card', heatmapLog: false, ...o } });
const pressed = (id: string, on = true): string => `document.querySelector('[data-testid="${id}"]')?.getAttribute('aria-pressed') === '${on}'`;
const speed = (panel: Panel): Promise<string> => panel.page.evaluate(`document.querySelector('[data-testid="speed"]').value`) as Promise<string>;

test('settings set the heatmap switches and the play speed; a switch flipped in the panel holds until the setting changes', async () => {
  const panel = await web.open(await loadExample('hello'));
  try {
    await panel.at('forward', 1);
    await panel.page.keyboard.press('End');
    await panel.at('backward', 1);
    await panel.post(settings({ heatmapScale: 'shared', heatmapLog: true, playInterval: 100 }));
    await panel.until(pressed('scale-shared'));
    await panel.until(pressed('scale-log'));
    expect(await speed(panel)).toBe('100');
    // The user flips the panel's own switch: the same settings again do not undo it.
    await panel.page.click('[data-testid="scale-card"]');
    await panel.until(pressed('scale-card'));
    await panel.post(settings({ heatmapScale: 'shared', heatmapLog: true, playInterval: 100 }));
    await panel.page.waitForTimeout(200);
    expect(await panel.page.evaluate(pressed('scale-card'))).toBe(true);
    // A changed setting applies (only what changed: log scale off, the scale stays per card).
    await panel.post(settings({ heatmapScale: 'shared', heatmapLog: false, playInterval: 250 }));
    await panel.until(pressed('scale-log', false));
    expect(await panel.page.evaluate(pressed('scale-card'))).toBe(true);
    expect(await speed(panel)).toBe('250');
    expect(panel.errors).toEqual([]);
  } finally {
    await panel.close();
  }
});

test('settings that arrive before the first trace set the play speed too (the dropdown is not in the page yet)', async () => {
  const panel = await web.open(await loadExample('hello'), { withholdTrace: true });
  try {
    await panel.post(settings({ playInterval: 100, heatmapScale: 'shared' }));
    await panel.sendTrace();
    await panel.at('forward', 1);
    await panel.until(`document.querySelector('[data-testid="speed"]')?.value === '100'`);
    await panel.page.keyboard.press('End');
    await panel.at('backward', 1);
    await panel.until(pressed('scale-shared'));
  } finally {
    await panel.close();
  }
});

test('the weights switch and the Sample form: requests sent as typed, the answer shown, bad input refused in the form', async () => {
  const panel = await web.open(await loadExample('hello'));
  try {
    await panel.at('forward', 1);
    expect(await panel.page.$('[data-testid="training"]')).toBeNull();
    await panel.post({ type: 'weightsChoice', current: 'trained', trained: 'hello.weights.json (epoch 200)', samples: true });
    await panel.page.waitForSelector('[data-testid="training-tools"]:not([hidden])');
    expect(await panel.page.evaluate(pressed('weights-trained'))).toBe(true);
    expect(await panel.page.textContent('[data-testid="weights-trained-name"]')).toBe('hello.weights.json (epoch 200)');
    await panel.page.click('[data-testid="weights-initial"]');
    await panel.page.waitForFunction(() => true);
    expect(panel.received.filter((m) => m.type === 'useWeights')).toEqual([{ type: 'useWeights', weights: 'initial' }]);

    await panel.page.fill('[data-testid="sample-prime"]', 'h');
    await panel.page.fill('[data-testid="sample-length"]', '6');
    await panel.page.fill('[data-testid="sample-temperature"]', '0');
    await panel.page.click('[data-testid="sample-go"]');
    await panel.page.waitForSelector('[data-testid="sample-text"]');
    expect(panel.received.filter((m) => m.type === 'sample')).toEqual([{ type: 'sample', prime: 'h', length: 6, temperature: 0 }]);
    // The harness's host answers with the engine's sample from these (initial) weights.
    const p = panel.problem;
    expect(await panel.page.textContent('[data-testid="sample-text"]')).toBe(sample(p, p.params, { prime: 'h', length: 6, temperature: 0, seed: 0 }));
    // Out of range: said in the form, nothing sent.
    await panel.page.fill('[data-testid="sample-length"]', '0');
    await panel.page.click('[data-testid="sample-go"]');
    await panel.page.waitForSelector('[data-testid="sample-output"][data-state="error"]');
    expect(await panel.page.textContent('[data-testid="sample-output"]')).toContain('length: a whole number from 1 to 10000');
    expect(panel.received.filter((m) => m.type === 'sample')).toHaveLength(1);
    // The host's refusal is shown in the form too.
    await panel.post({ type: 'sampleResult', text: null, error: 'the prime\'s token "x" is not in the vocabulary', weights: '' });
    await panel.until(`document.querySelector('[data-testid="sample-output"]')?.textContent?.includes('"x" is not in the vocabulary')`);
    // No trained weights and a model that does not sample: nothing to show.
    await panel.post({ type: 'weightsChoice', current: 'trained', trained: null, samples: false });
    await panel.page.waitForSelector('[data-testid="training-tools"][hidden]', { state: 'attached' });
    expect(panel.errors).toEqual([]);
  } finally {
    await panel.close();
  }
});

test('each error position is a link: a click asks the host to reveal that line and column', async () => {
  const panel = await web.open(await loadExample('hello'));
  try {
    await panel.at('forward', 1);
    await panel.post({ type: 'errors', file: 'file:///examples/hello.rnn.yaml', errors: [{ line: 11, column: 9, message: "model.cell: 'rnm' is not one of rnn | lstm | gru" }, { line: 3, column: 1, message: 'another' }] });
    const links = panel.page.locator('[data-testid="error-link"]');
    await links.first().waitFor();
    expect(await links.allTextContents()).toEqual(['11:9', '3:1']);
    await links.first().click();
    await panel.page.focus('[data-testid="error-link"][data-line="3"]');
    await panel.page.keyboard.press('Enter');
    await panel.page.waitForFunction(() => true);
    expect(panel.received.filter((m) => m.type === 'reveal')).toEqual([{ type: 'reveal', line: 11, column: 9 }, { type: 'reveal', line: 3, column: 1 }]);
    expect(panel.errors).toEqual([]);
  } finally {
    await panel.close();
  }
});
