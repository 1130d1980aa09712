/**
 * The panel's flow relay (src/extension/panelFlow.ts) with a stand-in engine whose answers arrive
 * when the test says: only the newest flow request's answer reaches the webview, the worker's
 * "superseded" is never shown, progress is relayed only while the newest request is unanswered, and
 * after a cancelled rebuild the flow the worker stopped is asked again.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => ({ window: { createOutputChannel: () => ({ appendLine: () => undefined, dispose: () => undefined }) } }));

import { FlowRelay } from '../../src/extension/panelFlow';
import { FLOW_SUPERSEDED } from '../../src/extension/engine/messages';
import type { EngineClient } from '../../src/extension/engine/client';
import type { FlowData, HostMessage } from '../../src/protocol';

interface Asked {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

function setup(): { relay: FlowRelay; asked: Asked[]; posted: HostMessage[] } {
  const asked: Asked[] = [];
  const engine = {
    call: (_key: string, call: { method: string }) => new Promise((resolve, reject) => asked.push({ method: call.method, resolve, reject })),
  } as unknown as EngineClient;
  const posted: HostMessage[] = [];
  const relay = new FlowRelay(engine, 'mem:x', (m) => posted.push(m), () => 3, () => true);
  return { relay, asked, posted };
}

const flowOf = (T: number): FlowData => ({ map: { T } } as unknown as FlowData);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the panel’s flow relay', () => {
  it('an older request’s answer arriving after a newer request is dropped; the newer one is shown', async () => {
    const { relay, asked, posted } = setup();
    relay.sendFlow(); // trace 1
    relay.sendFlow(); // trace 2 arrived before trace 1's flow
    asked[0].resolve(flowOf(1));
    await settle();
    expect(posted).toEqual([]);
    asked[1].resolve(flowOf(2));
    await settle();
    expect(posted).toEqual([{ type: 'flow', flow: flowOf(2) }]);
  });

  it('"superseded" is not an error to show; a real failure is', async () => {
    const { relay, asked, posted } = setup();
    relay.sendFlow();
    asked[0].reject(new Error(FLOW_SUPERSEDED));
    await settle();
    expect(posted).toEqual([]);
    relay.sendFlow();
    asked[1].reject(new Error('out of memory'));
    await settle();
    expect(posted).toEqual([{ type: 'flow', flow: null, error: 'out of memory' }]);
  });

  it('progress only while the newest request is unanswered, in words', async () => {
    const { relay, asked, posted } = setup();
    relay.progress({ type: 'flowProgress', key: 'mem:x', phase: 'forward', done: 1, total: 2 }); // nothing asked yet
    relay.sendFlow();
    relay.progress({ type: 'flowProgress', key: 'mem:x', phase: 'forward', done: 1, total: 2 });
    asked[0].resolve(flowOf(1));
    await settle();
    relay.progress({ type: 'flowProgress', key: 'mem:x', phase: 'spectra', done: 1, total: 2 });
    expect(posted).toEqual([{ type: 'flowProgress', text: 'the forward pass, 50%' }, { type: 'flow', flow: flowOf(1) }]);
  });

  it('after a rebuild that ended without a trace, the flow the worker stopped is asked again; a delivered one is not', async () => {
    const { relay, asked } = setup();
    relay.resume(); // nothing asked yet: nothing to resume
    expect(asked.filter((a) => a.method === 'flow')).toHaveLength(0);
    relay.sendFlow();
    asked[0].reject(new Error(FLOW_SUPERSEDED)); // stopped by the rebuild
    await settle();
    relay.resume();
    expect(asked.filter((a) => a.method === 'flow')).toHaveLength(2);
    asked.filter((a) => a.method === 'flow')[1].resolve(flowOf(1));
    await settle();
    relay.resume();
    expect(asked.filter((a) => a.method === 'flow')).toHaveLength(2);
    relay.dispose();
  });
});
