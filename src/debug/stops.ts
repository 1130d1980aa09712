/**
 * Where the adapter stops: the moves of the cursor, one after another, each ending with a `stopped`
 * event that says why (a breakpoint, an expression, a NaN, or either end); and the stops another
 * front-end (the panel) or a new trace causes, which the debugger's views follow.
 */
import { InvalidatedEvent, OutputEvent, StoppedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Cursor } from '../session/cursor';
import type { Move, MoveResult, SessionApi, SessionChange } from '../session/api';

export const THREAD_ID = 1;
/** Who moves the cursor, as the session's change events name it. */
export const ORIGIN = 'debugger';

/** `forward t=3`, exactly. */
export const frameName = (c: Cursor): string => `${c.phase} t=${c.t}`;

const REASONS: Record<NonNullable<MoveResult['hit']>['reason'], string> = {
  breakpoint: 'breakpoint',
  'function breakpoint': 'function breakpoint',
  exception: 'exception',
  start: 'step',
  end: 'step',
};

/** The stopped event of a move's result. */
export function stoppedEvent(r: MoveResult, reason: string): DebugProtocol.StoppedEvent {
  const ev: DebugProtocol.StoppedEvent = new StoppedEvent(r.hit ? REASONS[r.hit.reason] : reason, THREAD_ID);
  ev.body.description = r.hit?.text ?? (r.hit?.reason === 'end' ? 'end of the backward pass' : r.hit?.reason === 'start' ? 'start of the forward pass' : frameName(r.cursor));
  if (r.hit?.text) ev.body.text = r.hit.text;
  if (r.hit?.ids.length) ev.body.hitBreakpointIds = r.hit.ids;
  return ev;
}

/** The cursor as the debugger knows it, and its moves in the order they were asked. */
export class Stops {
  cursor: Cursor = { phase: 'forward', t: 1 };
  /** Moves run one after another. */
  private moving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly send: (e: DebugProtocol.Event) => void,
    /** The place changed: the values' references are stale. */
    private readonly moved: () => void,
  ) {}

  /** Moves the session's cursor (after the moves before it) and says where it stopped. */
  move(api: () => SessionApi | null, m: Move, reason: string): Promise<void> {
    const run = this.moving.then(async () => {
      const session = api();
      if (!session) return;
      try {
        const r = await session.move(m, ORIGIN);
        this.cursor = r.cursor;
        this.moved();
        this.send(stoppedEvent(r, reason));
      } catch (e) {
        this.send(new OutputEvent(`bptt: ${e instanceof Error ? e.message : String(e)}\n`, 'stderr'));
        this.send(new StoppedEvent('step', THREAD_ID));
      }
    });
    this.moving = run;
    return run;
  }

  /** Another front-end (the panel) moved the cursor, or the spec was edited: the views follow. */
  follow(e: SessionChange): void {
    if (e.origin === ORIGIN && e.kind === 'move') return;
    this.cursor = e.cursor;
    this.moved();
    const ev: DebugProtocol.StoppedEvent = new StoppedEvent(e.kind === 'trace' ? 'step' : 'goto', THREAD_ID);
    ev.body.description = e.kind === 'trace' ? `the spec changed: ${frameName(e.cursor)}` : `moved in the ${e.origin ?? 'panel'}: ${frameName(e.cursor)}`;
    this.send(ev);
    this.send(new InvalidatedEvent(['variables', 'stacks']));
  }
}

/** Goto targets on a line of data: each step there, forward and backward (the first 50 steps). Ids are the place's position 0..2T-1, plus 1. */
export async function gotoTargets(api: SessionApi, line: number, T: number): Promise<DebugProtocol.GotoTarget[]> {
  const [check] = await api.checkLines([line]);
  const targets: DebugProtocol.GotoTarget[] = [];
  if (check.steps === 0 || check.first === undefined) return targets;
  for (let t = check.first, n = 0; t <= T && n < 50; t++) {
    if ((await api.lineOf(t)) !== line) continue;
    n++;
    targets.push({ id: t, label: `forward t=${t}`, line }, { id: 2 * T - t + 1, label: `backward t=${t}`, line });
  }
  return targets;
}

/** The place a goto target's id names, or null when there is none. */
export function gotoPlace(targetId: number, T: number): Cursor | null {
  const pos = targetId - 1;
  if (!Number.isInteger(pos) || pos < 0 || pos >= 2 * T) return null;
  return pos < T ? { phase: 'forward', t: pos + 1 } : { phase: 'backward', t: 2 * T - pos };
}
