/**
 * `bptt dap` under malformed requests, over its real protocol (stdio): each missing or mistyped
 * argument is answered with an error naming the request, the argument and what was expected, and
 * the adapter goes on answering. Before, `evaluate` without an expression was a TypeError in an
 * async handler: the process died and the client waited forever; the synchronous handlers answered
 * with the library's stack trace.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DapClient } from './helpers/dapClient';
import { CLI, frame, launch, ROOT, track } from './helpers/dapSession';

const SPEC = join(ROOT, 'examples', 'hello.rnn.yaml');

describe('bptt dap: malformed requests', () => {
  it('answers each with what is wrong, and keeps answering', async () => {
    const { c } = await launch(SPEC);
    const cases: [string, unknown, RegExp][] = [
      ['evaluate', {}, /^evaluate needs "expression"/],
      ['evaluate', { expression: 5 }, /^evaluate: "expression" must be a string, not 5$/],
      ['variables', {}, /^variables needs "variablesReference": an integer$/],
      ['variables', { variablesReference: 1, start: -5 }, /"start" must be an integer >= 0, not -5/],
      ['setBreakpoints', {}, /^setBreakpoints needs "source"/],
      ['setBreakpoints', { source: { path: SPEC }, breakpoints: [{ line: 18 }, { line: 'x' }] }, /"breakpoints\[1\]\.line" must be a line number >= 1, not "x"/],
      ['setBreakpoints', { source: { path: SPEC }, breakpoints: [{ line: 18, condition: 5 }] }, /"breakpoints\[0\]\.condition" must be a string, not 5/],
      ['setFunctionBreakpoints', { breakpoints: [{}] }, /needs "breakpoints\[0\]\.name"/],
      ['setExceptionBreakpoints', {}, /^setExceptionBreakpoints needs "filters"/],
      ['setExceptionBreakpoints', { filters: 'nonfinite' }, /"filters" must be an array, not "nonfinite"/],
      ['gotoTargets', { source: { path: SPEC } }, /^gotoTargets needs "line"/],
      ['goto', { threadId: 1, targetId: 'x' }, /"targetId" must be an integer, not "x"/],
      ['evaluate', 'h', /^evaluate: the arguments must be an object, not "h"$/],
    ];
    for (const [command, args, message] of cases) {
      const r = await c.request(command, args);
      expect(r.success, command).toBe(false);
      expect(r.message, `${command} ${JSON.stringify(args)}`).toMatch(message);
    }
    // Still there, still at the entry, and a good request is answered as before.
    expect((await frame(c)).name).toBe('forward t=1');
    expect((await c.ok('evaluate', { expression: 't', frameId: 1 })).result).toBe('1');
    expect(c.stderr).toBe('');
  });

  it('refuses a launch whose weights or stopOnEntry have the wrong type, naming the field', async () => {
    for (const [args, message] of [
      [{ spec: SPEC, weights: 7 }, /^the launch configuration: "weights" must be a string, not 7$/],
      [{ spec: SPEC, stopOnEntry: 'no' }, /^the launch configuration: "stopOnEntry" must be true or false, not "no"$/],
      [{ spec: 5 }, /^the launch configuration: "spec" must be the path of a spec file, not 5$/],
    ] as const) {
      const c = track(new DapClient(process.execPath, [CLI, 'dap'], ROOT));
      await c.ok('initialize', { adapterID: 'bptt' });
      const r = await c.request('launch', args);
      expect(r.success).toBe(false);
      expect(r.message).toMatch(message);
      await c.next('terminated', 0); // from the first event: it can arrive in the same chunk as the response
      c.kill();
    }
  });
});

describe('bptt dap: a second launch', () => {
  it('is refused, and the first session goes on (it opened a second session and, failing, terminated the first)', async () => {
    const { c } = await launch(SPEC);
    const r = await c.request('launch', { type: 'bptt', request: 'launch', name: 'again', spec: join(ROOT, 'examples', 'lstm.rnn.yaml') });
    expect(r.success).toBe(false);
    expect(r.message).toBe('this debug session has already launched a spec (one launch a session)');
    const bad = await c.request('launch', { type: 'bptt', request: 'launch', name: 'bad', spec: 5 });
    expect(bad.success).toBe(false);
    expect(c.events.some((e) => e.event === 'terminated')).toBe(false);
    await c.stop('next', { threadId: 1 });
    expect((await frame(c)).name).toBe('forward t=2');
    expect((await c.ok('evaluate', { expression: 'T', frameId: 1 })).result).toBe('4');
  });
});
