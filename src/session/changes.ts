/**
 * Who hears a session's changes, and on whose behalf a move was made: the observer half of
 * StepSession, apart from the model it reports on. Pure: no vscode, no DOM, no Node.
 */
import type { Cursor } from './cursor';

/** What changed: the cursor moved (by whom, when a front-end said), or a new trace replaced the old. */
export interface SessionChange {
  kind: 'move' | 'trace';
  cursor: Cursor;
  /** The front-end that asked for the move ('panel', 'debugger', ...), when it said. */
  origin?: string;
}

export class SessionChanges {
  private listeners: ((e: SessionChange) => void)[] = [];
  /** The front-end whose move is running, if it said. */
  private originNow: string | undefined;
  private quiet = false;

  get origin(): string | undefined {
    return this.originNow;
  }

  on(listener: (e: SessionChange) => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  /** Runs a move on behalf of a front-end: what it emits names that origin. */
  moving(origin: string | undefined, move: () => boolean): boolean {
    const before = this.originNow;
    this.originNow = origin;
    try {
      return move();
    } finally {
      this.originNow = before;
    }
  }

  /** Runs f without telling anyone (a change the caller reports itself). */
  quietly(f: () => void): void {
    this.quiet = true;
    try {
      f();
    } finally {
      this.quiet = false;
    }
  }

  emit(e: SessionChange): void {
    if (this.quiet) return;
    for (const l of [...this.listeners]) l(e);
  }
}
