/**
 * The debug adapter (debug type `bptt`): VS Code's debugger over a session. One thread; one frame
 * named `forward t=3` or `backward t=3` at the line of that step's data; Next / Step Back /
 * Continue / Reverse Continue / Goto move the session's cursor, each move ending with `stopped`;
 * scopes Step, Gradients, Parameters page their vectors and matrices lazily; evaluate takes the
 * expression language. It imports no vscode: `bptt dap` runs it on stdio, the extension inline.
 */
import { InitializedEvent, OutputEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Cursor } from '../session/cursor';
import type { Move, SessionInfo } from '../session/api';
import { Breakpoints } from './breakpoints';
import { CAPABILITIES, openLaunch, type LaunchArgs, type SessionOpener } from './launch';
import { CheckedSession } from './requests';
import { frameName, gotoPlace, gotoTargets, ORIGIN, Stops, THREAD_ID } from './stops';
import { Values } from './values';

export { frameName, ORIGIN, THREAD_ID } from './stops';
export type { LaunchArgs, SessionOpener } from './launch';

const FRAME_ID = 1;

export class BpttDebugSession extends CheckedSession {
  private info: SessionInfo | null = null;
  private specPath = '';
  private readonly values = new Values();
  private readonly breakpoints = new Breakpoints();
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((r) => (this.configured = r));
  private readonly stops = new Stops((e) => this.sendEvent(e), () => this.values.reset());
  private watching: { dispose(): void } | null = null;
  private launched = false;

  constructor(private readonly open: SessionOpener) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = CAPABILITIES;
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): Promise<void> {
    // One launch a session: a second opened another session beside the first, never closed, and
    // its failure terminated the first.
    if (this.launched) return this.sendErrorResponse(response, { id: 1005, format: 'this debug session has already launched a spec (one launch a session)', showUser: true });
    this.launched = true;
    try {
      const launched = await openLaunch(args, this.open, (e) => this.stops.follow(e), (i) => this.api && (this.info = i));
      ({ specPath: this.specPath, api: this.api, info: this.info, watching: this.watching } = launched);
      this.stops.cursor = launched.info.cursor;
      this.sendEvent(new OutputEvent(launched.banner, 'console'));
      this.sendEvent(new InitializedEvent());
      await this.configurationDone;
      this.sendResponse(response);
      if (args.stopOnEntry ?? true) await this.move({ kind: 'jump', to: 'start' }, 'entry');
      else {
        await launched.api.move({ kind: 'jump', to: 'start' }, ORIGIN);
        await this.move({ kind: 'continue', direction: 1, stops: this.breakpoints.stops, inclusive: true }, 'step');
      }
    } catch (e) {
      this.sendErrorResponse(response, { id: 1001, format: e instanceof Error ? e.message : String(e), showUser: true });
      this.sendEvent(new TerminatedEvent());
    }
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, this.info?.name || 'bptt')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    this.answer(response, async (api) => {
      const line = await api.lineOf(this.cursor.t);
      const frame: DebugProtocol.StackFrame = { id: FRAME_ID, name: frameName(this.cursor), line, column: 1, source: this.source() };
      response.body = { stackFrames: [frame], totalFrames: 1 };
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    this.answer(response, async (api) => {
      const at = this.cursor;
      response.body = { scopes: this.values.scopes(await api.scopes(at), at) };
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.answer(response, async (api) => {
      response.body = { variables: await this.values.variables(api, args) };
    });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.answer(response, async (api) => {
      const text = args.expression.trim();
      const r = await api.evaluate(this.cursor, text);
      if (!r.ok) {
        // Shown where it was asked (the Watch row, the Debug Console), never as a notification;
        // a hover over a word that names nothing at this place says nothing.
        const where = r.column !== undefined ? `column ${r.column}: ` : '';
        return { id: 2001, message: `${where}${r.message}` };
      }
      const v = this.values.variable(r.node, this.cursor);
      response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables };
    });
  }

  // ------------------------------------------------------------------ moves

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.respondThenMove(response, { kind: 'step', delta: 1 }, 'step');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.respondThenMove(response, { kind: 'step', delta: 1 }, 'step');
  }

  /** Step Out: to the other phase's first place (forward -> backward t=T), or on to the end. */
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    const to: Cursor | 'end' = this.cursor.phase === 'forward' && this.info ? { phase: 'backward', t: this.info.T } : 'end';
    this.respondThenMove(response, { kind: 'jump', to }, 'step');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.respondThenMove(response, { kind: 'step', delta: -1 }, 'step');
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.respondThenMove(response, { kind: 'continue', direction: 1, stops: this.breakpoints.stops }, 'step');
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.respondThenMove(response, { kind: 'continue', direction: -1, stops: this.breakpoints.stops }, 'step');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // Nothing runs between requests: the cursor is always at a place.
    this.respondThenMove(response, { kind: 'step', delta: 0 }, 'pause');
  }

  /** Goto targets on a line of data: each step there, forward and backward. */
  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    this.answer(response, async (api) => {
      response.body = { targets: await gotoTargets(api, args.line, this.info?.T ?? 0) };
    });
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    const to = gotoPlace(args.targetId, this.info?.T ?? 1);
    if (!to) {
      this.sendErrorResponse(response, { id: 3001, format: `no such goto target: ${args.targetId}`, showUser: true });
      return;
    }
    this.respondThenMove(response, { kind: 'jump', to }, 'goto');
  }

  // ------------------------------------------------------------------ breakpoints

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.answer(response, async (api) => {
      const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
      if (!this.isSpec(args.source)) {
        response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message: 'breakpoints go on the lines of the spec being debugged' })) };
      } else response.body = { breakpoints: await this.breakpoints.setLines(api, requested, this.source()) };
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.answer(response, async (api) => {
      response.body = { breakpoints: await this.breakpoints.setExpressions(api, args.breakpoints) };
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.breakpoints.setExceptionFilters(args.filters);
    response.body = { breakpoints: args.filters.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  // ------------------------------------------------------------------ the end

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.end();
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.end();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private end(): void {
    this.watching?.dispose();
    this.watching = null;
    this.api?.close();
    this.api = null;
  }

  // ------------------------------------------------------------------ helpers

  /** Answers the request at once (the client shows "running"), moves, then says where it stopped. */
  private respondThenMove(response: DebugProtocol.Response, m: Move, reason: string): void {
    if (!this.need(response)) return;
    this.sendResponse(response);
    void this.move(m, reason);
  }

  private move(m: Move, reason: string): Promise<void> {
    return this.stops.move(() => this.api, m, reason);
  }

  /** Where the debugger's cursor is. */
  private get cursor(): Cursor {
    return this.stops.cursor;
  }

  private source(): DebugProtocol.Source {
    const name = this.specPath.split(/[\\/]/).pop() ?? this.specPath;
    return { name, path: this.specPath };
  }

  private isSpec(s: DebugProtocol.Source): boolean {
    if (!s.path) return false;
    const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
    return norm(s.path) === norm(this.specPath);
  }
}
