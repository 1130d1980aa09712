/**
 * The stepper webview in a real browser, driven as a person would (buttons, keys) while the test
 * plays the host with the real engine: every number shown is checked against the engine's trace.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Cursor } from '../../src/protocol';
import { Panel, useBrowser } from './harness';
import { mismatches } from './expected';
import { loadExample } from './problems';

const web = useBrowser();

/** Forward 1..T then backward T..1: the cursor's whole line. */
const line = (T: number): Cursor[] => [
  ...Array.from({ length: T }, (_, i) => ({ phase: 'forward' as const, t: i + 1 })),
  ...Array.from({ length: T }, (_, i) => ({ phase: 'backward' as const, t: T - i })),
];

/**
 * Each timeline column's state against the cursor: the cursor's column (aria-current), the steps
 * done (run forward, or reached backward). The panel repaints only the columns a move changes, so
 * every column is read after every move.
 */
async function columnMismatches(panel: Panel, c: Cursor): Promise<string[]> {
  const states = (await panel.page.evaluate(`[...document.querySelectorAll('.tl-col')].map((e) => [Number(e.dataset.t), e.classList.contains('cursor'), e.getAttribute('aria-current') === 'step', e.classList.contains('done')])`)) as [number, boolean, boolean, boolean][];
  const bad: string[] = [];
  if (states.length !== panel.trace.T) bad.push(`${states.length} columns for T = ${panel.trace.T}`);
  for (const [t, cursor, current, done] of states) {
    const want = { cursor: t === c.t, done: c.phase === 'forward' ? t < c.t : t > c.t };
    if (cursor !== want.cursor || current !== want.cursor) bad.push(`timeline-${t}: cursor ${cursor}, aria-current ${current}, want ${want.cursor}`);
    if (done !== want.done) bad.push(`timeline-${t}: done ${done}, want ${want.done}`);
  }
  return bad;
}

async function stepThrough(name: string): Promise<void> {
  const problem = await loadExample(name);
  const panel = await web.open(problem);
  try {
    await panel.at('forward', 1);
    const T = panel.trace.T;
    const places = line(T);
    for (let i = 0; i < places.length; i++) {
      const c = places[i];
      if (i > 0) await panel.page.getByTestId('btn-forward').click();
      await panel.at(c.phase, c.t);
      expect(mismatches(problem, panel.trace, c, await panel.collect()), `${name} at ${c.phase} t=${c.t}`).toEqual([]);
      expect(await columnMismatches(panel, c), `${name} timeline at ${c.phase} t=${c.t}`).toEqual([]);
    }
    // And back again with the step-back button, checking each place once more.
    for (let i = places.length - 2; i >= 0; i--) {
      await panel.page.getByTestId('btn-back').click();
      await panel.at(places[i].phase, places[i].t);
      expect(mismatches(problem, panel.trace, places[i], await panel.collect()), `${name} back at ${places[i].phase} t=${places[i].t}`).toEqual([]);
      expect(await columnMismatches(panel, places[i]), `${name} timeline back at ${places[i].phase} t=${places[i].t}`).toEqual([]);
    }
    expect(panel.errors).toEqual([]);
    expect(await panel.page.evaluate('window.__cspViolations')).toEqual([]);
  } finally {
    await panel.close();
  }
}

describe('the numbers shown are the trace', () => {
  test("hello: forward and backward, every h, y, L_t, dh (and parts), ||dh||, gradient cell", () => stepThrough('hello'));
  test('lstm: gates i, f, g, o, c_t and dc_t as well', () => stepThrough('lstm'));
  test('lstm with peepholes (w_ci, w_cf, w_co as vector heatmaps)', () => stepThrough('lstm-peephole'));
  test('gru: gates r, z, n', () => stepThrough('gru'));
});

describe('truncated BPTT on the timeline', () => {
  const classes = async (panel: Panel, t: number): Promise<string> => (await panel.page.getByTestId(`timeline-${t}`).getAttribute('class')) ?? '';

  test('window: the k steps the current L_t reaches back are marked, and move with the cursor', async () => {
    const panel = await web.open(await loadExample('truncated-window'));
    try {
      await panel.at('forward', 1);
      const { k } = panel.problem.bptt;
      expect(await panel.page.getByTestId('truncation').textContent()).toContain(`k = ${k}`);
      for (const [phase, t, key] of [['forward', 5, 'ArrowRight'], ['backward', 7, 'End']] as const) {
        if (key === 'End') {
          await panel.page.keyboard.press('End');
          await panel.at('backward', 1);
          for (let i = 1; i < t; i++) await panel.page.keyboard.press('ArrowLeft');
        } else for (let i = 1; i < t; i++) await panel.page.keyboard.press(key);
        await panel.at(phase, t);
        const marked: number[] = [];
        for (let s = 1; s <= panel.trace.T; s++) if ((await classes(panel, s)).includes('in-window')) marked.push(s);
        expect(marked).toEqual(Array.from({ length: k }, (_, i) => t - k + 1 + i));
        expect(mismatches(panel.problem, panel.trace, { phase, t }, await panel.collect())).toEqual([]);
      }
    } finally {
      await panel.close();
    }
  });

  test('chunks: a boundary before each chunk of k steps', async () => {
    const panel = await web.open(await loadExample('truncated-chunks'));
    try {
      await panel.at('forward', 1);
      const { k } = panel.problem.bptt;
      const starts: number[] = [];
      for (let s = 1; s <= panel.trace.T; s++) if ((await classes(panel, s)).includes('chunk-start')) starts.push(s);
      expect(starts).toEqual(Array.from({ length: Math.ceil(panel.trace.T / k) - 1 }, (_, i) => (i + 1) * k + 1));
    } finally {
      await panel.close();
    }
  });
});

describe('keyboard and controls', () => {
  let panel: Panel;
  beforeAll(async () => {
    panel = await web.open(await loadExample('hello'), { state: { speed: '100' } });
    await panel.at('forward', 1);
  });
  afterAll(() => panel.close());

  test('ArrowRight / ArrowLeft step; Home goes to forward t = 1; End to backward t = 1', async () => {
    const T = panel.trace.T;
    const k = panel.page.keyboard;
    await k.press('ArrowRight');
    await panel.at('forward', 2);
    await k.press('ArrowRight');
    await panel.at('forward', 3);
    await k.press('ArrowLeft');
    await panel.at('forward', 2);
    await k.press('End');
    await panel.at('backward', 1);
    await k.press('ArrowLeft');
    await panel.at('backward', 2);
    await k.press('Home');
    await panel.at('forward', 1);
    // Past the end of the forward pass comes the backward pass at T.
    for (let i = 1; i < T; i++) await k.press('ArrowRight');
    await panel.at('forward', T);
    await k.press('ArrowRight');
    await panel.at('backward', T);
    expect(panel.received.slice(-2)).toEqual([{ type: 'step', delta: 1 }, { type: 'step', delta: 1 }]);
  });

  test('shortcuts are in the buttons’ tooltips', async () => {
    const titles = await Promise.all(['btn-start', 'btn-back', 'btn-play', 'btn-forward', 'btn-end'].map((id) => panel.page.getByTestId(id).getAttribute('title')));
    expect(titles).toEqual([expect.stringContaining('Home'), expect.stringContaining('←'), expect.stringContaining('Space'), expect.stringContaining('→'), expect.stringContaining('End')]);
  });

  test('Space plays to the end and stops there', async () => {
    await panel.page.keyboard.press('Home');
    await panel.at('forward', 1);
    await panel.page.locator('body').press('Space');
    await panel.at('backward', 1);
    await expect.poll(() => panel.page.getByTestId('btn-play').getAttribute('data-playing')).toBe('false');
    const n = panel.received.length;
    await panel.page.waitForTimeout(300);
    expect(panel.received.length).toBe(n); // no more steps once at the end
  });

  test('the cursor is saved with setState (a reload restores it through the host)', async () => {
    await panel.page.keyboard.press('Home');
    await panel.at('forward', 1);
    await panel.page.keyboard.press('ArrowRight');
    await panel.at('forward', 2);
    const state = (await panel.page.evaluate('window.__bpttState')) as { file: string; cursor: Cursor };
    expect(state.cursor).toEqual({ phase: 'forward', t: 2 });
    expect(state.file).toContain('hello');
  });

  test('clicking a timeline column jumps there in the same phase', async () => {
    await panel.page.getByTestId('timeline-3').click();
    await panel.at('forward', 3);
  });
});

describe('what the host sends', () => {
  let panel: Panel;
  beforeAll(async () => {
    panel = await web.open(await loadExample('hello'));
    await panel.at('forward', 1);
  });
  afterAll(() => panel.close());

  test('the ||dL/dh_t|| strip is empty forward and fills for t >= cursor going backward', async () => {
    const T = panel.trace.T;
    const filled = async (): Promise<number[]> => {
      const shown = await panel.collect();
      return Array.from({ length: T }, (_, i) => i + 1).filter((t) => shown.ids[`dhnorm-${t}`]?.value);
    };
    expect(await filled()).toEqual([]);
    await panel.page.keyboard.press('End');
    await panel.at('backward', 1);
    for (let t = 1; t <= T; t++) {
      if (t > 1) {
        await panel.page.keyboard.press('ArrowLeft');
        await panel.at('backward', t);
      }
      expect(await filled()).toEqual(Array.from({ length: T - t + 1 }, (_, i) => t + i));
    }
  });

  test('errors are shown while the last good trace stays visible; an empty list clears them', async () => {
    await panel.post({ type: 'errors', file: 'file:///examples/hello.rnn.yaml', errors: [{ line: 4, column: 10, message: 'model.hidden must be a positive integer' }] });
    const banner = panel.page.getByTestId('errors');
    await expect.poll(() => banner.textContent()).toContain('model.hidden must be a positive integer');
    expect(await banner.textContent()).toContain('4:10');
    expect(await banner.textContent()).toContain('last good trace');
    const c = (await panel.page.getByTestId('app').getAttribute('data-phase')) as 'forward' | 'backward';
    const t = Number(await panel.page.getByTestId('app').getAttribute('data-t'));
    expect(mismatches(panel.problem, panel.trace, { phase: c, t }, await panel.collect())).toEqual([]);
    await panel.post({ type: 'errors', file: 'file:///examples/hello.rnn.yaml', errors: [] });
    await expect.poll(() => banner.count()).toBe(0);
  });

  test('an invalid message from the host is ignored (with a warning)', async () => {
    const before = await panel.collect();
    const warnings = panel.warnings.length;
    await panel.post({ type: 'snapshot', snapshot: {} });
    await panel.post({ type: 'eval', code: 'alert(1)' });
    await panel.post('trace');
    await panel.post({ type: 'trace', summary: 1 });
    // Passes the cheap check (it has a cursor) but is hollow inside.
    await panel.post({ type: 'snapshot', snapshot: { cursor: { phase: 'backward', t: 2 } } });
    await expect.poll(() => panel.warnings.length).toBe(warnings + 5);
    expect(await panel.collect()).toEqual(before);
    expect(panel.errors).toEqual([]);
  });

  test('a spec invalid from the start: its errors alone, then the trace once it is fixed', async () => {
    const fresh = await web.open(panel.problem, { withholdTrace: true });
    try {
      await expect.poll(() => fresh.received).toEqual([{ type: 'ready' }]);
      await fresh.post({ type: 'errors', file: 'x', errors: [{ line: 1, column: 1, message: 'model is required' }] });
      await expect.poll(() => fresh.page.getByTestId('errors').textContent()).toContain('model is required');
      expect(await fresh.page.getByTestId('errors').textContent()).not.toContain('last good trace');
      await fresh.post({ type: 'errors', file: 'x', errors: [] });
      await fresh.sendTrace();
      await fresh.at('forward', 1);
      expect(await fresh.page.getByTestId('errors').count()).toBe(0);
      expect(mismatches(fresh.problem, fresh.trace, { phase: 'forward', t: 1 }, await fresh.collect())).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
