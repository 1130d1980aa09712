/**
 * A launch of the `bptt` debugger: its configuration, what the adapter says it supports, and the
 * session it opens (in this process for `bptt dap`, in the extension's worker otherwise), followed
 * for moves by the other front-end and new traces.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { resolve as resolvePath } from 'node:path';
import type { SessionApi, SessionChange, SessionInfo } from '../session/api';
import { NONFINITE_FILTER } from './breakpoints';
import { badArguments } from './requests';

/** The launch configuration's fields (see package.json contributes.debuggers). */
export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  /** The spec file. */
  spec: string;
  /** A weights file whose parameters replace the spec's init. */
  weights?: string;
  /** Stop at forward t=1 (default true); else run to the first breakpoint. */
  stopOnEntry?: boolean;
}

/** Opens the session of a launch: in this process (`bptt dap`) or in the extension's worker. */
export type SessionOpener = (args: LaunchArgs) => Promise<SessionApi>;

/** The adapter's answer to `initialize`. */
export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsStepBack: true,
  supportsFunctionBreakpoints: true,
  supportsConditionalBreakpoints: true,
  supportsEvaluateForHovers: true,
  supportsGotoTargetsRequest: true,
  supportsTerminateRequest: true,
  supportsValueFormattingOptions: false,
  exceptionBreakpointFilters: [NONFINITE_FILTER],
};

/** A launched session: its spec's path, the session, what it is, and the line for the debug console. */
export interface Launched {
  specPath: string;
  api: SessionApi;
  info: SessionInfo;
  /** Stops following the session's changes. */
  watching: { dispose(): void };
  banner: string;
}

/**
 * Checks the configuration and opens its session; `follow` hears each change (a move by the panel,
 * a new trace), and `onInfo` the session's info again after a new trace. Throws with what is wrong.
 */
export async function openLaunch(args: LaunchArgs, open: SessionOpener, follow: (e: SessionChange) => void, onInfo: (i: SessionInfo) => void): Promise<Launched> {
  const bad = badArguments('launch', args);
  if (bad) throw new Error(bad);
  const specPath = resolvePath(args.spec);
  const api = await open(args);
  const info = await api.info();
  const watching = api.onDidChange((e) => {
    follow(e);
    if (e.kind === 'trace') void api.info().then(onInfo);
  });
  const banner = `bptt: ${info.name || args.spec} · T=${info.T} · ${2 * info.T} places (forward t=1..${info.T}, then backward)\n`;
  return { specPath, api, info, watching, banner };
}
