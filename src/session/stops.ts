/**
 * Where Continue and Reverse Continue stop: breakpoints on the spec's data lines (both phases at
 * their step), expression breakpoints, conditions on either, and the `nonfinite` filter (the first
 * place where a NaN or an infinity appears). The search runs beside the trace, place by place.
 */
import { ExprError } from '../engine/expr';
import type { Cursor } from './cursor';
import { evaluateAt, parseCached, truth } from './expressions';
import { firstNonFinite } from './place';
import type { StepSession } from './session';

/** A breakpoint on a line of the spec: stops at the steps whose data is written there. */
export interface LineStop {
  id: number;
  line: number;
  condition?: string;
}

/** A breakpoint that is an expression: stops where it is true (and its condition too). */
export interface ExpressionStop {
  id: number;
  expression: string;
  condition?: string;
}

export interface Stops {
  lines: LineStop[];
  expressions: ExpressionStop[];
  /** Stop at the first place with a NaN or an infinity. */
  nonfinite: boolean;
}

export const NO_STOPS: Stops = { lines: [], expressions: [], nonfinite: false };

/** Why a search stopped. */
export interface StopHit {
  cursor: Cursor;
  reason: 'breakpoint' | 'function breakpoint' | 'exception' | 'start' | 'end';
  /** The breakpoints that hit (their ids). */
  ids: number[];
  /** A sentence for the user: "h[2] = NaN", "t == 7". */
  text?: string;
}

/** Whether an expression parses; its error's message and column when not. */
export function checkExpression(text: string): { ok: true } | { ok: false; message: string; column: number } {
  try {
    parseCached(text);
    return { ok: true };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, message: e.reason, column: e.column };
    throw e;
  }
}

/** An expression's truth at the session's place; an error (a name unknown in this phase) is false. */
function holds(session: StepSession, text: string, at: Cursor): boolean {
  try {
    return truth(evaluateAt(text, session.place(at)));
  } catch (e) {
    if (e instanceof ExprError || e instanceof RangeError) return false;
    throw e;
  }
}

/**
 * From the place after (direction 1) or before (-1) position `from` on the line 0..2T-1 (-1 and 2T
 * start outside it), the first place where a stop holds; else the end (backward t = 1) or the start
 * (forward t = 1). `cancelled` is asked now and then.
 */
export function search(session: StepSession, from: number, direction: 1 | -1, stops: Stops, cancelled?: () => boolean): StopHit {
  const last = 2 * session.T - 1;
  const lineSteps = new Map<number, LineStop[]>();
  for (const bp of stops.lines) {
    for (const t of session.stepsOnLine(bp.line)) {
      const list = lineSteps.get(t) ?? [];
      list.push(bp);
      lineSteps.set(t, list);
    }
  }
  const valid = stops.expressions.filter((s) => checkExpression(s.expression).ok && (!s.condition || checkExpression(s.condition).ok));
  const check = lineSteps.size > 0 || valid.length > 0 || stops.nonfinite;
  for (let pos = from + direction; check && pos >= 0 && pos <= last; pos += direction) {
    if ((pos & 1023) === 0 && cancelled?.()) break;
    const at = session.placeAt(pos);
    const onLine = (lineSteps.get(at.t) ?? []).filter((bp) => !bp.condition || holds(session, bp.condition, at));
    if (onLine.length) return { cursor: at, reason: 'breakpoint', ids: onLine.map((b) => b.id) };
    const fns = valid.filter((s) => holds(session, s.expression, at) && (!s.condition || holds(session, s.condition, at)));
    if (fns.length) return { cursor: at, reason: 'function breakpoint', ids: fns.map((f) => f.id), text: fns[0].expression };
    if (stops.nonfinite) {
      const bad = firstNonFinite(session.place(at));
      if (bad) return { cursor: at, reason: 'exception', ids: [], text: `non-finite value: ${bad}` };
    }
  }
  return direction === 1 ? { cursor: session.placeAt(last), reason: 'end', ids: [] } : { cursor: session.placeAt(0), reason: 'start', ids: [] };
}
