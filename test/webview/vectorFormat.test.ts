/**
 * The vector cards follow the equations' rule for a matrix: one number format per card (a sum's
 * three rows together), chosen from its largest entry, so columns line up; the exact value in each
 * cell's title. Checked on the engine's values where the rule matters: gradients so small that the
 * card is written in exponent form (one exponent for all), and outputs past 10 (fewer decimals).
 */
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { formatNumber } from '../../src/format';
import { randomProblem } from '../unit/helpers/randomProblem';
import { Panel, useBrowser } from './harness';
import { roundedOnce } from './expected';

const web = useBrowser();
const panels: Panel[] = [];
afterAll(async () => {
  for (const p of panels) await p.close();
});

interface Cell {
  text: string;
  title: string;
  right: number;
}
/** The cells of the rows with these data-testids, in order. */
const cellsOf = (panel: Panel, ids: string[]): Promise<Cell[][]> =>
  panel.page.evaluate(
    `${JSON.stringify(ids)}.map((id) => [...document.querySelectorAll('[data-testid="' + id + '"] .cell')].map((c) => ({ text: c.textContent, title: c.getAttribute('title') ?? '', right: c.getBoundingClientRect().right })))`,
  ) as Promise<Cell[][]>;

/** What is wrong with a card written from `values` (row by row): one format, rounded right, exact titles, columns aligned. */
function cardProblems(rows: Cell[][], values: number[][]): string[] {
  const bad: string[] = [];
  const texts = rows.flat().map((c) => c.text);
  // One format: the same exponent on every entry, or the same number of decimals.
  const exps = new Set(texts.map((s) => /e[+-]\d+$/.exec(s)?.[0] ?? ''));
  const decimals = new Set(texts.map((s) => /\.(\d+)/.exec(s.replace(/e[+-]\d+$/, ''))?.[1].length ?? 0));
  if (exps.size !== 1 || decimals.size !== 1) bad.push(`more than one format: ${texts.join(' ')}`);
  rows.forEach((row, r) => {
    if (row.length !== values[r].length) bad.push(`row ${r}: ${row.length} cells for ${values[r].length} values`);
    row.forEach((c, i) => {
      const v = values[r][i];
      // Rounded once, to the format's last digit: within half a unit of the value itself.
      if (!roundedOnce(c.text, v)) bad.push(`row ${r} [${i}]: ${c.text} for ${v}`);
      if (!c.title.endsWith(`= ${formatNumber(v)}`)) bad.push(`row ${r} [${i}]: title ${JSON.stringify(c.title)} lacks the exact ${formatNumber(v)}`);
      if (r > 0 && i < rows[0].length && Math.abs(c.right - rows[0][i].right) > 0.5) bad.push(`row ${r} [${i}] is not under row 0's`);
    });
  });
  return bad;
}

test('tiny gradients: the dL/dh sum is written with one exponent for all its entries, columns aligned', async () => {
  // Output weights of 3e-4: dL/dh_t = W_hyᵀ dz_t + ... is of order 1e-4 throughout.
  const panel = await web.open(randomProblem({ cell: 'rnn', H: 5, D: 3, K: 4, T: 6, seed: 2, scale: 3e-4 }));
  panels.push(panel);
  await panel.at('forward', 1);
  await panel.page.keyboard.press('End');
  await panel.at('backward', 1);
  for (const t of [1, 2]) {
    if (t > 1) {
      await panel.page.keyboard.press('ArrowLeft');
      await panel.at('backward', t);
    }
    const b = panel.trace.backward(t);
    const values = [b.dh_from_output, b.dh_from_future, b.dh].map((v) => Array.from(v));
    const rows = await cellsOf(panel, ['bwd-dh_from_output', 'bwd-dh_from_future', 'bwd-dh']);
    expect(rows[2][0].text, 'the card is in exponent form').toMatch(/e-\d+$/);
    expect(cardProblems(rows, values), `backward t=${t}`).toEqual([]);
  }
  await shoot(panel, 'dh-sum', 'tiny-dark');
});

test('outputs past 10: one number of decimals for y_t, 5 significant digits for its largest entry', async () => {
  const panel = await web.open(randomProblem({ cell: 'rnn', H: 4, D: 3, K: 4, T: 3, seed: 6, scale: 9, output: 'identity', loss: 'mse' }));
  panels.push(panel);
  await panel.at('forward', 1);
  const y = Array.from(panel.trace.forward(1).y);
  const rows = await cellsOf(panel, ['fwd-y']);
  expect(Math.max(...y.map(Math.abs))).toBeGreaterThan(10);
  expect(cardProblems(rows, [y])).toEqual([]);
  const largest = rows[0][y.map(Math.abs).indexOf(Math.max(...y.map(Math.abs)))].text;
  expect(largest.replace(/[-.]/g, '')).toHaveLength(5);
});

async function shoot(panel: Panel, testid: string, name: string): Promise<void> {
  await panel.page.getByTestId(testid).screenshot({ path: join(web.shots, `cards-${name}.png`) });
}

test('a long vector drawn as a strip writes its range\'s two ends in one format, the exact ends in its title', async () => {
  const panel = await web.open(randomProblem({ cell: 'rnn', H: 24, D: 3, K: 4, T: 4, seed: 3, scale: 3e-4 }));
  panels.push(panel);
  await panel.at('forward', 1);
  await panel.page.keyboard.press('End');
  await panel.at('backward', 1);
  const dh = Array.from(panel.trace.backward(1).dh);
  const [lo, hi] = [Math.min(...dh), Math.max(...dh)];
  const range = panel.page.getByTestId('bwd-dh').locator('.vstrip-range');
  const m = /^24 values, (\S+) … (\S+)$/.exec((await range.textContent()) ?? '');
  expect(m, 'the strip states its range').not.toBeNull();
  const [a, b] = [m![1], m![2]];
  // One format for both ends (the card's rule) and each end rounded right: checked as a card of two.
  expect(cardProblems([[{ text: a, title: `= ${formatNumber(lo)}`, right: 0 }, { text: b, title: `= ${formatNumber(hi)}`, right: 0 }]], [[lo, hi]])).toEqual([]);
  expect(await range.getAttribute('title')).toBe(`${formatNumber(lo)} … ${formatNumber(hi)}`);
});

test('the output distribution writes its probabilities in one format, each rounded once, the exact value in its title', async () => {
  // Large output weights: a peaked softmax whose least likely entries are below 1e-3.
  const panel = await web.open(randomProblem({ cell: 'rnn', H: 4, D: 3, K: 8, T: 2, seed: 4, scale: 3 }));
  panels.push(panel);
  await panel.at('forward', 1);
  const p = Array.from(panel.trace.forward(1).y);
  expect(Math.min(...p), 'some probability is tiny').toBeLessThan(1e-3);
  const cells = (await panel.page.evaluate(
    `[...document.querySelectorAll('[data-testid="distribution"] .dist-row')].map((r) => ({ k: Number(r.dataset.testid.slice(5)), text: r.querySelector('.dist-value').textContent, title: r.getAttribute('title'), right: r.querySelector('.dist-value').getBoundingClientRect().right }))`,
  )) as { k: number; text: string; title: string; right: number }[];
  expect(cells.map((c) => c.k).sort()).toEqual(p.map((_, k) => k)); // K = 8: every entry listed
  const row = cells.map((c) => ({ text: c.text, title: c.title.replace(/ · the target$/, ''), right: c.right }));
  expect(cardProblems([row], [cells.map((c) => p[c.k])])).toEqual([]);
  expect(new Set(cells.map((c) => c.right)).size, 'the numbers end in one column').toBe(1);
  await shoot(panel, 'distribution', 'distribution-dark');
});

test('a large vocabulary: its likeliest entries listed likeliest first, the target among them, the rest counted', async () => {
  const panel = await web.open(randomProblem({ cell: 'rnn', H: 4, D: 3, K: 40, T: 2, seed: 5, scale: 1.5 }));
  panels.push(panel);
  await panel.at('forward', 1);
  const p = Array.from(panel.trace.forward(1).y);
  const rows = (await panel.page.evaluate(`[...document.querySelectorAll('[data-testid="distribution"] .dist-row')].map((r) => Number(r.dataset.testid.slice(5)))`)) as number[];
  const target = panel.problem.sequence.targets[0];
  const top = p.map((v, k) => ({ v, k })).sort((a, b) => b.v - a.v).slice(0, 12).map((x) => x.k);
  const want = target?.kind === 'class' && !top.includes(target.index) ? [...top, target.index].sort((a, b) => p[b] - p[a]) : top;
  expect(rows).toEqual(want);
  expect(await panel.page.getByTestId('dist-rest').textContent()).toBe(`… and ${40 - want.length} less likely entries`);
});
