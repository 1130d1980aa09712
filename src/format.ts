/** How numbers are written wherever a person reads them: panel, equations, tooltips, CLI. */

/**
 * Whether a magnitude is written in exponent form: below 1e-3 or from 1e4. Moderate values keep 4
 * decimals; the others 3 significant digits (2.36e+4), so numbers side by side read alike and a
 * view never mixes `23628.3791` with `1.52e+12`, nor writes 0.00054 as `0.0005`.
 */
export const exponentForm = (a: number): boolean => a !== 0 && (a < 1e-3 || a >= 1e4);

/** 4 decimals; tiny or huge values in exponent form with 3 significant digits. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0.0000';
  return exponentForm(Math.abs(v)) ? v.toExponential(2) : v.toFixed(4);
}

/** A vector in brackets, eliding the middle of long ones. */
export function formatVector(v: ArrayLike<number>, max = 6): string {
  const n = v.length;
  const parts: string[] = [];
  if (n <= max) for (let i = 0; i < n; i++) parts.push(formatNumber(v[i]));
  else {
    for (let i = 0; i < max - 1; i++) parts.push(formatNumber(v[i]));
    parts.push(`… (${n - max} more)`, formatNumber(v[n - 1]));
  }
  return `[${parts.join(', ')}]`;
}

/**
 * One format for numbers shown together (a matrix or vector in an equation), chosen from their
 * largest magnitude, so a column never reads `0.0034 … 8.07e-4`: fixed with one number of decimals
 * (4 as formatNumber writes, fewer from 10 up: 5 significant digits for the largest, 1234.6), or,
 * when the largest is tiny or huge (exponentForm), one exponent for all (`8.07e-4`, `-0.32e-4`).
 * Each entry's own formatNumber is the exact one (a title).
 */
export function sharedFormat(values: ArrayLike<number>): (v: number) => string {
  let amax = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) amax = Math.max(amax, Math.abs(values[i]));
  const special = (v: number): string | null => (Number.isFinite(v) ? null : formatNumber(v));
  // A rounding that reads as zero has no sign.
  const unsigned = (s: string): string => (/^-[0.]+$/.test(s) ? s.slice(1) : s);
  if (!exponentForm(amax)) {
    const decimals = amax < 10 ? 4 : 4 - Math.floor(Math.log10(amax));
    return (v) => special(v) ?? unsigned(v.toFixed(decimals));
  }
  let e = Math.floor(Math.log10(amax));
  if (Math.abs(amax / Math.pow(10, e)) >= 9.995) e++; // 9.996e-4 is written 1.00e-3
  const scale = Math.pow(10, e);
  const exp = e >= 0 ? `e+${e}` : `e${e}`;
  return (v) => special(v) ?? `${unsigned((v / scale).toFixed(2))}${exp}`;
}
