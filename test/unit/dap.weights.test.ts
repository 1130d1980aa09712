/**
 * A launch configuration's `weights` over DAP (`bptt dap`): a PyTorch state_dict (.pt) and a
 * .safetensors file, as the CLI reads them. The values the debugger shows are PyTorch's: the
 * parameters as saved, and at backward t=1 grad(W) (the whole sequence's gradient) equal to the
 * autograd gradients of test/fixtures/torch (scripts/torch_fixtures.py).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, launch, ROOT, track } from './helpers/dapSession';
import { DapClient } from './helpers/dapClient';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const TORCH = join(ROOT, 'test', 'fixtures', 'torch');

/** The fixture's spec without its init.weights_file, so only the launch names the weights. */
function bareSpec(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bptt-dap-weights-'));
  const text = readFileSync(join(TORCH, `${name}.rnn.yaml`), 'utf8').replace(/^init:\n\s+weights_file: .*\n?/m, '');
  expect(text).not.toMatch(/weights_file/);
  const path = join(dir, `${name}.rnn.yaml`);
  writeFileSync(path, text);
  return path;
}

async function value(c: DapClient, expression: string): Promise<number[]> {
  const r = await c.ok('evaluate', { expression, context: 'watch', frameId: 1 });
  if (!r.variablesReference) return [Number(r.result)];
  const { variables } = await c.ok('variables', { variablesReference: r.variablesReference, filter: 'indexed' });
  const out: number[] = [];
  for (const v of variables as { value: string; variablesReference: number }[]) {
    if (!v.variablesReference) out.push(Number(v.value));
    else {
      const row = await c.ok('variables', { variablesReference: v.variablesReference, filter: 'indexed' });
      out.push(...row.variables.map((x: { value: string }) => Number(x.value)));
    }
  }
  return out;
}

const close = (got: number[], want: number[], tol: number): void => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
};

describe('bptt dap: launch weights from PyTorch', () => {
  for (const file of ['rnn_l1.pt', 'rnn_l1.safetensors', 'lstm_l1.safetensors']) {
    it(`"weights": "${file}" traces PyTorch's parameters; grad(W) at backward t=1 is autograd's`, async () => {
      const name = file.replace(/\..*$/, '');
      const expected = JSON.parse(readFileSync(join(TORCH, `${name}.expected.json`), 'utf8')) as { params: Record<string, Nested>; grads: Record<string, Nested>; loss: number };
      const { c } = await launch(bareSpec(name), { weights: join(TORCH, file) });
      const names = Object.keys(expected.params);
      for (const p of names) close(await value(c, p), flat(expected.params[p]), 0);
      await c.stop('continue', { threadId: 1 });
      expect((await c.ok('stackTrace', { threadId: 1 })).stackFrames[0].name).toBe('backward t=1');
      for (const p of names) close(await value(c, `grad(${p})`), flat(expected.grads[p]), 1e-9);
    });
  }

  it('a weights file of another model fails the launch, naming the file, the key and what the spec asks', async () => {
    const c = track(new DapClient(process.execPath, [CLI, 'dap'], ROOT));
    await c.ok('initialize', { adapterID: 'bptt', pathFormat: 'path' });
    const r = await c.request('launch', { spec: bareSpec('rnn_l1'), weights: join(TORCH, 'lstm_l2_emb.pt') });
    expect(r.success).toBe(false);
    expect(r.body?.error?.format ?? r.message).toMatch(/lstm_l2_emb\.pt: .*nn\.LSTM.*weight_hh_l0.*model\.cell is rnn/);
  });
});
