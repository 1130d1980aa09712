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
