/**
 * The timeline at T = 60,000: the panel draws the columns of the visible window (plus a margin),
 * not one per step. Scrolling, clicking a column, the keys, the ||dL/dh_t|| strip and the cursor
 * work as on a short trace, every value checked against the engine's trace. The time from the
 * trace message to the painted timeline is printed (a figure for the report, not an assertion).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { norm2 } from '../../src/engine';
import { formatNumber } from '../../src/format';
import { packSummary } from '../../src/traceColumns';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, useBrowser } from './harness';

const T = 60_000;
const web = useBrowser();
let panel: Panel;
beforeAll(async () => {
  panel = await web.open(randomProblem({ cell: 'rnn', H: 3, D: 3, K: 3, T, seed: 11, nullRate: 0.2 }), { withholdTrace: true });
  await stashTrace();
  await panel.page.evaluate('window.dispatchEvent(new MessageEvent("message", { data: window.__trace }))');
  await at('forward', 1);
}, 120_000);
afterAll(async () => {
  await panel?.close();
});

/** Waits for the cursor (phase, t) longer than Panel.at: a busy machine may take seconds over 60,000 steps. */
const at = (phase: string, t: number) => panel.page.waitForSelector(`[data-testid="app"][data-phase="${phase}"][data-t="${t}"]`, { timeout: 60_000 });

/** The packed trace message, kept in the page (window.__trace) as VS Code delivers it: typed arrays, not JSON. */
async function stashTrace(): Promise<void> {
  const msg = { type: 'trace', summary: packSummary(panel.session.summary()).packed, snapshot: panel.session.snapshot() };
  const json = JSON.stringify(msg, (_k, v) => (ArrayBuffer.isView(v) ? { __typed: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isNaN(x) ? 'NaN' : x)) } : v));
  await panel.page.evaluate((text) => {
    (globalThis as unknown as { __trace: unknown }).__trace = JSON.parse(text, (_k, v) => (v && typeof v === 'object' && typeof v.__typed === 'string' ? new (globalThis as unknown as Record<string, new (a: number[]) => unknown>)[v.__typed](v.data.map((x: number | string) => (x === 'NaN' ? NaN : x))) : v));
  }, json);
}

/** Dispatches the stashed trace message and resolves after the next frame is painted: ms from the message to the painted page. */
const TIME_TRACE = `new Promise((resolve) => {
  const t0 = performance.now();
  window.dispatchEvent(new MessageEvent('message', { data: window.__trace }));
  requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
})`;

test('a trace of 60,000 steps: the time from its message to the painted timeline is printed', async () => {
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) ms.push((await panel.page.evaluate(TIME_TRACE)) as number);
  ms.sort((a, b) => a - b);
  const columns = (await panel.page.evaluate('document.querySelectorAll(".tl-col").length')) as number;
  console.info(`trace message to painted timeline at T = ${T}: median ${ms[1].toFixed(0)} ms (3 runs: ${ms.map((m) => m.toFixed(0)).join(', ')}), ${columns} timeline columns in the DOM`);
  await at('forward', 1);
}, 600_000);

/** The columns in the page: t, classes, the input, L_t and ||dL/dh_t|| they show, and whether each lies inside the timeline's view. */
interface ShownColumn {
  t: number;
  cursor: boolean;
  current: boolean;
  done: boolean;
  input: string;
  loss: string;
  dh: string;
  inView: boolean;
}
const COLUMNS = `(() => {
  const box = document.querySelector('[data-testid="timeline-scroll"]').getBoundingClientRect();
  return [...document.querySelectorAll('.tl-col')].map((e) => {
    const r = e.getBoundingClientRect();
    const q = (id) => e.querySelector('[data-testid="' + id + '-' + e.dataset.t + '"]');
    return { t: Number(e.dataset.t), cursor: e.classList.contains('cursor'), current: e.getAttribute('aria-current') === 'step', done: e.classList.contains('done'),
      input: q('timeline-input').textContent, loss: q('timeline-loss').textContent, dh: q('dhnorm').dataset.value, inView: r.left >= box.left - 1 && r.right <= box.right + 1 };
  });
})()`;
const columns = async (): Promise<ShownColumn[]> => (await panel.page.evaluate(COLUMNS)) as ShownColumn[];

/** What each shown column must say at cursor c, from the engine's trace; and that the steps are consecutive, the cursor's among them and in view. */
function columnProblems(shown: ShownColumn[], c: { phase: 'forward' | 'backward'; t: number }): string[] {
  const bad: string[] = [];
  if (shown.length === 0 || shown.length > 200) bad.push(`${shown.length} columns in the page`);
  shown.forEach((col, i) => i > 0 && col.t !== shown[i - 1].t + 1 && bad.push(`column ${col.t} follows ${shown[i - 1].t}`));
  const here = shown.find((col) => col.t === c.t);
  if (!here?.inView) bad.push(`the cursor's column ${c.t} is ${here ? 'out of view' : 'not in the page'}`);
  for (const col of shown) {
    const f = panel.trace.forward(col.t);
    const want = { cursor: col.t === c.t, done: c.phase === 'forward' ? col.t < c.t : col.t > c.t, loss: f.loss === null ? '—' : formatNumber(f.loss), dh: c.phase === 'backward' && col.t >= c.t ? formatNumber(norm2(panel.trace.backward(col.t).dh)) : '' };
    if (col.cursor !== want.cursor || col.current !== want.cursor) bad.push(`${col.t}: cursor ${col.cursor}/${col.current}, want ${want.cursor}`);
    if (col.done !== want.done) bad.push(`${col.t}: done ${col.done}, want ${want.done}`);
    if (col.loss !== want.loss) bad.push(`${col.t}: L_t ${col.loss}, trace ${want.loss}`);
    if (col.dh !== want.dh) bad.push(`${col.t}: ||dL/dh_t|| ${JSON.stringify(col.dh)}, trace ${JSON.stringify(want.dh)}`);
  }
  return bad;
}

/** Waits for the webview's next painted frame (a scroll redraws the window then). */
const nextFrame = (): Promise<unknown> => panel.page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');

test('the page holds the columns in view and a margin, each showing its step of the trace; the cursor in view', async () => {
  await at('forward', 1);
  expect(columnProblems(await columns(), { phase: 'forward', t: 1 })).toEqual([]);
  expect((await columns())[0].t).toBe(1);
  // The track is as wide as all the columns: the scrollbar stands for 60,000 steps.
  const [scrollWidth, pitch] = (await panel.page.evaluate(`[document.querySelector('[data-testid="timeline-scroll"]').scrollWidth,
    document.querySelector('.tl-col[data-t="2"]').getBoundingClientRect().left - document.querySelector('.tl-col[data-t="1"]').getBoundingClientRect().left]`)) as number[];
  expect(pitch).toBeGreaterThan(40);
  expect(scrollWidth).toBeGreaterThanOrEqual(T * pitch - 2);
});

test('scrolling to the middle draws the steps there; clicking one jumps to it', async () => {
  await panel.page.evaluate('(() => { const s = document.querySelector(\'[data-testid="timeline-scroll"]\'); s.scrollLeft = s.scrollWidth / 2; })()');
  await nextFrame();
  const shown = await columns();
  const seen = shown.filter((c) => c.inView).map((c) => c.t);
  expect(seen.length).toBeGreaterThan(3);
  expect(Math.abs(seen[0] - T / 2)).toBeLessThan(60);
  // Still painted for the cursor at forward t = 1 (every step after it not yet run).
  expect(columnProblems(shown, { phase: 'forward', t: 1 }).filter((p) => !p.includes("cursor's column"))).toEqual([]);
  const target = seen[2];
  await panel.page.getByTestId(`timeline-${target}`).click();
  await at('forward', target);
  expect(columnProblems(await columns(), { phase: 'forward', t: target })).toEqual([]);
});

test('keys move the cursor and the window follows: End, a step back along the backward pass, Home', async () => {
  await panel.page.keyboard.press('End');
  await at('backward', 1);
  expect(columnProblems(await columns(), { phase: 'backward', t: 1 })).toEqual([]);
  // Backward from t = 1, a step back is t = 2: the cursor stays in view as it walks.
  for (let t = 2; t <= 40; t++) {
    await panel.page.keyboard.press('ArrowLeft');
    await at('backward', t);
  }
  expect(columnProblems(await columns(), { phase: 'backward', t: 40 })).toEqual([]);
  await panel.page.keyboard.press('Home');
  await at('forward', 1);
  expect(columnProblems(await columns(), { phase: 'forward', t: 1 })).toEqual([]);
});
