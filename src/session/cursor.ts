/**
 * The session's cursor over a trace: forward t = 1..T, then backward t = T..1, as one line of 2T
 * places. It belongs to no front-end: the panel and the debugger both observe it.
 */
import type { Cursor } from '../protocol';

export type { Cursor, Phase } from '../protocol';

/** A place's position on the line 0..2T-1 (t clamped to 1..T). */
export function placeIndex(c: Cursor, T: number): number {
  const t = Math.min(Math.max(1, Math.round(c.t)), T);
  return c.phase === 'forward' ? t - 1 : 2 * T - t;
}

/** The place at position 0..2T-1. */
export function placeAt(pos: number, T: number): Cursor {
  return pos < T ? { phase: 'forward', t: pos + 1 } : { phase: 'backward', t: 2 * T - pos };
}

export class Stepper {
  private listeners: ((c: Cursor) => void)[] = [];
  private pos = 0;

  constructor(private T: number) {
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`a trace needs at least one timestep, got ${T}`);
  }

  get length(): number {
    return this.T;
  }

  get cursor(): Cursor {
    return placeAt(this.pos, this.T);
  }

  /** The cursor's position on the line 0..2T-1. */
  get position(): number {
    return this.pos;
  }

  /** Moves by delta places, stopping at either end. Returns whether the cursor moved. */
  step(delta: number): boolean {
    return this.set(Math.min(Math.max(0, this.pos + Math.trunc(delta)), 2 * this.T - 1));
  }

  /** start: forward t = 1. end: backward t = 1, where the gradients are complete. */
  jump(to: 'start' | 'end' | Cursor): boolean {
    if (to === 'start') return this.set(0);
    if (to === 'end') return this.set(2 * this.T - 1);
    return this.set(placeIndex(to, this.T));
  }

  /** A new trace of T steps: keeps the phase and t where they still exist, else the nearest. */
  retarget(T: number): void {
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`a trace needs at least one timestep, got ${T}`);
    const c = this.cursor;
    this.T = T;
    this.pos = placeIndex(c, T);
    this.emit();
  }

  onDidChange(listener: (c: Cursor) => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  private set(pos: number): boolean {
    if (pos === this.pos) return false;
    this.pos = pos;
    this.emit();
    return true;
  }

  private emit(): void {
    const c = this.cursor;
    for (const l of this.listeners) l(c);
  }
}
