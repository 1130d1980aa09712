/**
 * Every number the panel writes on a card, in a heatmap or in an equation is the engine's value
 * rounded once, by the format the card chose for all its numbers. The host used to round the
 * values it sent first (3 significant digits), so a card of tiny gradients could write -0.72e-4 for
 * -7.2507e-5 beside 8.07e-4: rounded twice. Checked here against the trace's records (not the
 * snapshot the panel received) on every step of an LSTM whose gradients are all tiny.
 */
import { afterAll, expect, test } from 'vitest';
import type { Problem, Trace } from '../../src/engine';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, useBrowser } from './harness';
import { roundedOnce } from './expected';

const web = useBrowser();
const panels: Panel[] = [];
afterAll(async () => {
  for (const p of panels) await p.close();
});

/** Each vector row's cells, each numeric heatmap's cells and each equation value's entries, by data-testid. */
interface Written {
  rows: Record<string, string[]>;
  grids: Record<string, { i: number; j: number; text: string }[]>;
  terms: Record<string, { shape: string; i: number; j: number; text: string }[]>;
}

const WRITTEN = `(() => {
  const rows = {}, grids = {}, terms = {};
  for (const c of document.querySelectorAll('.cells[data-testid]:not(.vstrip)')) rows[c.dataset.testid] = [...c.querySelectorAll('.cell')].map((x) => x.textContent.trim());
  for (const h of document.querySelectorAll('.heatmap.numeric[data-testid]')) grids[h.dataset.testid] = [...h.querySelectorAll('.hm-cell')].map((x) => ({ i: Number(x.dataset.row), j: Number(x.dataset.col), text: x.textContent.trim() }));
  for (const t of document.querySelectorAll('mtable[data-testid]')) terms[t.dataset.testid] = [...t.querySelectorAll('mn[data-i]')].map((x) => ({ shape: t.dataset.shape, i: Number(x.dataset.i), j: Number(x.dataset.j), text: x.textContent.replace(/\\u2007/g, '').trim() }));
  return { rows, grids, terms };
})()`;

/** The engine's vector a row shows (fwd-<name>, bwd-<...>), or undefined for rows not checked here. */
function rowValues(trace: Trace, phase: 'forward' | 'backward', t: number, id: string): Float64Array | undefined {
  const f = trace.forward(t);
  const fwd = /^fwd-(.+)$/.exec(id)?.[1];
  if (fwd) return fwd === 'x' ? f.x : fwd === 'h' ? f.h : fwd === 'y' ? f.y : (f.gates[fwd] ?? f.states[fwd]);
  if (phase !== 'backward') return undefined;
  const b = trace.backward(t);
  if (id === 'bwd-dh') return b.dh;
  if (id === 'bwd-dh_from_output') return b.dh_from_output;
  if (id === 'bwd-dh_from_future') return b.dh_from_future;
  if (id === 'bwd-dc') return b.dstates.c;
  const gate = /^bwd-da_(.+)$/.exec(id)?.[1];
  return gate ? b.dgates[gate] : undefined;
}

/** The engine's value an equation names at t (its inputs, gates, states, weights, gradients), where a record holds it. */
function termValues(problem: Problem, trace: Trace, phase: 'forward' | 'backward', t: number, name: string): Float64Array | undefined {
  const f = trace.forward(t);
  if (name in problem.params) return problem.params[name].data;
  if (name === 'x') return f.x;
  if (name === 'h_prev' || name === 'c_prev') return t > 1 ? trace.forward(t - 1).states[name[0]] : undefined;
  if (name in f.gates) return f.gates[name];
  if (name in f.states) return f.states[name];
  if (name === 'z') return f.z;
  if (name === 'y') return f.y;
  if (phase === 'backward') {
    const b = trace.backward(t);
    if (name === 'dh') return b.dh;
    if (name === 'dz') return b.dz;
    const d = /^d(.+)$/.exec(name)?.[1];
    if (d && d in b.dgates) return b.dgates[d];
    if (d && d in b.dstates) return b.dstates[d];
    if (d && d in problem.params) return trace.contribution(t)[d].data;
  }
  return undefined;
}

function problems(problem: Problem, trace: Trace, phase: 'forward' | 'backward', t: number, w: Written): { bad: string[]; checked: number } {
  const bad: string[] = [];
  let checked = 0;
  const check = (where: string, text: string, v: number): void => {
    checked++;
    if (!roundedOnce(text, v)) bad.push(`${phase} t=${t} ${where}: ${text} for ${v}`);
  };
  for (const [id, texts] of Object.entries(w.rows)) {
    const v = rowValues(trace, phase, t, id);
    if (v) texts.forEach((text, i) => check(`${id}[${i}]`, text, v[i]));
  }
  if (phase === 'backward') {
    for (const [id, cells] of Object.entries(w.grids)) {
      const m = /^grad-(.+)-(contribution|accumulated)$/.exec(id);
      if (!m) continue;
      const p = (m[2] === 'contribution' ? trace.contribution(t) : trace.accumulated(t))[m[1]];
      const cols = p.shape.length > 1 ? p.shape[1] : 1;
      for (const c of cells) check(`${id}[${c.i},${c.j}]`, c.text, p.data[c.i * cols + c.j]);
    }
  }
  for (const [id, entries] of Object.entries(w.terms)) {
    const m = /^eq-(\d+)-(.+)$/.exec(id);
    if (!m || m[2] === 'result') continue;
    const v = termValues(problem, trace, phase, t, m[2]);
    if (!v) continue;
    for (const e of entries) {
      const cols = e.shape.includes('×') && !e.shape.endsWith('×1') ? Number(e.shape.split('×')[1]) : 1;
      check(`${id}[${e.i},${e.j}]`, e.text, v[e.i * cols + e.j]);
    }
  }
  return { bad, checked };
}

test('tiny gradients of an LSTM: every number on the cards, heatmaps and equations is the value rounded once', async () => {
  // Weights of 3e-4: every gradient is of order 1e-4 or below, its cards in exponent form.
  const problem = randomProblem({ cell: 'lstm', H: 4, D: 3, K: 3, T: 4, seed: 11, scale: 3e-4 });
  const panel = await web.open(problem, { width: 1400, height: 1400 });
  panels.push(panel);
  await panel.at('forward', 1);
  const bad: string[] = [];
  let checked = 0;
  const look = async (phase: 'forward' | 'backward', t: number): Promise<void> => {
    await panel.at(phase, t);
    const r = problems(problem, panel.trace, phase, t, (await panel.page.evaluate(WRITTEN)) as Written);
    bad.push(...r.bad);
    checked += r.checked;
  };
  for (let t = 1; t <= problem.sequence.inputs.length; t++) {
    if (t > 1) await panel.page.keyboard.press('ArrowRight');
    await look('forward', t);
  }
  for (let t = problem.sequence.inputs.length; t >= 1; t--) {
    await panel.page.keyboard.press('ArrowRight');
    await look('backward', t);
  }
  expect(checked, 'numbers checked').toBeGreaterThan(1000);
  expect(bad).toEqual([]);
});
