/** The least and largest of a list, by a loop: Math.min(...xs) overflows the call stack past ~100,000 values (a long trace). */
export function extent(xs: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
