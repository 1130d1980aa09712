/**
 * The session as a front-end far from it sees it: every call answers asynchronously, so the same
 * debug adapter runs over a session in its own process (`bptt dap`) and over one held by the
 * extension's engine worker (a proxy that relays these calls as messages). Plain data both ways.
 */
import type { Cursor } from './cursor';
import { evaluatedChildren, evaluateForView, type EvalResult } from './expressions';
import type { SessionChange, StepSession } from './session';
import { checkExpression, search, type StopHit, type Stops } from './stops';
import type { ScopeName, VarNode } from './variables';

export type { EvalResult } from './expressions';
export type { StopHit, Stops, LineStop, ExpressionStop } from './stops';
export type { VarNode, ScopeName } from './variables';
export type { SessionChange } from './session';

/** What a front-end needs to know of a session once. */
export interface SessionInfo {
  name: string;
  file: string;
  T: number;
  cursor: Cursor;
}

/** A move of the cursor: by places, to a place, or on to the next (or previous) stop. */
export type Move =
  | { kind: 'step'; delta: number }
  | { kind: 'jump'; to: 'start' | 'end' | Cursor }
  /** inclusive: the cursor's own place counts too (a launch that does not stop on entry). */
  | { kind: 'continue'; direction: 1 | -1; stops: Stops; inclusive?: boolean };

/** Where a move ended; `hit` says why a continue stopped. */
export interface MoveResult {
  cursor: Cursor;
  hit?: StopHit;
}

/** How a line breakpoint resolves: the steps whose data is on it. */
export interface LineCheck {
  line: number;
  steps: number;
  /** The first of them. */
  first?: number;
}

export interface SessionApi {
  info(): Promise<SessionInfo>;
  move(m: Move, origin?: string): Promise<MoveResult>;
  /** The line of step t's data in the spec (1-based). */
  lineOf(t: number): Promise<number>;
  scopes(at: Cursor): Promise<{ name: ScopeName; named: number; expensive: boolean }[]>;
  /** A page of the values tree at a place; ['=', text, ...] pages an evaluated expression. */
  variables(at: Cursor, path: string[], start?: number, count?: number): Promise<VarNode[]>;
  evaluate(at: Cursor, text: string): Promise<EvalResult>;
  checkLines(lines: number[]): Promise<LineCheck[]>;
  /** Whether an expression parses (without evaluating it). */
  checkExpression(text: string): Promise<{ ok: true } | { ok: false; message: string; column: number }>;
  /** Observes moves and new traces, wherever they come from. */
  onDidChange(listener: (e: SessionChange) => void): { dispose(): void };
  /** The front-end is done with the session. */
  close(): void;
}

/** Runs one move on a session (also what the worker does for its proxy). */
export function applyMove(session: StepSession, m: Move, origin?: string, cancelled?: () => boolean): MoveResult {
  switch (m.kind) {
    case 'step':
      session.step(m.delta, origin);
      return { cursor: session.cursor };
    case 'jump':
      session.jump(m.to, origin);
      return { cursor: session.cursor };
    case 'continue': {
      const from = session.position - (m.inclusive ? m.direction : 0);
      const hit = search(session, from, m.direction, m.stops, cancelled);
      session.jump(hit.cursor, origin);
      return { cursor: session.cursor, hit };
    }
    default: {
      const never: never = m;
      throw new Error(`unknown move ${JSON.stringify(never)}`);
    }
  }
}

/** The synchronous answers the worker and the local api share. */
export const answer = {
  info: (s: StepSession): SessionInfo => ({ name: s.problem.name, file: s.source.file, T: s.T, cursor: s.cursor }),
  variables: (s: StepSession, at: Cursor, path: string[], start?: number, count?: number): VarNode[] =>
    path[0] === '=' ? evaluatedChildren(s.place(at), path, start, count) : s.variables(at, path, start, count),
  evaluate: (s: StepSession, at: Cursor, text: string): EvalResult => evaluateForView(text, s.place(at)),
  checkLines: (s: StepSession, lines: number[]): LineCheck[] =>
    lines.map((line) => {
      const steps = s.stepsOnLine(line);
      return steps.length ? { line, steps: steps.length, first: steps[0] } : { line, steps: 0 };
    }),
};

/** A session in this thread behind the async interface (`bptt dap`, tests). */
export class LocalSessionApi implements SessionApi {
  constructor(readonly session: StepSession) {}

  async info(): Promise<SessionInfo> {
    return answer.info(this.session);
  }

  async move(m: Move, origin?: string): Promise<MoveResult> {
    return applyMove(this.session, m, origin);
  }

  async lineOf(t: number): Promise<number> {
    return this.session.lineOf(t);
  }

  async scopes(at: Cursor): Promise<{ name: ScopeName; named: number; expensive: boolean }[]> {
    return this.session.scopes(at);
  }

  async variables(at: Cursor, path: string[], start?: number, count?: number): Promise<VarNode[]> {
    return answer.variables(this.session, at, path, start, count);
  }

  async evaluate(at: Cursor, text: string): Promise<EvalResult> {
    return answer.evaluate(this.session, at, text);
  }

  async checkLines(lines: number[]): Promise<LineCheck[]> {
    return answer.checkLines(this.session, lines);
  }

  async checkExpression(text: string): Promise<{ ok: true } | { ok: false; message: string; column: number }> {
    return checkExpression(text);
  }

  onDidChange(listener: (e: SessionChange) => void): { dispose(): void } {
    return this.session.onDidChange(listener);
  }

  close(): void {
    // Nothing held: the session lives as long as its owner keeps it.
  }
}
