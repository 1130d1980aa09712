/**
 * A log-scale axis for the panel's small charts (the Jacobian row, the loss curve): tick values and
 * their labels, and an SVG path of a series' positive values. Formatting and drawing only.
 */

/** A value a log axis can place: finite and > 0. */
export const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** The path of a series' positive values; a value <= 0 (or not finite) breaks the line. */
export function logPath(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '', pen = false;
  values.forEach((v, i) => {
    if (!positive(v)) return void (pen = false);
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(2)} ${y(v).toFixed(2)}`;
    pen = true;
  });
  return d;
}

/** Tick values between 10^lo and 10^hi: powers of ten (at most ~6), or 1, 2, 5 × 10^e inside less than a decade. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.ceil(lo), b = Math.floor(hi);
  if (b - a >= 1) {
    const step = Math.max(1, Math.ceil((b - a + 1) / 6));
    const out: number[] = [];
    for (let e = a; e <= b; e += step) out.push(10 ** e);
    return out;
  }
  const round: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e, l = Math.log10(v);
      if (l >= lo && l <= hi) round.push(v);
    }
  }
  return round.length >= 2 ? round : [10 ** lo, 10 ** hi];
}

/** A log axis label: 1, 20, 0.05, 1e-8, 2e12 (one form for every tick of an axis). */
export function formatTick(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  if (e >= -3 && e <= 4) return String(Number(v.toPrecision(3)));
  const m = Number((v / 10 ** e).toPrecision(3));
  return `${Number.isInteger(m) ? m : m.toFixed(2)}e${e}`;
}
