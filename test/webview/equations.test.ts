/**
 * The equations typeset as MathML with every term's numbers, against the engine itself (not the
 * snapshot): a_1 from the weights, dW_hy's step, dc_t as its two parts; hovering a term lights up
 * the view it comes from. Screenshots in test/webview/screenshots/equations-*.png.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatNumber } from '../../src/format';
import { launch, Panel, root } from './harness';
import { loadExample } from './problems';

const shots = join(root, 'test', 'webview', 'screenshots');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The numbers of a typeset value (an <mtable data-testid=…>), row by row. */
const numbersOf = (panel: Panel, testid: string): Promise<string[]> =>
  panel.page.evaluate(`Array.from(document.querySelectorAll('[data-testid="${testid}"] mn')).map((e) => e.textContent)`) as Promise<string[]>;

/** Index of the equation whose target is `name`. */
const lineOf = (panel: Panel, name: string): Promise<number> =>
  panel.page.evaluate(`Array.from(document.querySelectorAll('[data-testid^="eq-"][data-target]')).findIndex((e) => e.dataset.target === '${name}')`) as Promise<number>;

test('hello, forward t = 1: a_1 = W_xh x_1 + W_hh h_0 + b_h with the weights written out, equal to the engine', async () => {
  const panel = await Panel.open(browser, await loadExample('hello'), { theme: 'light' });
  try {
    await panel.at('forward', 1);
    const i = await lineOf(panel, 'a');
    expect(i).toBeGreaterThanOrEqual(0);
    const p = panel.problem.params;
    expect(await numbersOf(panel, `eq-${i}-W_xh`)).toEqual(Array.from(p.W_xh.data, formatNumber));
    expect(await numbersOf(panel, `eq-${i}-W_hh`)).toEqual(Array.from(p.W_hh.data, formatNumber));
    expect(await numbersOf(panel, `eq-${i}-b_h`)).toEqual(Array.from(p.b_h.data, formatNumber));
    expect(await numbersOf(panel, `eq-${i}-x`)).toEqual(Array.from(panel.trace.forward(1).x, formatNumber));
    expect(await numbersOf(panel, `eq-${i}-result`)).toEqual(Array.from(panel.trace.forward(1).pre.a, formatNumber));
    // h_{t-1} at t = 1 is h_0, the spec's initial state.
    expect(await numbersOf(panel, `eq-${i}-h_prev`)).toEqual(Array.from(panel.problem.s0.h, formatNumber));
    expect(await panel.page.locator(`[data-testid="eq-${i}"] .eq-num math`).count()).toBe(1);
    await panel.page.getByTestId('equations').screenshot({ path: join(shots, 'equations-forward-light.png') });
    expect(panel.errors).toEqual([]);
    expect(await panel.page.evaluate('window.__cspViolations')).toEqual([]);
  } finally {
    await panel.close();
  }
});

test('hello, backward t = 2: dW_hy = dz_2 h_2ᵀ and dW_hh = da_2 h_1ᵀ are the engine’s contributions; hovering dW_hh lights its card', async () => {
  const panel = await Panel.open(browser, await loadExample('hello'), { theme: 'dark' });
  try {
    await panel.at('forward', 1);
    await panel.page.keyboard.press('End');
    await panel.at('backward', 1);
    await panel.page.keyboard.press('ArrowLeft');
    await panel.at('backward', 2);
    const c = panel.trace.contribution(2);
    for (const name of ['W_hy', 'b_y', 'W_hh', 'W_xh', 'b_h']) {
      const i = await lineOf(panel, `d${name}`);
      expect(i, `d${name}`).toBeGreaterThanOrEqual(0);
      expect(await numbersOf(panel, `eq-${i}-result`)).toEqual(Array.from(c[name].data, formatNumber));
    }
    const i = await lineOf(panel, 'dW_hh');
    expect(await numbersOf(panel, `eq-${i}-h_prev`)).toEqual(Array.from(panel.trace.forward(1).h, formatNumber));
    await panel.page.locator(`[data-testid="eq-${i}"] .eq-num [data-term="dW_hh"]`).first().hover();
    expect(await panel.page.getByTestId('grad-W_hh').getAttribute('class')).toContain('linked');
    await panel.page.getByTestId('equations').screenshot({ path: join(shots, 'equations-backward-dark.png') });
  } finally {
    await panel.close();
  }
});

test('lstm, backward: dL/dc_t as through h_t plus from the future, the latter dc_{t+1} ⊙ f_{t+1}', async () => {
  const panel = await Panel.open(browser, await loadExample('lstm'), { theme: 'high-contrast' });
  try {
    await panel.at('forward', 1);
    await panel.page.keyboard.press('End');
    await panel.at('backward', 1);
    await panel.page.keyboard.press('ArrowLeft');
    await panel.at('backward', 2);
    const shown = await panel.collect();
    const dc3 = panel.trace.backward(3).dc!, f3 = panel.trace.forward(3).gates.f, dc2 = panel.trace.backward(2).dc!;
    for (let k = 0; k < dc2.length; k++) {
      expect(shown.ids[`bwd-dc_from_future-${k}`]?.value).toBe(formatNumber(dc3[k] * f3[k]));
      expect(shown.ids[`bwd-dc-${k}`]?.value).toBe(formatNumber(dc2[k]));
      expect(Number(shown.ids[`bwd-dc_local-${k}`]?.value)).toBeCloseTo(dc2[k] - dc3[k] * f3[k], 3);
    }
    await panel.page.getByTestId('backward').screenshot({ path: join(shots, 'backward-lstm-hc.png') });
  } finally {
    await panel.close();
  }
});

test('the phase switch button: the same t in the other pass, its shortcut in its title', async () => {
  const panel = await Panel.open(browser, await loadExample('hello'), { theme: 'dark' });
  try {
    await panel.at('forward', 1);
    await panel.page.keyboard.press('ArrowRight');
    await panel.at('forward', 2);
    const b = panel.page.getByTestId('btn-phase');
    expect(await b.getAttribute('title')).toContain('(P)');
    await b.click();
    await panel.at('backward', 2);
    expect(panel.received).toContainEqual({ type: 'jump', to: { phase: 'backward', t: 2 } });
    for (const id of ['btn-start', 'btn-back', 'btn-play', 'btn-forward', 'btn-end']) expect(await panel.page.getByTestId(id).getAttribute('title')).toMatch(/\((Home|←|Space|→|End)\)$/);
  } finally {
    await panel.close();
  }
});
