/** How numbers are written wherever a person reads them: panel, equations, tooltips. */

/** 4 decimals; tiny or huge values in exponent form with 3 significant digits. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0.0000';
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e6) return v.toExponential(2);
  return v.toFixed(4);
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
