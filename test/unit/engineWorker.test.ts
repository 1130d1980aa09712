/**
 * The engine worker (dist/engineWorker.js) serves other messages while a long build runs: between
 * the build's slices, a call to another spec's session and a gradient check are answered before the
 * long trace is built. And a launch's PyTorch weights reach the worker's session.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample, serializeWeights } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';
import { describe, expect, it } from 'vitest';
import type { FromEngine } from '../../src/extension/engine/events';
import { engineWorkerHarness } from './helpers/engineWorker';
import type { SpecText } from '../../src/extension/engine/messages';

const ROOT = join(__dirname, '..', '..');
const TORCH = join(ROOT, 'test', 'fixtures', 'torch');

const start = engineWorkerHarness(120_000);

const spec = (key: string, text: string, dir: string | null = null): SpecText => ({ key, file: key, dir, roots: dir ? [dir] : [], rootsName: 'the test folder', refuse: null, format: 'yaml', text });
const HELLO = 'name: hello\nmodel:\n  cell: rnn\n  hidden: 3\ndata:\n  text: hello\ninit:\n  seed: 1\n';

/** An LSTM long enough to be checkpointed (T·H over the threshold), so the build runs in slices for seconds. */
function longSpec(T: number, H = 128): string {
  let seed = 5;
  const text = Array.from({ length: T + 1 }, () => 'abcdefgh'[(seed = (seed * 1103515245 + 12345) % 2147483648) % 8]).join('');
  return `name: long\nmodel:\n  cell: lstm\n  hidden: ${H}\ndata:\n  text: ${text}\ninit:\n  seed: 3\n`;
}

/** The smallest long spec that is checkpointed (T·H = 2.05e6 > CHECKPOINT_THRESHOLD), so its build serves messages between slices all along. */
const sliced = (): string => longSpec(32_000, 64);

describe('the engine worker', () => {
  it('answers another spec’s calls and a gradient check between the slices of a long build', async () => {
    const { send, log, until } = start();
    send({ type: 'attach', spec: spec('mem:hello', HELLO), who: 'debugger', build: 1 });
    await until((m) => m.type === 'built' && m.key === 'mem:hello');
    send({ type: 'attach', spec: spec('mem:long', longSpec(20_000)), who: 'panel', build: 2 });
    // Well into the forward pass (more than half of the build still to come), ask.
    await until((m) => m.type === 'progress' && m.key === 'mem:long');
    send({ type: 'call', id: 10, key: 'mem:hello', call: { method: 'move', move: { kind: 'jump', to: 'end' } } });
    send({ type: 'gradcheck', id: 11, spec: spec('mem:hello', HELLO) });
    await until((m) => m.type === 'built' && m.key === 'mem:long', 300_000);
    const at = (p: (m: FromEngine) => boolean): number => log.findIndex(p);
    const built = at((m) => m.type === 'built' && m.key === 'mem:long');
    const moved = at((m) => m.type === 'reply' && m.id === 10);
    const checked = at((m) => m.type === 'reply' && m.id === 11);
    expect(moved).toBeGreaterThan(-1);
    expect(checked).toBeGreaterThan(-1);
    // Both answered while the long trace was still building: progress of it came after them.
    expect(moved).toBeLessThan(built);
    expect(checked).toBeLessThan(built);
    expect(log.slice(checked).some((m) => m.type === 'progress' && m.key === 'mem:long')).toBe(true);
    const reply = log[moved] as Extract<FromEngine, { type: 'reply' }>;
    expect(reply.ok && reply.value).toMatchObject({ cursor: { phase: 'backward', t: 1 }, moved: true });
    const check = log[checked] as Extract<FromEngine, { type: 'reply' }>;
    const results = (check.ok ? (check.value as { results: { name: string; maxRelError: number }[] }).results : []).map((r) => [r.name, r.maxRelError < 1e-6]);
    expect(results).toEqual(['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y'].map((n) => [n, true]));
  }, 300_000);

  it('a Sample asked while the session rebuilds for new trained weights answers from those weights, not the session’s old ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bptt-sample-'));
    try {
      const text = sliced();
      const file = join(dir, 'long.rnn.yaml');
      writeFileSync(file, text);
      const { send, log, until } = start();
      send({ type: 'attach', spec: spec(file, text, dir), who: 'panel', build: 1 });
      await until((m) => m.type === 'built' && m.build === 1);
      // "Trained" weights appear beside the spec (another seed's init, as a training run would leave other numbers).
      const problem = loadSpec(text, { format: 'yaml' }).problem!;
      const trained = loadSpec(text.replace(/seed: 3\n$/, 'seed: 11\n'), { format: 'yaml' }).problem!.params;
      writeFileSync(join(dir, 'long.weights.json'), serializeWeights(problem, { params: trained }));
      const o = { prime: 'a', length: 24, temperature: 0, seed: 0 };
      expect(sample(problem, trained, o)).not.toBe(sample(problem, problem.params, o)); // the two weights tell apart
      // The training run's end: the session rebuilds (in slices); a Sample comes in the middle of it.
      send({ type: 'spec', id: 20, spec: spec(file, text, dir), build: 2, force: true });
      await until((m) => m.type === 'progress' && m.build === 2);
      send({ type: 'sample', id: 21, spec: spec(file, text, dir), ...o });
      const answer = (await until((m) => m.type === 'reply' && m.id === 21)) as Extract<FromEngine, { type: 'reply' }>;
      await until((m) => m.type === 'built' && m.build === 2);
      const at = (p: (m: FromEngine) => boolean): number => log.findIndex(p);
      expect(at((m) => m === answer)).toBeLessThan(at((m) => m.type === 'built' && m.build === 2)); // answered mid-build
      expect(answer.ok && answer.value).toEqual({ text: sample(problem, trained, o), weights: 'long.weights.json' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a debugger attaching while the panel’s build runs joins that build: one trace for both, not a second build', async () => {
    const { send, log, until } = start();
    const text = sliced();
    send({ type: 'attach', spec: spec('mem:join', text), who: 'panel', build: 1 });
    await until((m) => m.type === 'progress' && m.build === 1);
    send({ type: 'attach', spec: spec('mem:join', text), who: 'debugger', build: 2 });
    expect(await until((m) => m.type === 'joined')).toEqual({ type: 'joined', key: 'mem:join', build: 2, into: 1 });
    await until((m) => m.type === 'built' && m.build === 1);
    // A call now is answered by the one session (the debugger's questions go to the same trace).
    send({ type: 'call', id: 30, key: 'mem:join', call: { method: 'info' } });
    await until((m) => m.type === 'reply' && m.id === 30);
    const mine = log.filter((m) => 'key' in m && m.key === 'mem:join');
    expect(mine.filter((m) => m.type === 'built').map((m) => (m as { build: number }).build)).toEqual([1]);
    expect(mine.some((m) => m.type === 'buildFailed' || (m.type === 'progress' && m.build === 2))).toBe(false);
  }, 120_000);

  it('an attach with another text stops the build under way and builds its own', async () => {
    const { send, log, until } = start();
    send({ type: 'attach', spec: spec('mem:other', sliced()), who: 'panel', build: 1 });
    await until((m) => m.type === 'progress' && m.build === 1);
    send({ type: 'attach', spec: spec('mem:other', HELLO), who: 'debugger', build: 2 });
    const built = (await until((m) => m.type === 'built' && m.key === 'mem:other')) as Extract<FromEngine, { type: 'built' }>;
    expect([built.build, built.T]).toEqual([2, 4]); // hello: inputs h, e, l, l
    expect(log.find((m) => m.type === 'buildFailed')).toMatchObject({ build: 1, cancelled: true });
    expect(log.some((m) => m.type === 'joined')).toBe(false);
  }, 120_000);

  it('a debug launch’s .pt weights are the session’s parameters (the worker reads PyTorch files as the CLI does)', async () => {
    const { send, until } = start();
    const text = 'name: rnn_l1\nmodel:\n  cell: rnn\n  hidden: 3\ndata:\n  text: hello world\n';
    send({ type: 'attach', spec: spec('mem:rnn_l1', text, TORCH), who: 'debugger', build: 1, weights: 'rnn_l1.pt' });
    const built = await until((m) => (m.type === 'built' || m.type === 'buildFailed') && m.key === 'mem:rnn_l1');
    expect(built).toMatchObject({ type: 'built', summary: { weights: 'weights: rnn_l1.pt' } });
    const { loss } = JSON.parse((await import('node:fs')).readFileSync(join(TORCH, 'rnn_l1.expected.json'), 'utf8')) as { loss: number };
    expect(Math.abs((built as Extract<FromEngine, { type: 'built' }>).summary.loss - loss)).toBeLessThan(1e-9);
  });
});
