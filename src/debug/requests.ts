/**
 * How the adapter receives and answers requests, apart from what each one means (adapter.ts): the
 * arguments it reads are checked where they arrive, since DAP comes from any client over a pipe (a
 * missing or mistyped one gets an error response naming the request, the argument and what was
 * expected); and a request answered from the session answers with an error when that fails. Before
 * this, a TypeError in an async handler was an unhandled rejection: it ended `bptt dap`'s process
 * and left the client waiting for an answer.
 */
import { DebugSession, Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionApi } from '../session/api';

/** What is wrong with a value (`"line" must be a line number >= 1, not "x"`), or null; `at` names it. */
type Check = (v: unknown, at: string) => string | null;

const show = (v: unknown): string => (Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeof v === 'object' ? 'an object' : String(v));
const is = (ok: (v: unknown) => boolean, expected: string): Check => (v, at) => (ok(v) ? null : `"${at}" must be ${expected}, not ${show(v)}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const string = is((v) => typeof v === 'string', 'a string');
const integer = is(isInt, 'an integer');
const count = is((v) => isInt(v) && v >= 0, 'an integer >= 0');
const line = is((v) => isInt(v) && v >= 1, 'a line number >= 1');
const object = (fields: Fields): Check => (v, at) => (isObject(v) ? problem(v, fields, `${at}.`) : `"${at}" must be an object, not ${show(v)}`);
const arrayOf = (each: Check): Check => (v, at) => {
  if (!Array.isArray(v)) return `"${at}" must be an array, not ${show(v)}`;
  for (let i = 0; i < v.length; i++) {
    const why = each(v[i], `${at}[${i}]`);
    if (why) return why;
  }
  return null;
};

/** A field: its check, and whether it may be absent (undefined or null). */
interface Field {
  check: Check;
  /** What the field must be, for the message when it is missing. */
  expected: string;
  optional?: boolean;
}
type Fields = Record<string, Field>;

const req = (check: Check, expected: string): Field => ({ check, expected });
const opt = (check: Check, expected: string): Field => ({ check, expected, optional: true });

const CONDITION = opt(string, 'a string');

/** Per command, the arguments the adapter reads (others pass unchecked). */
const REQUESTS: Record<string, Fields> = {
  launch: {
    spec: req(is((v) => typeof v === 'string' && v.length > 0, 'the path of a spec file'), 'the path of a spec file (.rnn.yaml or .rnn.json)'),
    weights: opt(string, 'the path of a weights file'),
    stopOnEntry: opt(is((v) => typeof v === 'boolean', 'true or false'), 'true or false'),
  },
  evaluate: { expression: req(string, 'the expression, a string') },
  variables: {
    variablesReference: req(integer, 'an integer'),
    start: opt(count, 'an integer >= 0'),
    count: opt(count, 'an integer >= 0'),
    filter: opt(is((v) => v === 'indexed' || v === 'named', "'indexed' or 'named'"), "'indexed' or 'named'"),
  },
  setBreakpoints: {
    source: req(object({}), 'a Source object'),
    breakpoints: opt(arrayOf(object({ line: req(line, 'a line number >= 1'), condition: CONDITION })), 'an array'),
    lines: opt(arrayOf(line), 'an array'),
  },
  setFunctionBreakpoints: { breakpoints: req(arrayOf(object({ name: req(string, 'the expression, a string'), condition: CONDITION })), 'an array') },
  setExceptionBreakpoints: { filters: req(arrayOf(string), 'an array of filter names') },
  gotoTargets: { line: req(line, 'a line number >= 1') },
  goto: { targetId: req(integer, 'an integer') },
};

/** What is wrong with a field of `args`, or null; `prefix` places a nested field (`breakpoints[2].`). */
function problem(args: Record<string, unknown>, fields: Fields, prefix = ''): string | null {
  for (const [name, f] of Object.entries(fields)) {
    const v = args[name];
    if (v === undefined || v === null) {
      if (f.optional) continue;
      return `needs "${prefix}${name}": ${f.expected}`;
    }
    const why = f.check(v, prefix + name);
    if (why) return why;
  }
  return null;
}

/** Why a request's arguments cannot be answered (`evaluate: needs "expression": ...`), or null. */
export function badArguments(command: string, args: unknown): string | null {
  const fields = Object.hasOwn(REQUESTS, command) ? REQUESTS[command] : undefined;
  if (!fields) return null;
  const subject = command === 'launch' ? 'the launch configuration' : command;
  if (args !== undefined && args !== null && !isObject(args)) return `${subject}: the arguments must be an object, not ${show(args)}`;
  const why = problem(args ?? {}, fields);
  return why && (why.startsWith('needs') ? `${subject} ${why}` : `${subject}: ${why}`);
}

/** The library reads {name} in an error's format as a variable: a message shows its braces as parentheses. */
const braces = (text: string): string => text.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')'));

/** A debug session over a SessionApi whose requests are checked before a handler reads them. */
export abstract class CheckedSession extends DebugSession {
  /** The launched session (null before a launch and after the end). */
  protected api: SessionApi | null = null;

  /** Arguments are checked first (a launch's in openLaunch, whose failure also terminates). */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    // DAP's pathFormat defaults to 'path', but the library refuses an initialize that leaves it out.
    if (request.command === 'initialize' && request.arguments?.pathFormat === undefined) request.arguments = { ...request.arguments, pathFormat: 'path' };
    const bad = request.command === 'launch' ? null : badArguments(request.command, request.arguments);
    if (bad) this.sendErrorResponse(new Response(request), { id: 1003, format: braces(bad), showUser: false });
    else super.dispatchRequest(request);
  }

  /** Answers from the session: `work` fills the body or returns an error; its failure is the request's error. */
  protected answer(response: DebugProtocol.Response, work: (api: SessionApi) => Promise<void | { id: number; message: string }>): void {
    const api = this.need(response);
    if (!api) return;
    work(api).then(
      (error) => (error ? this.sendErrorResponse(response, { id: error.id, format: braces(error.message), showUser: false }) : this.sendResponse(response)),
      (e) => this.sendErrorResponse(response, { id: 1004, format: braces(`${response.command}: ${e instanceof Error ? e.message : String(e)}`), showUser: false }),
    );
  }

  /** The session, or an error response when nothing is launched. */
  protected need(response: DebugProtocol.Response): SessionApi | null {
    if (this.api) return this.api;
    this.sendErrorResponse(response, { id: 1002, format: 'no spec is being debugged (launch first)', showUser: false });
    return null;
  }
}
