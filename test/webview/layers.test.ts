/**
 * A stacked model in the panel: the layer switch (shown only for L > 1, keyboard operable) and the
 * cards, equations and gradient heatmaps of the chosen layer, every number checked against the
 * engine's records of that layer (not the snapshot). Screenshots of a 3-layer LSTM in light, dark
 * and high contrast, small and larger, in test/webview/screenshots/.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { flowMap, norm2, type Problem, type Trace } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';
import { formatNumber } from '../../src/format';
import type { Cursor } from '../../src/protocol';
import { Panel, useBrowser, type Shown } from './harness';
import { loadExample } from './problems';
import type { ThemeName } from './themes';


const web = useBrowser();

/** What layer l's cards must show at c, from the trace's records of that layer. */
function layerMismatches(problem: Problem, trace: Trace, c: Cursor, l: number, shown: Shown): string[] {
  const want: Record<string, string> = {};
  const vec = (prefix: string, v: ArrayLike<number>): void => {
    for (let i = 0; i < v.length; i++) want[`${prefix}-${i}`] = formatNumber(v[i]);
  };
  const f = trace.forward(c.t).layers![l - 1];
  if (l > 1) vec('fwd-x', trace.forward(c.t).layers![l - 2].h);
  for (const [g, v] of Object.entries(f.gates)) vec(`fwd-${g}`, v);
  vec('fwd-c', f.states.c);
  vec('fwd-h', f.h);
  if (c.phase === 'backward') {
    const b = trace.backward(c.t).layers![l - 1];
    vec('bwd-dh', b.dh);
    vec('bwd-dh_from_output', b.dh_from_output);
    vec('bwd-dh_from_future', b.dh_from_future);
    vec('bwd-dc', b.dstates.c);
    for (const [g, v] of Object.entries(b.dgates)) vec(`bwd-da_${g}`, v);
  }
  const bad: string[] = [];
  for (const [id, w] of Object.entries(want)) {
    const got = shown.ids[id]?.value ?? shown.ids[id]?.text;
    if (got !== w) bad.push(`${id}: shown ${JSON.stringify(got)}, layer ${l} record ${w}`);
  }
  if (c.phase === 'backward') {
    const sfx = l === 1 ? '' : `_l${l}`;
    for (const [kind, params] of [['contribution', trace.contribution(c.t)], ['accumulated', trace.accumulated(c.t)]] as const) {
      for (const name of [`W_xf${sfx}`, `W_hg${sfx}`, `b_o${sfx}`]) {
        const cells = shown.heatmaps[`grad-${name}-${kind}`];
        if (!cells) bad.push(`grad-${name}-${kind}: no heatmap`);
        else params[name].data.forEach((v, i) => cells[i]?.value !== formatNumber(v) && bad.push(`grad-${name}-${kind}[${i}]: shown ${cells[i]?.value}, trace ${formatNumber(v)}`));
      }
    }
    // Another layer's parameters are not this layer's cards.
    const other = l === 1 ? 'W_xf_l2' : 'W_xf';
    if (shown.heatmaps[`grad-${other}-contribution`]) bad.push(`layer ${l} shows ${other}`);
  }
  return bad;
}

const chosen = (panel: Panel, l: number) => panel.page.waitForSelector(`[data-testid="layer-switch"][data-layer="${l}"]`, { timeout: 5000 });

describe('the layer switch', () => {
  test('hidden for a single cell', async () => {
    const panel = await web.open(await loadExample('lstm'));
    try {
      await panel.at('forward', 1);
      expect(await panel.page.getByTestId('layer-switch').isHidden()).toBe(true);
    } finally {
      await panel.close();
    }
  });

  test('3-layer LSTM: each layer\'s gates, states, dh parts and gradients are that layer\'s records, in both phases', async () => {
    const problem = await loadExample('lstm-stacked');
    const panel = await web.open(problem);
    try {
      await panel.at('forward', 1);
      await chosen(panel, 3);
      expect(await panel.page.getByTestId('layer-3').getAttribute('aria-checked')).toBe('true');
      await panel.page.keyboard.press('ArrowRight');
      await panel.page.keyboard.press('ArrowRight');
      await panel.at('forward', 3);
      for (const l of [2, 1, 3]) {
        await panel.page.getByTestId(`layer-${l}`).click();
        await chosen(panel, l);
        expect(layerMismatches(problem, panel.trace, { phase: 'forward', t: 3 }, l, await panel.collect())).toEqual([]);
        const eq = await panel.page.getByTestId('eq-0').getAttribute('data-target');
        expect(eq).toBe('i');
        // The input row says which vector feeds this layer (not just "input").
        const inputs = { 1: "input: x_emb, the token's embedding row", 2: 'input: h_l1, from layer 1', 3: 'input: h_l2, from layer 2' };
        expect((await panel.page.getByTestId('fwd-x-label').textContent())?.trim()).toBe(inputs[l as 1 | 2 | 3]);
        const title = await panel.page.getByTestId('equations').getAttribute('aria-label');
        expect(title).toBe(`Forward equations at t = 3, layer ${l}`);
      }
      // The layer stays as the cursor moves; to the backward phase.
      await panel.page.getByTestId('layer-2').click();
      await chosen(panel, 2);
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      await panel.page.keyboard.press('ArrowLeft');
      await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 3);
      await chosen(panel, 2);
      expect(layerMismatches(problem, panel.trace, { phase: 'backward', t: 3 }, 2, await panel.collect())).toEqual([]);
      // The equations name layer 2's parameters.
      const symbolic = await panel.page.locator('[data-testid="equations"] .eq-sym').evaluateAll((es) => es.map((e) => e.getAttribute('title') ?? e.textContent));
      expect(symbolic).toContain('dh = dh_above + dh_next');
      expect(symbolic.some((s) => s?.includes('W_xi_l2'))).toBe(true);
      expect(symbolic.some((s) => /\bW_xi\b/.test(s ?? '') || s?.includes('W_hy'))).toBe(false);
      // Keyboard: focus the checked layer, ← goes to layer 1 (not a step of the cursor).
      await panel.page.getByTestId('layer-2').focus();
      await panel.page.keyboard.press('ArrowLeft');
      await chosen(panel, 1);
      await panel.at('backward', 3);
      expect(layerMismatches(problem, panel.trace, { phase: 'backward', t: 3 }, 1, await panel.collect())).toEqual([]);
      expect(await panel.page.evaluate('document.activeElement?.dataset.testid')).toBe('layer-1');
      // The flow map and its verdict follow the layer: layer 1's ||dL_t/dh_k||, computed by the engine.
      await panel.until(`document.querySelector('[data-testid="flow-verdict"]')?.textContent?.startsWith('layer 1: ')`, 10_000);
      const m = flowMap(problem, { layer: 1 });
      const T = panel.trace.T;
      for (const k of [1, 5, T]) expect(await panel.page.getByTestId(`flow-${T}-${k}`).getAttribute('data-value')).toBe(formatNumber(m.norms[m.rows.indexOf(T)][k - 1] as number));
      const top = flowMap(problem);
      expect(formatNumber(top.norms[top.rows.indexOf(T)][0] as number)).not.toBe(formatNumber(m.norms[m.rows.indexOf(T)][0] as number));
      expect(panel.errors).toEqual([]);
      expect(await panel.page.evaluate('window.__cspViolations')).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  test("the timeline's ||dL/dh_t|| strip is the chosen layer's, from the engine's records of that layer", async () => {
    const problem = await loadExample('lstm-stacked');
    const panel = await web.open(problem);
    try {
      await panel.at('forward', 1);
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      const T = panel.trace.T;
      /** ||dL/dh_t|| of layer l from the backward records (not the trace's norms, not the summary). */
      const want = (l: number): string[] => Array.from({ length: T }, (_, i) => formatNumber(norm2(panel.trace.backward(i + 1).layers![l - 1].dh)));
      const strip = async (): Promise<string[]> => {
        const ids = (await panel.collect()).ids;
        return Array.from({ length: T }, (_, i) => ids[`dhnorm-${i + 1}`]?.value ?? '');
      };
      const heights = (): Promise<string[]> => panel.page.locator('[data-testid^="dhnorm-"] .dh-bar').evaluateAll((es) => es.map((e) => e.getAttribute('style') ?? ''));
      expect(await strip()).toEqual(want(3));
      const topHeights = await heights();
      for (const l of [1, 2, 3]) {
        await panel.page.getByTestId(`layer-${l}`).click();
        await chosen(panel, l);
        expect(await strip()).toEqual(want(l));
        expect(await panel.page.getByTestId('dh-range').textContent()).toContain(`‖dL/dh_t‖ of layer ${l} bars`);
        expect(await panel.page.getByTestId('dhnorm-2').getAttribute('title')).toBe(`‖dL/dh_2‖ (layer ${l}) = ${want(l)[1]}`);
        if (l < 3) expect(await heights()).not.toEqual(topHeights); // the bars are redrawn, not just relabelled
      }
      // The layers' norms differ, so the comparison above can tell them apart.
      expect(want(1)).not.toEqual(want(3));
      // Moving the cursor keeps the chosen layer's strip, filled in from t on.
      await panel.page.getByTestId('layer-1').click();
      await chosen(panel, 1);
      await panel.page.keyboard.press('ArrowLeft');
      await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 3);
      expect(await strip()).toEqual(want(1).map((v, i) => (i + 1 >= 3 ? v : '')));
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});

/** A larger stack: 3 LSTM layers of 12 over an embedding of 8, on a sentence. */
function larger(): Problem {
  const { problem, diagnostics } = loadSpec('name: lstm-stacked-large\nmodel: { cell: lstm, hidden: 12, layers: 3, embedding: 8 }\ndata: { text: "the quick brown fox jumps over the lazy dog" }\ninit: { seed: 3, forget_bias: 1 }\n');
  if (!problem) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return problem;
}

describe('screenshots of a stack', () => {
  const cases: [ThemeName, string, () => Promise<Problem>, number][] = [
    ['light', 'small', () => loadExample('lstm-stacked'), 2],
    ['dark', 'small', () => loadExample('lstm-stacked'), 2],
    ['high-contrast', 'small', () => loadExample('lstm-stacked'), 2],
    ['light', 'large', async () => larger(), 1],
    ['dark', 'large', async () => larger(), 2],
    ['high-contrast', 'large', async () => larger(), 1],
  ];
  test.each(cases)('%s, %s: backward at t = 3, a lower layer chosen', async (theme, size, make, layer) => {
    const panel = await web.open(await make(), { theme });
    try {
      await panel.at('forward', 1);
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      await panel.page.keyboard.press('ArrowLeft');
      await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 3);
      await panel.page.getByTestId(`layer-${layer}`).click();
      await chosen(panel, layer);
      await panel.page.waitForTimeout(150);
      await panel.page.screenshot({ path: join(web.shots, `layers-${size}-${theme}.png`), fullPage: true });
      // The top of the page as it first shows: the switch, the timeline and the layer's cards.
      await panel.page.screenshot({ path: join(web.shots, `layers-${size}-${theme}-top.png`) });
      // The flow section of the chosen layer (its verdict names the layer).
      await panel.until(`document.querySelector('[data-testid="flow-verdict"]')?.textContent?.startsWith('layer ${layer}: ')`, 10_000);
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, `layers-${size}-${theme}-flow.png`) });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});
