/**
 * The host's ledger of builds (src/extension/engine/buildLedger.ts), the bookkeeping the VS Code
 * debugger tests exercise through a real worker, here case by case: which build the front-ends
 * follow, what a duplicate text leaves, and which build a cancel flag names (the slot the worker reads).
 */
import { describe, expect, it } from 'vitest';
import { BuildLedger } from '../../src/extension/engine/buildLedger';
import { CANCEL_SLOTS } from '../../src/extension/engine/messages';

const K = 'file:///a.rnn.yaml';
/** Whether the worker would see `build` cancelled. */
const cancelled = (l: BuildLedger, build: number) => Atomics.load(new Int32Array(l.flagsBuffer), build % CANCEL_SLOTS) === build;

describe('build ledger', () => {
  it('a new build supersedes (cancels) the followed one only when asked; its end clears isBuilding', () => {
    const l = new BuildLedger();
    const a = l.newBuild(K, false);
    const b = l.newBuild(K, false);
    expect(cancelled(l, a)).toBe(false);
    const c = l.newBuild(K);
    expect(cancelled(l, b)).toBe(true);
    expect(l.latestBuild(K)).toBe(c);
    expect(l.progress({ key: K, build: b })).toBe(false);
    expect(l.progress({ key: K, build: c })).toBe(true);
    expect(l.end({ key: K, build: b })).toBe(false); // a superseded build ending: no news, still building c
    expect(l.isBuilding(K)).toBe(true);
    expect(l.end({ key: K, build: c })).toBe(true);
    expect(l.isBuilding(K)).toBe(false);
    expect(l.cancel(K)).toBe(false);
  });

  it('a duplicate text (no rebuild) leaves the running build the one to follow, and a cancel meanwhile reaches it', () => {
    const l = new BuildLedger();
    const running = l.newBuild(K, false);
    const before = l.before(K);
    const dup = l.newBuild(K, false);
    expect(l.cancel(K)).toBe(true); // asked while the duplicate's reply is on its way: names dup
    expect(cancelled(l, running)).toBe(false);
    l.notRebuilt(K, dup, before);
    expect(l.latestBuild(K)).toBe(running);
    expect(l.isBuilding(K)).toBe(true);
    expect(cancelled(l, running)).toBe(true);
  });

  it("a duplicate whose running build ended before the reply does not leave isBuilding stuck", () => {
    const l = new BuildLedger();
    const running = l.newBuild(K, false);
    const before = l.before(K);
    const dup = l.newBuild(K, false);
    l.end({ key: K, build: running });
    l.cancel(K);
    l.notRebuilt(K, dup, before);
    expect(l.isBuilding(K)).toBe(false);
    expect(l.latestBuild(K)).toBe(running);
    expect(cancelled(l, running)).toBe(false);
  });

  it('a text nobody watches (build 0) changes nothing; a join follows the build joined', () => {
    const l = new BuildLedger();
    l.notRebuilt(K, 0, l.before(K));
    expect(l.isBuilding(K)).toBe(false);
    expect(l.latestBuild(K)).toBeUndefined();
    const running = l.newBuild(K, false);
    const attach = l.newBuild(K, false);
    l.joined({ key: K, build: attach, into: running });
    expect(l.latestBuild(K)).toBe(running);
    expect(l.progress({ key: K, build: running })).toBe(true);
    l.cancel(K);
    expect(cancelled(l, running)).toBe(true);
  });

  it('the worker stopping ends every build under way, each returned once', () => {
    const l = new BuildLedger();
    const a = l.newBuild(K);
    const b = l.newBuild('file:///b.rnn.yaml');
    expect(l.stopAll()).toEqual([[K, a], ['file:///b.rnn.yaml', b]]);
    expect(l.stopAll()).toEqual([]);
    expect(l.isBuilding(K)).toBe(false);
  });
});
