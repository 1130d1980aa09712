/**
 * The harness itself, under the panel's real CSP (script-src by nonce, no 'unsafe-eval'): a wait
 * for a condition that turns true only later must poll without eval. Playwright's own string
 * predicates are re-evaluated with eval on each poll, which the CSP refuses (CI failed so once).
 */
import { expect, test } from 'vitest';
import { useBrowser } from './harness';
import { loadExample } from './problems';

const web = useBrowser();

test('until() awaits a condition that becomes true after the first poll, under the CSP', async () => {
  const panel = await web.open(await loadExample('hello'));
  try {
    await panel.at('forward', 1);
    // The CSP is really there: eval from the page's own tasks is refused (a DevTools evaluation
    // itself is exempt, which is why Playwright's first poll passes and only later ones fail).
    const later = `new Promise((done) => setTimeout(() => { try { done(String(eval('1 + 1'))); } catch (e) { done(e.name); } }, 0))`;
    expect(await panel.page.evaluate(later)).toBe('EvalError');
    await panel.page.evaluate(`setTimeout(() => { document.body.dataset.later = 'yes'; }, 300)`);
    await panel.until(`document.body.dataset.later === 'yes'`);
    expect(await panel.page.evaluate(`document.body.dataset.later`)).toBe('yes');
  } finally {
    await panel.close();
  }
});
