/**
 * The trace message as the host sends it: the summary's columns packed as typed arrays (as VS Code
 * posts them to a webview: binary, reconstructed as the same typed arrays). The panel unpacks them
 * and shows the same timeline, the same ||dL/dh_t|| strip of every layer and the same vector
 * labels as from the plain summary; packed columns that do not fit T are refused, the view kept.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadSpec } from '../../src/engine/spec';
import { packSummary } from '../../src/traceColumns';
import { launch, Panel, type Shown } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The timeline's elements (columns, labels, losses, ||dL/dh_t|| bars and their scale). */
const timelineOf = (s: Shown): Record<string, Shown['ids'][string]> => Object.fromEntries(Object.entries(s.ids).filter(([id]) => /^(timeline|dhnorm|dh-range|truncation)/.test(id)));

const SPECS = {
  stack: 'name: stack\nmodel:\n  cell: gru\n  hidden: 3\n  layers: 2\ndata:\n  text: abcabcab\ninit:\n  seed: 4\n',
  vectors: 'name: vectors\nmodel:\n  cell: rnn\n  hidden: 2\n  output: identity\nloss: mse\ndata:\n  inputs: [[0.123456, 2], [-1.5, 3], [0.5, 0.25]]\n  targets: [[1], null, [0]]\ninit:\n  seed: 2\n',
};

for (const [name, text] of Object.entries(SPECS)) {
  test(`a packed trace shows what the plain one shows (${name})`, async () => {
    const problem = loadSpec(text, { format: 'yaml' }).problem!;
    const plain = await Panel.open(browser, problem);
    const packed = await Panel.open(browser, problem, { withholdTrace: true });
    try {
      await plain.at('forward', 1);
      await packed.post({ type: 'trace', summary: packSummary(packed.session.summary()).packed, snapshot: packed.session.snapshot() });
      await packed.at('forward', 1);
      for (const p of [plain, packed]) {
        await p.page.keyboard.press('End'); // backward t = 1: every bar filled in
        await p.at('backward', 1);
      }
      const a = timelineOf(await plain.collect());
      const b = timelineOf(await packed.collect());
      expect(Object.keys(a).length).toBeGreaterThan(4 * plain.session.T);
      expect(b).toEqual(a);
      const short = plain.session.summary().timeline[0].inputShort;
      if (name === 'vectors') expect([short, b['timeline-input-1'].text]).toEqual(['0.12…', short]); // the short form survived the packing
      // Columns shorter than T: refused (a warning), the timeline as it was.
      const bad = packSummary(packed.session.summary()).packed;
      await packed.post({ type: 'trace', summary: { ...bad, columns: { ...bad.columns, inputs: new Int32Array(1) } }, snapshot: packed.session.snapshot() });
      await expect.poll(() => packed.warnings.some((w) => w.includes('ignored an invalid message'))).toBe(true);
      expect(timelineOf(await packed.collect())).toEqual(a);
    } finally {
      await plain.close();
      await packed.close();
    }
  });
}
