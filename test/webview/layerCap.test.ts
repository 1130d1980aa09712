/**
 * A stack too long for a trace's summary to carry every layer's ||dL/dh_t|| (T·L above
 * MAX_LAYER_NORMS): the strip shows the top layer's norms, checked against the engine's records of
 * that layer, and says so in a visible note with the reason, whichever layer the switch chooses.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { norm2 } from '../../src/engine';
import { formatNumber } from '../../src/format';
import { MAX_LAYER_NORMS } from '../../src/protocol';
import { packSummary } from '../../src/traceColumns';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, useBrowser } from './harness';
import { THEMES } from './themes';

const L = 4;
const T = Math.floor(MAX_LAYER_NORMS / L) + 1; // T·L just above the cap
const web = useBrowser();
let panel: Panel;
const at = (phase: string, t: number) => panel.page.waitForSelector(`[data-testid="app"][data-phase="${phase}"][data-t="${t}"]`, { timeout: 60_000 });

beforeAll(async () => {
  panel = await web.open(randomProblem({ cell: 'rnn', layers: L, H: 2, D: 2, K: 2, T, seed: 3 }), { withholdTrace: true });
  await panel.post({ type: 'trace', summary: packSummary(panel.session.summary()).packed, snapshot: panel.session.snapshot() });
  await at('forward', 1);
}, 180_000);
afterAll(async () => {
  await panel?.close();
});

/** ||dL/dh_t|| of layer l from the backward records (not the summary). */
const norm = (t: number, l: number): string => formatNumber(norm2(panel.trace.backward(t).layers![l - 1].dh));
const shownNorm = (t: number): Promise<string | null> => panel.page.getByTestId(`dhnorm-${t}`).getAttribute('data-value');

test('the summary leaves the layers\' norms out and the strip says it shows the top layer, and why', async () => {
  const summary = panel.session.summary();
  expect(summary.layerDhNorms).toBeUndefined();
  expect(summary.layerDhNormsOmitted).toBe(L);
  const note = panel.page.getByTestId('dh-layers-note');
  expect(await note.isVisible()).toBe(true);
  const text = await note.textContent();
  expect(text).toContain(`top layer's (layer ${L})`);
  expect(text).toContain(`${L} layers × ${T.toLocaleString('en-US')} steps make ${(L * T).toLocaleString('en-US')} norms, more than the 1,000,000`);
  expect(await panel.page.getByTestId('dh-range').textContent()).toContain(`of layer ${L} bars`);
});

test('whichever layer is chosen, the bars are the top layer\'s, labelled so; the note stays', async () => {
  await panel.page.keyboard.press('End');
  await at('backward', 1);
  for (const t of [1, 2, 5]) expect(await shownNorm(t)).toBe(norm(t, L));
  // Layer 1 chosen: the snapshot the host answers the switch with (not the click: the in-test host
  // would also compute the flow map of 250,001 steps on the test's own thread, as the real one does in its worker).
  panel.session.setLayer(1);
  await panel.post({ type: 'snapshot', snapshot: panel.session.snapshot() });
  await panel.page.waitForSelector('[data-testid="layer-1"][aria-checked="true"]', { timeout: 10_000 });
  // Layer 1's norms differ from the top's, so the bars can be told apart.
  expect(norm(1, 1)).not.toBe(norm(1, L));
  for (const t of [1, 2, 5]) expect(await shownNorm(t)).toBe(norm(t, L));
  expect(await panel.page.getByTestId('dhnorm-2').getAttribute('title')).toBe(`‖dL/dh_2‖ (layer ${L}) = ${norm(2, L)}`);
  expect(await panel.page.getByTestId('dh-layers-note').isVisible()).toBe(true);
  // The note in each theme (the page's variables and body class switched as VS Code does).
  for (const name of ['dark', 'light', 'high-contrast'] as const) {
    const { vars, bodyClass } = THEMES[name];
    await panel.page.evaluate(`(() => { for (const k of [...document.documentElement.style]) if (k.startsWith('--vscode-')) document.documentElement.style.removeProperty(k);
      for (const [k, v] of Object.entries(${JSON.stringify(vars)})) document.documentElement.style.setProperty(k, v);
      document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast'); document.body.classList.add(${JSON.stringify(bodyClass)}); })()`);
    await panel.page.getByTestId('timeline').screenshot({ path: join(web.shots, `timeline-layers-capped-${name}.png`) });
  }
  expect(panel.errors).toEqual([]);
}, 120_000);
