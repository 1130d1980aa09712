/** A `bptt dap` process per test, driven over stdio: launch it on a spec, read its frame, scopes and vectors. */
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { DapClient, type DapMessage } from './dapClient';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

let client: DapClient | null = null;
afterEach(() => {
  client?.kill();
  client = null;
});

/** The test's adapter process, killed after the test. */
export function track(c: DapClient): DapClient {
  client = c;
  return c;
}


/** Initialize, launch, configure, and wait for the first stop (entry, or a breakpoint without stopOnEntry). */
export async function launch(spec: string, args: Record<string, unknown> = {}, configure?: (c: DapClient) => Promise<void>): Promise<{ c: DapClient; first: DapMessage }> {
  const c = track(new DapClient(process.execPath, [CLI, 'dap'], ROOT));
  const caps = await c.ok('initialize', { adapterID: 'bptt', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  expect(caps).toMatchObject({ supportsStepBack: true, supportsConfigurationDoneRequest: true, supportsFunctionBreakpoints: true, supportsConditionalBreakpoints: true, supportsEvaluateForHovers: true, supportsGotoTargetsRequest: true });
  expect(caps.exceptionBreakpointFilters.map((f: { filter: string }) => f.filter)).toEqual(['nonfinite']);
  const launched = c.request('launch', { type: 'bptt', request: 'launch', name: 'test', spec, ...args });
  await c.next('initialized');
  await configure?.(c);
  await c.ok('configurationDone');
  const r = await launched;
  if (!r.success) throw new Error(`launch failed: ${r.message}`);
  return { c, first: await c.next('stopped', 0) };
}

export async function frame(c: DapClient): Promise<{ name: string; line: number; source: { path: string } }> {
  const st = await c.ok('stackTrace', { threadId: 1 });
  expect(st.stackFrames).toHaveLength(1);
  return st.stackFrames[0];
}

/** A scope's variables by name. */
export async function scope(c: DapClient, name: string): Promise<Record<string, { value: string; variablesReference: number; indexedVariables?: number; namedVariables?: number; evaluateName?: string }>> {
  const { scopes } = await c.ok('scopes', { frameId: (await frame(c)) && 1 });
  const s = scopes.find((x: { name: string }) => x.name === name);
  if (!s.variablesReference) return {};
  const { variables } = await c.ok('variables', { variablesReference: s.variablesReference });
  return Object.fromEntries(variables.map((v: { name: string }) => [v.name, v]));
}

export async function entries(c: DapClient, ref: number, start?: number, count?: number): Promise<string[]> {
  const { variables } = await c.ok('variables', { variablesReference: ref, filter: 'indexed', start, count });
  return variables.map((v: { value: string }) => v.value);
}
