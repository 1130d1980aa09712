/**
 * A stacked model in the debugger (model.layers: 2, the PyTorch fixture lstm_l2_emb): a Layers
 * scope lists each layer's records, bottom first, under `_l{l}` names, and expressions name them.
 * Each layer's h is PyTorch's (the fixture keeps h per layer); and layer 1's h is what layer 2
 * reads: i_l2 at t=1 is sigmoid(W_xi_l2 @ h_l1 + b_i_l2) (layer 2's h_prev is zero), evaluated by the adapter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries, launch, ROOT, scope } from './helpers/dapSession';
import type { DapClient } from './helpers/dapClient';

const TORCH = join(ROOT, 'test', 'fixtures', 'torch');

async function evaluate(c: DapClient, expression: string): Promise<{ success: boolean; result?: string; message?: string }> {
  const r = await c.request('evaluate', { expression, context: 'watch', frameId: 1 });
  return r.success ? { success: true, result: r.body.result } : { success: false, message: r.body?.error?.format ?? r.message };
}

describe('bptt dap: stacked layers', () => {
  it('a Layers scope shows every layer under _l{l} names; expressions name them; gradients in the backward phase', async () => {
    const expected = JSON.parse(readFileSync(join(TORCH, 'lstm_l2_emb.expected.json'), 'utf8')) as { h: number[][][] } /* [layer][t][i] */;
    const { c } = await launch(join(TORCH, 'lstm_l2_emb.rnn.yaml'));
    const layers = await scope(c, 'Layers');
    expect(Object.keys(layers)).toEqual(['layer 1', 'layer 2']);
    const { variables: l2 } = await c.ok('variables', { variablesReference: layers['layer 2'].variablesReference });
    expect(l2.map((v: { name: string }) => v.name)).toEqual(['i_l2', 'f_l2', 'g_l2', 'o_l2', 'c_l2', 'h_l2']);
    const h2 = l2.find((v: { name: string }) => v.name === 'h_l2');
    expect(h2.evaluateName).toBe('h_l2');
    // The top layer is PyTorch's h, and the plain name h is the same vector.
    const top = (await entries(c, h2.variablesReference)).map(Number);
    top.forEach((v, i) => expect(Math.abs(v - expected.h[1][0][i])).toBeLessThan(1e-10));
    expect((await evaluate(c, 'norm(h_l2 - h) == 0')).result).toBe('true');
    // Layer 1's h is layer 2's input.
    const gate = await evaluate(c, 'max(abs(i_l2 - sigmoid(W_xi_l2 @ h_l1 + b_i_l2)))');
    expect(gate.success).toBe(true);
    expect(Number(gate.result)).toBeLessThan(1e-15);
    // And it is PyTorch's layer-1 output (the fixture keeps h per layer, per step).
    const { variables: l1 } = await c.ok('variables', { variablesReference: layers['layer 1'].variablesReference });
    const h1 = (await entries(c, l1.find((v: { name: string }) => v.name === 'h_l1').variablesReference)).map(Number);
    h1.forEach((v, i) => expect(Math.abs(v - expected.h[0][0][i])).toBeLessThan(1e-10));
    expect(Number((await evaluate(c, 'norm(h_l1 - h)')).result)).toBeGreaterThan(1e-6); // not the top layer's
    // Gradients are for the backward phase, said with the column; a layer past the stack is unknown.
    const early = await evaluate(c, 'norm(dh_l1)');
    expect(early.success).toBe(false);
    expect(early.message).toMatch(/column 6: dh_l1 is known in the backward phase/);
    expect((await evaluate(c, 'h_l3')).success).toBe(false);

    await c.stop('continue', { threadId: 1 });
    const back = await scope(c, 'Layers');
    const { variables: b1 } = await c.ok('variables', { variablesReference: back['layer 1'].variablesReference });
    expect(b1.map((v: { name: string }) => v.name)).toEqual(['i_l1', 'f_l1', 'g_l1', 'o_l1', 'c_l1', 'h_l1', 'dh_l1', 'dc_l1', 'da_i_l1', 'da_f_l1', 'da_g_l1', 'da_o_l1']);
    expect((await evaluate(c, 'norm(dh_l2 - dh) == 0')).result).toBe('true');
    expect(Number((await evaluate(c, 'norm(dh_l1)')).result)).toBeGreaterThan(0);
  });

  it('a single cell has no Layers scope', async () => {
    const { c } = await launch(join(TORCH, 'lstm_l1.rnn.yaml'));
    const { scopes } = await c.ok('scopes', { frameId: 1 });
    expect(scopes.map((s: { name: string }) => s.name)).toEqual(['Step', 'Gradients', 'Parameters']);
    expect((await evaluate(c, 'h_l1')).success).toBe(false);
  });
});
