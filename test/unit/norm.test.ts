/** ||v||_2 without overflow or underflow: the timeline and the table show huge and tiny norms as numbers. */
import { describe, expect, it } from 'vitest';
import { norm2 } from '../../src/engine';

describe('norm2', () => {
  it('is the plain sum of squares in the ordinary range, bit for bit', () => {
    const v = new Float64Array([3, -4, 12]);
    expect(norm2(v)).toBe(13);
    const w = new Float64Array([0.1, 0.2, 0.3]);
    expect(norm2(w)).toBe(Math.sqrt(0.1 * 0.1 + 0.2 * 0.2 + 0.3 * 0.3));
  });

  it('does not overflow: ||(3e200, 4e200)|| = 5e200', () => {
    expect(norm2(new Float64Array([3e200, -4e200]))).toBeCloseTo(5e200, -186);
    expect(norm2(new Float64Array([1e200]))).toBe(1e200);
  });

  it('does not underflow: ||(3e-200, 4e-200)|| = 5e-200', () => {
    const n = norm2(new Float64Array([3e-200, 4e-200]));
    expect(Math.abs(n - 5e-200) / 5e-200).toBeLessThan(1e-15);
  });

  it('says what the plain sum says for zero, infinity and NaN', () => {
    expect(norm2(new Float64Array([0, 0]))).toBe(0);
    expect(norm2(new Float64Array([]))).toBe(0);
    expect(norm2(new Float64Array([1, Infinity]))).toBe(Infinity);
    expect(norm2(new Float64Array([1, NaN, 2]))).toBeNaN();
    expect(norm2(new Float64Array([Infinity, NaN]))).toBeNaN();
  });
});
