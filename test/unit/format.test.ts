/**
 * The shared format of numbers shown together (an equation's matrix or vector): one number of
 * decimals or one exponent for all, chosen from the largest magnitude; every entry within half a
 * unit of its last written place of the value.
 */
import { describe, expect, test } from 'vitest';
import { formatNumber, sharedFormat } from '../../src/format';

const all = (values: number[]): string[] => values.map(sharedFormat(values));

/** The unit of the last written place: 1e-4 for 0.0034, 1e-6 for 0.32e-4. */
function lastPlace(s: string): number {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) throw new Error(`not a number: ${s}`);
  return Math.pow(10, -(m[1]?.length ?? 0) + Number(m[2] ?? 0));
}

describe('sharedFormat', () => {
  test('the column of the issue: 0.0034 beside 8.07e-4 reads 0.0034 and 0.0008', () => {
    expect(all([0.0034, 8.07e-4, -0.0021])).toEqual(['0.0034', '0.0008', '-0.0021']);
  });

  test('moderate values keep formatNumber\'s 4 decimals; one-hot stays 1.0000 / 0.0000', () => {
    const v = [0.5123456, -0.25, 1, 0, 3.99999];
    expect(all(v)).toEqual(v.map((x) => formatNumber(x)));
    expect(all([1, 0, 0])).toEqual(['1.0000', '0.0000', '0.0000']);
  });

  test('from 10 up, fewer decimals: the largest keeps 5 significant digits', () => {
    expect(all([12.345678, 0.5])).toEqual(['12.346', '0.500']);
    expect(all([1234.5678, -2.04])).toEqual(['1234.6', '-2.0']);
  });

  test('all tiny: one exponent, that of the largest, 2 decimals of mantissa', () => {
    expect(all([8.07e-4, 3.2e-6, -1.5e-5])).toEqual(['8.07e-4', '0.03e-4', '-0.15e-4']);
    expect(all([2.5e-9, -1e-9])).toEqual(['2.50e-9', '-1.00e-9']);
  });

  test('all huge: one exponent written as formatNumber writes it (e+4)', () => {
    expect(all([23628.3791, -1520, 1.52e5])).toEqual(['0.24e+5', '-0.02e+5', '1.52e+5']);
  });

  test('a mantissa that rounds up to 10 moves to the next exponent', () => {
    expect(all([9.996e-4, 1e-5])).toEqual(['1.00e-3', '0.01e-3']);
  });

  test('no -0.0000 or -0.00e-4; NaN and infinities as formatNumber writes them; all zeros', () => {
    expect(all([-1e-7, 0.5])).toEqual(['0.0000', '0.5000']);
    expect(all([-1e-9, 8e-4])).toEqual(['0.00e-4', '8.00e-4']);
    expect(all([NaN, Infinity, -Infinity, 0.25])).toEqual(['NaN', '∞', '-∞', '0.2500']);
    expect(all([0, 0])).toEqual(['0.0000', '0.0000']);
  });

  test('random sets across magnitudes: one form, one number of decimals or one exponent, each within half a unit of its last place', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const scale = Math.pow(10, Math.floor(rnd() * 16) - 8);
      const v = Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => (rnd() - 0.5) * scale * Math.pow(10, -Math.floor(rnd() * 4)));
      const s = all(v);
      const suffixes = new Set(s.map((x) => /e[+-]\d+$/.exec(x)?.[0] ?? ''));
      const decimals = new Set(s.map((x) => /\.(\d+)/.exec(x)?.[1].length ?? 0));
      expect(suffixes.size, s.join(' ')).toBe(1);
      expect(decimals.size, s.join(' ')).toBe(1);
      s.forEach((x, i) => expect(Math.abs(Number(x) - v[i]), `${x} for ${v[i]}`).toBeLessThanOrEqual(lastPlace(x) / 2 + 1e-12 * Math.abs(v[i])));
    }
  });
});
