/**
 * While the flow data of a new trace compute, the section says so and how far the host says they
 * are; the old trace's map is not shown as the new one's, and the progress stops once they arrive.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { flowData } from '../../src/session/flowView';
import { useBrowser } from './harness';
import { loadExample } from './problems';

const web = useBrowser();

describe('the flow section while its data compute', () => {
  test('stale and busy on a new trace, the host’s progress shown, then the data; later progress is ignored', async () => {
    const problem = await loadExample('hello');
    const panel = await web.open(problem, { theme: 'dark' });
    try {
      await panel.at('forward', 1);
      await panel.page.waitForSelector('[data-testid="flow"][data-ready="true"]', { timeout: 10_000 });
      // A new trace: the section is stale (dimmed, aria-busy) until its flow message.
      await panel.post({ type: 'trace', summary: panel.session.summary(), snapshot: panel.session.snapshot() });
      await panel.page.waitForSelector('[data-testid="flow"][aria-busy="true"].stale', { timeout: 5000 });
      await panel.post({ type: 'flowProgress', text: 'the forward pass, 40%' });
      await panel.page.waitForSelector('[data-testid="flow-status"]:has-text("computing… the forward pass, 40%")', { timeout: 5000 });
      await panel.page.getByTestId('flow').screenshot({ path: join(web.shots, 'flow-computing.png') });
      await panel.post({ type: 'flow', flow: flowData(panel.session.problem, panel.session.trace.grads) });
      await panel.page.waitForSelector('[data-testid="flow"]:not([aria-busy]):not(.stale)', { timeout: 5000 });
      expect(await panel.page.getByTestId('flow-status').textContent()).toBe('');
      await panel.post({ type: 'flowProgress', text: 'the flow map, 10%' });
      // A snapshot after it: once the page shows its place, the progress before it was handled (and ignored).
      await panel.post({ type: 'snapshot', snapshot: panel.session.snapshot({ phase: 'forward', t: 2 }) });
      await panel.at('forward', 2);
      expect(await panel.page.getByTestId('flow-status').textContent()).toBe('');
      expect(panel.errors).toEqual([]);
    } finally {
      await panel.close();
    }
  });
});
