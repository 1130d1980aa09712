import { describe, expect, test } from 'vitest';
import { Stepper, type Cursor } from '../../src/session/cursor';

describe('the stepper cursor', () => {
  test('runs forward 1..T then backward T..1, and stops at both ends', () => {
    const s = new Stepper(3);
    const seen: Cursor[] = [s.cursor];
    while (s.step(1)) seen.push(s.cursor);
    expect(seen.map((c) => `${c.phase[0]}${c.t}`)).toEqual(['f1', 'f2', 'f3', 'b3', 'b2', 'b1']);
    expect(s.step(1)).toBe(false);
    expect(s.cursor).toEqual({ phase: 'backward', t: 1 });
    s.step(-100);
    expect(s.cursor).toEqual({ phase: 'forward', t: 1 });
  });

  test('jumps to start, end and exact places (clamped to the trace)', () => {
    const s = new Stepper(5);
    s.jump('end');
    expect(s.cursor).toEqual({ phase: 'backward', t: 1 });
    s.jump('start');
    expect(s.cursor).toEqual({ phase: 'forward', t: 1 });
    s.jump({ phase: 'backward', t: 4 });
    expect(s.cursor).toEqual({ phase: 'backward', t: 4 });
    s.jump({ phase: 'forward', t: 99 });
    expect(s.cursor).toEqual({ phase: 'forward', t: 5 });
  });

  test('a new trace keeps the cursor where it still makes sense', () => {
    const s = new Stepper(6);
    s.jump({ phase: 'backward', t: 4 });
    s.retarget(8);
    expect(s.cursor).toEqual({ phase: 'backward', t: 4 });
    s.retarget(2);
    expect(s.cursor).toEqual({ phase: 'backward', t: 2 });
  });

  test('observers hear every move, and only moves', () => {
    const s = new Stepper(2);
    const heard: string[] = [];
    const sub = s.onDidChange((c) => heard.push(`${c.phase}:${c.t}`));
    s.step(1);
    s.step(-1);
    s.step(-1); // already at the start: no event
    sub.dispose();
    s.step(1);
    expect(heard).toEqual(['forward:2', 'forward:1']);
  });

  test('rejects an empty trace', () => {
    expect(() => new Stepper(0)).toThrow(RangeError);
  });
});
