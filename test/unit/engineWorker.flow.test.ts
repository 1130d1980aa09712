/**
 * The gradient-flow views in the engine worker (dist/engineWorker.js, spoken to over its real
 * messages): on a long trace they take seconds, so they run in slices and the worker answers a move
 * or a debugger's variables request asked after them first; and a flow nobody will show (its
 * session rebuilt, its panel closed) stops and answers "superseded", never the old trace's values.
 * Orderings only: no timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import type { FromEngine } from '../../src/extension/engine/events';
import { engineWorkerHarness, type Reply } from './helpers/engineWorker';
import { FLOW_SUPERSEDED, type SpecText } from '../../src/extension/engine/messages';
import type { FlowData } from '../../src/protocol';

const start = engineWorkerHarness(240_000);

const spec = (key: string, text: string): SpecText => ({ key, file: key, dir: null, roots: [], rootsName: 'the test folder', refuse: null, format: 'yaml', text });

/**
 * An LSTM just long enough to be checkpointed (T·H = 2.05e6): the trace keeps no step's records, so
 * the flow views run their own forward pass over all T steps (seconds), then the map and the spectra.
 */
function longSpec(T = 32_000, H = 64): string {
  let seed = 5;
  const text = Array.from({ length: T + 1 }, () => 'abcdefgh'[(seed = (seed * 1103515245 + 12345) % 2147483648) % 8]).join('');
  return `name: long\nmodel:\n  cell: lstm\n  hidden: ${H}\ndata:\n  text: ${text}\ninit:\n  seed: 3\n`;
}

describe('the gradient flow in the engine worker', () => {
  it('answers a move and a variables request sent after the flow request before the flow, and the flow is the long trace’s', async () => {
    const { send, log, until, reply } = start();
    send({ type: 'attach', spec: spec('mem:flow', longSpec()), who: 'panel', build: 1 });
    await until((m) => m.type === 'built' && m.build === 1);
    // What the panel asks after a trace (the flow), then what a user or the debugger asks next.
    send({ type: 'call', id: 40, key: 'mem:flow', call: { method: 'flow' } });
    send({ type: 'call', id: 41, key: 'mem:flow', call: { method: 'move', move: { kind: 'jump', to: 'end' }, origin: 'panel' } });
    send({ type: 'call', id: 42, key: 'mem:flow', call: { method: 'variables', at: { phase: 'backward', t: 1 }, path: ['Gradients'] } });
    const flow = await reply(40);
    const at = (id: number): number => log.findIndex((m) => m.type === 'reply' && m.id === id);
    expect(at(41)).toBeGreaterThan(-1);
    expect(at(42)).toBeGreaterThan(-1);
    expect(at(41)).toBeLessThan(at(40));
    expect(at(42)).toBeLessThan(at(40));
    expect((log[at(41)] as Reply).ok && (log[at(41)] as Reply & { ok: true }).value).toMatchObject({ cursor: { phase: 'backward', t: 1 }, moved: true });
    expect(flow.ok).toBe(true);
    const data = (flow as Reply & { ok: true }).value as FlowData;
    expect(data.map.T).toBe(32_000);
    expect(data.map.rows[data.map.rows.length - 1]).toBe(32_000);
    expect(data.spectral.map((s) => s.name)).toEqual(['W_hi', 'W_hf', 'W_hg', 'W_ho']);
    // How far it was, said along the way (the panel shows it): the forward pass first, all before the answer.
    const progress = log.slice(0, at(40)).filter((m): m is Extract<FromEngine, { type: 'flowProgress' }> => m.type === 'flowProgress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ key: 'mem:flow', phase: 'forward', total: 32_000 });
    expect(progress.every((m) => m.done <= m.total)).toBe(true);
    // The cursor moves on while its Jacobian row computes: the older row stops, the newer one is answered.
    send({ type: 'call', id: 43, key: 'mem:flow', call: { method: 'jacobian', t: 32_000 } });
    send({ type: 'call', id: 44, key: 'mem:flow', call: { method: 'jacobian', t: 31_999 } });
    expect(await reply(43)).toEqual({ type: 'reply', id: 43, ok: false, error: FLOW_SUPERSEDED });
    const row = await reply(44);
    expect(row.ok && (row.value as { t: number }).t).toBe(31_999);
  }, 300_000);

  it('a flow under way when the spec is edited stops, answers superseded, and the new trace’s flow follows', async () => {
    const { send, log, until, reply } = start();
    send({ type: 'attach', spec: spec('mem:edit', longSpec()), who: 'panel', build: 1 });
    await until((m) => m.type === 'built' && m.build === 1);
    send({ type: 'call', id: 50, key: 'mem:edit', call: { method: 'flow' } });
    // An edit while the flow computes: a short sequence, rebuilt (build 2) once the flow has stopped.
    send({ type: 'spec', id: 51, spec: spec('mem:edit', longSpec(300)), build: 2 });
    const stale = await reply(50);
    expect(stale).toEqual({ type: 'reply', id: 50, ok: false, error: FLOW_SUPERSEDED });
    await until((m) => m.type === 'built' && m.build === 2);
    send({ type: 'call', id: 52, key: 'mem:edit', call: { method: 'flow' } });
    const fresh = await reply(52);
    expect(fresh.ok && (fresh.value as FlowData).map.T).toBe(300);
    // No flow of the old trace was ever delivered.
    const flows = log.filter((m): m is Reply & { ok: true } => m.type === 'reply' && m.ok && typeof m.value === 'object' && m.value !== null && 'map' in m.value);
    expect(flows.map((m) => (m.value as FlowData).map.T)).toEqual([300]);
  }, 300_000);

  it('a flow under way when its panel closes stops and answers superseded', async () => {
    const { send, until, reply } = start();
    send({ type: 'attach', spec: spec('mem:close', longSpec()), who: 'panel', build: 1 });
    await until((m) => m.type === 'built' && m.build === 1);
    send({ type: 'call', id: 60, key: 'mem:close', call: { method: 'flow' } });
    send({ type: 'detach', key: 'mem:close', who: 'panel' });
    expect(await reply(60)).toEqual({ type: 'reply', id: 60, ok: false, error: FLOW_SUPERSEDED });
  }, 300_000);
});
