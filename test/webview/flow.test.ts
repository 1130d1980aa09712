/**
 * The "Gradient flow" section in a real browser, against the engine itself: every cell of the flow
 * map, the Jacobian row and its bound, the spectral radius, truncation, and the clipping preview.
 * Screenshots in test/webview/screenshots/flow-*.png.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { clipPreview, flowMap, jacobianRow, type Problem } from '../../src/engine';
import { flowMapView, MAX_FLOW_ROWS } from '../../src/session/flowView';
import { randomProblem } from '../unit/helpers/randomProblem';
import { formatNumber } from '../../src/format';
import { Panel, useBrowser, type Shown } from './harness';
import { contrast } from './contrast';
import { COLOURS, OVERFLOW } from './inPage';
import { loadExample } from './problems';
import type { ThemeName } from './themes';


const web = useBrowser();

async function open(name: string, o: { theme?: ThemeName; width?: number; height?: number } = {}): Promise<Panel> {
  const panel = await web.open(await loadExample(name), { theme: o.theme ?? 'dark', width: o.width, height: o.height });
  await panel.at('forward', 1);
  await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 10_000 });
  await jacobianAt(panel, panel.trace.T); // t = 1 has no step back: the chart shows row T
  return panel;
}

const jacobianAt = (panel: Panel, t: number): Promise<unknown> => panel.page.waitForSelector(`[data-testid="jacobian"][data-t="${t}"]`, { timeout: 10_000 });

/** Every map cell against flowMap: value, title, aria-label; dropped exactly where truncation cuts. */
async function mapMismatches(panel: Panel, problem: Problem): Promise<string[]> {
  const m = flowMap(problem, { maxRows: MAX_FLOW_ROWS });
  const shown = await panel.collect();
  const dropped = (await panel.page.evaluate(`Array.from(document.querySelectorAll('.fm-cell.dropped')).map((e) => e.dataset.testid)`)) as string[];
  const bad: string[] = [];
  const wantDropped: string[] = [];
  m.rows.forEach((t, i) => {
    for (let k = 1; k <= m.T; k++) {
      const id = `flow-${t}-${k}`, v = m.norms[i][k - 1];
      const got = shown.ids[id];
      if (!got) {
        bad.push(`${id}: no cell`);
        continue;
      }
      const want = v === null ? '' : formatNumber(v);
      if (got.value !== want) bad.push(`${id}: shown ${JSON.stringify(got.value)}, flowMap ${JSON.stringify(want)}`);
      if (want && !(got.title?.includes(`= ${want}`) && got.aria?.includes(`= ${want}`))) bad.push(`${id}: title ${JSON.stringify(got.title)} lacks ${want}`);
      if (m.dropped?.[i][k - 1]) wantDropped.push(id);
    }
  });
  expect(dropped.sort()).toEqual(wantDropped.sort());
  return bad;
}

/** The chart's points against jacobianRow at t (norms, bound, gate path), and λ, γ. */
function jacobianMismatches(problem: Problem, t: number, shown: Shown): string[] {
  const r = jacobianRow(problem, t);
  const bad: string[] = [];
  for (let k = 1; k <= t; k++) {
    const pairs: [string, number | undefined][] = [
      [`jac-norm-${k}`, r.norms[k - 1]],
      [`jac-bound-${k}`, r.bound[k - 1]],
      ...(r.gatePath ? ([[`jac-gate-${k}`, r.gatePath[k - 1]]] as [string, number][]) : []),
    ];
    for (const [id, v] of pairs) {
      const want = formatNumber(v);
      const got = shown.ids[id];
      if (got?.value !== want || !got.title?.includes(`= ${want}`)) bad.push(`${id}: shown ${JSON.stringify(got?.value)}, jacobianRow ${want}`);
    }
  }
  if (!r.gatePath && Object.keys(shown.ids).some((id) => id.startsWith('jac-gate-'))) bad.push('a gate path for a cell without gates');
  if (shown.ids.lambda?.value !== formatNumber(r.lambda)) bad.push(`lambda: ${shown.ids.lambda?.value} vs ${formatNumber(r.lambda)}`);
  if (shown.ids.gamma?.value !== formatNumber(r.gamma)) bad.push(`gamma: ${shown.ids.gamma?.value} vs ${formatNumber(r.gamma)}`);
  return bad;
}

const cursorCell = (panel: Panel): Promise<string[]> =>
  panel.page.evaluate(`Array.from(document.querySelectorAll('.fm-cell.cursor')).map((e) => e.dataset.testid)`) as Promise<string[]>;

describe('the flow map is the engine’s', () => {
  test.each([
    ['linear-rnn-rho-0.5', '0.5000', '×0.50 per step back: vanishing', 'vanishing'],
    ['linear-rnn-rho-1.5', '1.5000', '×1.50 per step back: exploding', 'exploding'],
  ])('%s: every cell, ρ(W_hh) = %s, the verdict, the Jacobian row and bound, the cursor moving with the keys and clicks', async (name, rho, verdict, kind) => {
    const panel = await open(name, { theme: 'dark' });
    try {
      const problem = panel.problem;
      expect(await mapMismatches(panel, problem)).toEqual([]);
      // W_hh = rho × a rotation, identity activation: ‖dL_t/dh_k‖ = rho^(t-k) ‖dL_t/dh_t‖ exactly.
      const v = panel.page.getByTestId('flow-verdict');
      expect(await v.textContent()).toContain(verdict);
      expect(await v.getAttribute('data-kind')).toBe(kind);
      const r = Number(rho);
      expect(await panel.page.getByTestId('flow-10-1').getAttribute('data-ratio')).toBe(`×${Number(Math.pow(r, 9).toPrecision(3))}`);
      expect(await panel.page.getByTestId('flow-10-1').getAttribute('title')).toContain(`×${Number(Math.pow(r, 9).toPrecision(3))} of ‖dL_10/dh_10‖`);
      // The colour says which: cold (charts-blue) below ×1, hot (charts-red) above.
      const bg = (await panel.page.evaluate(`getComputedStyle(document.querySelector('[data-testid="flow-10-1"]')).backgroundColor`)) as string;
      const [cr, , cb] = (bg.match(/[\d.]+/g) ?? []).map(Number);
      expect(kind === 'exploding' ? cr > cb : cb > cr).toBe(true);
      const shown = await panel.collect();
      expect(shown.ids['rho-W_hh']?.value).toBe(rho);
      expect(shown.ids['rho-W_hh']?.text).toContain(rho);
      expect(shown.ids['flow-bounded']).toBeUndefined(); // T = 10: nothing bounded
      expect(await cursorCell(panel)).toEqual(['flow-1-1']);
      // Forward to t = 7 with the keyboard: the cursor's cell and the Jacobian row follow.
      for (let i = 1; i < 7; i++) await panel.page.keyboard.press('ArrowRight');
      await panel.at('forward', 7);
      await jacobianAt(panel, 7);
      expect(await cursorCell(panel)).toEqual(['flow-7-7']);
      expect(jacobianMismatches(problem, 7, await panel.collect())).toEqual([]);
      await panel.page.getByTestId('flow').scrollIntoViewIfNeeded();
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, `flow-${name}.png`) });
      // Backward: the column k = t is marked as well; the cell moves down the diagonal.
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      // End (backward t = 1) has no step back: the chart shows the whole sequence's row and says so.
      await jacobianAt(panel, panel.trace.T);
      expect(jacobianMismatches(problem, panel.trace.T, await panel.collect())).toEqual([]);
      expect(await panel.page.getByTestId('jacobian-title').textContent()).toContain('t = 1 has no step back');
      for (let i = 1; i < 4; i++) await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 4);
      await jacobianAt(panel, 4);
      expect(await cursorCell(panel)).toEqual(['flow-4-4']);
      const col = (await panel.page.evaluate(`Array.from(document.querySelectorAll('.fm-cell.cur-col')).map((e) => e.dataset.testid)`)) as string[];
      expect(col.sort()).toEqual(panel.trace.T >= 4 ? Array.from({ length: panel.trace.T }, (_, i) => `flow-${i + 1}-4`).sort() : []);
      expect(jacobianMismatches(problem, 4, await panel.collect())).toEqual([]);
      expect(panel.errors).toEqual([]);
      expect(await panel.page.evaluate('window.__cspViolations')).toEqual([]);
      // A click on a cell moves the cursor to its row's t, in the same phase.
      await panel.page.getByTestId('flow-8-3').click();
      await panel.at('backward', 8);
      expect(panel.received).toContainEqual({ type: 'jump', to: { phase: 'backward', t: 8 } });
      await panel.page.keyboard.press('ArrowRight');
      await panel.at('backward', 7);
      await jacobianAt(panel, 7);
      await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 8);
      await jacobianAt(panel, 8);
      expect(await cursorCell(panel)).toEqual(['flow-8-8']);
    } finally {
      await panel.close();
    }
  });

  test('lstm: the gate path (product of forget gates) beside the h path', async () => {
    const panel = await open('lstm', { theme: 'light' });
    try {
      expect(await mapMismatches(panel, panel.problem)).toEqual([]);
      const T = panel.trace.T;
      for (let i = 1; i < T; i++) await panel.page.keyboard.press('ArrowRight');
      await panel.at('forward', T);
      await jacobianAt(panel, T);
      const shown = await panel.collect();
      expect(jacobianMismatches(panel.problem, T, shown)).toEqual([]);
      for (const m of ['W_hi', 'W_hf', 'W_hg', 'W_ho']) expect(shown.ids[`rho-${m}`]?.value).toMatch(/^\d/);
      await panel.page.getByTestId('flow').scrollIntoViewIfNeeded();
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, 'flow-lstm-light.png') });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});

describe('truncation on the map', () => {
  test('truncated-window: the dropped pairs hatched where flowMap says, and the share of the norm lost', async () => {
    const panel = await open('truncated-window', { theme: 'dark' });
    try {
      const m = flowMap(panel.problem, { maxRows: MAX_FLOW_ROWS });
      expect(m.truncationLoss).not.toBeNull();
      expect(await mapMismatches(panel, panel.problem)).toEqual([]);
      const note = panel.page.getByTestId('flow-truncation');
      expect(await note.getAttribute('data-value')).toBe(formatNumber(m.truncationLoss!.share));
      expect(await note.textContent()).toContain(`Truncation drops ${(m.truncationLoss!.share * 100).toFixed(2)}% of the gradient norm`);
      expect(await note.textContent()).toContain(formatNumber(m.truncationLoss!.fullNorm));
      await panel.page.getByTestId('flow').scrollIntoViewIfNeeded();
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, 'flow-truncated-window.png') });
    } finally {
      await panel.close();
    }
  });
});

describe('the clipping preview', () => {
  test('starts at the spec’s threshold (else 5); a typed threshold round-trips to the host and back', async () => {
    const panel = await open('linear-rnn-rho-1.5', { theme: 'dark' });
    try {
      const input = panel.page.getByTestId('clip-threshold');
      const start = panel.problem.train.clip ?? 5;
      expect(Number(await input.inputValue())).toBe(start);
      const check = async (threshold: number): Promise<void> => {
        const want = clipPreview(panel.trace.grads, threshold);
        await panel.page.waitForSelector(`[data-testid="clip-summary"][data-threshold="${threshold}"]`, { timeout: 5000 });
        expect(await panel.page.getByTestId('clip-scale').getAttribute('data-value')).toBe(formatNumber(want.scale));
        const shown = await panel.collect();
        expect(shown.ids['clip-norm']?.value).toBe(formatNumber(want.norm));
        expect(shown.ids['clip-clipped']?.value).toBe(formatNumber(want.clippedNorm));
        for (const p of want.perParam) {
          expect(shown.ids[`clip-${p.name}-before`]?.value).toBe(formatNumber(p.norm));
          expect(shown.ids[`clip-${p.name}-after`]?.value).toBe(formatNumber(p.clippedNorm));
        }
      };
      await check(start);
      const norm = clipPreview(panel.trace.grads, 1).norm;
      const threshold = Number((norm / 3).toPrecision(3)); // well below the norm: clipping scales by ~1/3
      await input.fill(String(threshold));
      await check(threshold);
      expect(panel.received).toContainEqual({ type: 'clip', threshold });
      expect(await panel.page.getByTestId('clip-verdict').textContent()).toContain('clipped');
      // The arrow keys in the box edit the number; they do not move the cursor.
      await input.press('ArrowRight');
      await panel.page.waitForTimeout(100);
      expect(panel.received.filter((m) => m.type === 'step')).toEqual([]);
      // Not a positive number: no request, a hint instead.
      const before = panel.received.length;
      await input.fill('-2');
      await input.press('Tab');
      expect(await panel.page.getByTestId('clip-hint').textContent()).toContain('positive');
      await panel.page.waitForTimeout(250);
      expect(panel.received.slice(before).filter((m) => m.type === 'clip')).toEqual([]);
      await input.fill(String(threshold));
      await check(threshold);
      await panel.page.getByTestId('flow').scrollIntoViewIfNeeded();
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, 'flow-clip-dark.png') });
    } finally {
      await panel.close();
    }
  });
});

describe('a long sequence', () => {
  test('T = 400: the map bounded (the bound stated), pooled, on a canvas whose title follows the pointer', async () => {
    const problem = { ...randomProblem({ cell: 'rnn', T: 400, H: 8, seed: 11 }), name: 'long' };
    const t0 = performance.now();
    const v = flowMapView(problem);
    console.info(`flow map view of T = 400, H = 8: ${(performance.now() - t0).toFixed(0)} ms; ${v.rows.length} rows × ${v.cols.length} columns, block ${v.block}`);
    const panel = await web.open(problem, { theme: 'dark' });
    try {
      await panel.at('forward', 1);
      await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 10_000 });
      expect(await panel.page.getByTestId('flow-bounded').textContent()).toContain(`the most recent ${MAX_FLOW_ROWS} of 400 rows`);
      const canvas = panel.page.getByTestId('flow-map');
      expect(await canvas.evaluate((e) => e.tagName)).toBe('CANVAS');
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      for (let i = 0; i < 3; i++) await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 4); // t = 4 is not among the rows shown: no cursor box
      expect(await canvas.getAttribute('data-cursor')).toBe('');
      expect(await panel.page.getByTestId('flow-offmap').textContent()).toContain('Row t = 4 is not on this map');
      await panel.scrollTimelineTo(390);
      await panel.page.getByTestId('timeline-390').click();
      await panel.at('backward', 390);
      expect(await panel.page.getByTestId('flow-offmap').isHidden()).toBe(true);
      expect(await canvas.getAttribute('data-cursor')).toBe(`390-${v.cols[Math.floor((390 - v.cols[0]) / v.block)]}`);
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      const cell = box.width / v.cols.length;
      const [i, j] = [v.rows.length - 1, v.cols.length - 1];
      await panel.page.mouse.move(box.x + (j + 0.5) * cell, box.y + (i + 0.5) * cell);
      expect(await canvas.getAttribute('title')).toContain(`= ${formatNumber(v.norms[i][j]!)}`);
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, 'flow-long.png') });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});

describe('looks', () => {
  interface Picked {
    sel: string;
    fg: string | null;
    bg: string | null;
  }
  test.each(['light', 'dark', 'high-contrast'] as const)('%s: the section is legible', async (theme) => {
    const panel = await open('truncated-window', { theme });
    try {
      const picked = (await panel.page.evaluate(COLOURS)) as Picked[];
      const bad = picked.filter((p) => p.fg && p.bg && contrast(p.fg, p.bg) < 4.5).map((p) => p.sel);
      expect(bad).toEqual([]);
      await panel.page.keyboard.press('End');
      await panel.at('backward', 1);
      for (let i = 1; i < 6; i++) await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', 6);
      await jacobianAt(panel, 6);
      await panel.page.getByTestId('flow').scrollIntoViewIfNeeded();
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, `flow-${theme}.png`) });
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });

  test('a failure on the host is said, not waited for', async () => {
    const panel = await open('hello');
    try {
      await panel.post({ type: 'flow', flow: null, error: 'the flow map ran out of memory' });
      await panel.page.waitForSelector('[data-testid="flow-status"]:has-text("could not be computed")', { timeout: 5000 });
      expect(await panel.page.getByTestId('flow-status').textContent()).toContain('ran out of memory');
      expect(await panel.page.getByTestId('flow').getAttribute('aria-busy')).toBeNull();
    } finally {
      await panel.close();
    }
  });

  test('a narrow column (360px): no sideways page scroll', async () => {
    const panel = await open('lstm', { theme: 'dark', width: 360, height: 900 });
    try {
      for (let i = 1; i < 4; i++) await panel.page.keyboard.press('ArrowRight');
      await panel.at('forward', 4);
      await jacobianAt(panel, 4);
      expect(await panel.page.evaluate(OVERFLOW)).toBeLessThanOrEqual(0);
      await panel.page.screenshot({ path: join(web.shots, 'flow-narrow.png'), fullPage: true });
      // The section alone, from the full page (an element shot would slide it under the sticky header).
      const box = (await panel.page.evaluate(`(() => { const r = document.querySelector('[data-testid="flow"]').getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; })()`)) as { x: number; y: number; width: number; height: number };
      await panel.page.screenshot({ path: join(web.shots, 'flow-narrow-section.png'), fullPage: true, clip: box });
    } finally {
      await panel.close();
    }
  });
});
