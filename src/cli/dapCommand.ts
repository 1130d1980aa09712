/**
 * `bptt dap`: the debug adapter on stdin/stdout (the Debug Adapter Protocol), the same adapter the
 * extension runs inline. Each launch opens its spec in this process.
 */
import { resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from './args';
import type { Io } from './io';
import { BpttDebugSession, type LaunchArgs } from '../debug/adapter';
import { LocalSessionApi, type SessionApi } from '../session/api';
import { StepSession } from '../session/session';
import { CliError } from './errors';
import { loadSpecFile, readSpecText } from './specFile';
import { readWeightsFile } from './weightsFile';

export const dapSpec: CommandSpec = {
  name: 'dap',
  summary: 'run the debug adapter (Debug Adapter Protocol on stdin/stdout, debug type bptt)',
  args: [],
  options: {},
  details: [
    'Launch arguments: { "spec": PATH, "weights"?: PATH (.json, .pt/.pth or .safetensors), "stopOnEntry"?: true }.',
    'A stacked model (model.layers > 1) adds the Layers scope; expressions name layer l\'s records with _l{l}: h_l1, c_l2, dh_l1.',
    'An editor that speaks DAP steps through time with Next / Step Back / Continue, Variables, Watch and breakpoints.',
  ],
};

/** Opens a launch's spec (and weights) as a session in this process. */
export async function openLocalSession(args: LaunchArgs): Promise<SessionApi> {
  const path = resolve(args.spec);
  let problem;
  try {
    problem = loadSpecFile(path, () => undefined);
  } catch (e) {
    throw new Error(e instanceof CliError ? e.lines.join('\n') : e instanceof Error ? e.message : String(e));
  }
  let weights: string | undefined;
  if (typeof args.weights === 'string' && args.weights) {
    try {
      problem = { ...problem, params: readWeightsFile(resolve(args.weights), problem).params };
    } catch (e) {
      throw new Error(e instanceof CliError ? e.lines.join('\n') : String(e));
    }
    weights = `weights: ${args.weights}`;
  }
  const text = readSpecText(path);
  const session = StepSession.build(problem, { file: path, text, format: /\.json$/i.test(path) ? 'json' : 'yaml', weights });
  return new LocalSessionApi(session);
}

export function runDapCommand(_args: ParsedArgs, _io: Io): Promise<number> {
  const adapter = new BpttDebugSession(openLocalSession);
  adapter.setRunAsServer(false);
  adapter.start(process.stdin, process.stdout);
  // The adapter ends the process when the client disconnects (DebugSession.shutdown).
  return new Promise<number>((r) => process.stdin.on('close', () => r(0)));
}
