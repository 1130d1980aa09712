/** Central differences for the tests' gradient checks, independent of the engine's own gradcheck. */

/** Sixth-order central difference of f along coordinate i of v (v is restored). */
export function diff6(f: () => number, v: Float64Array, i: number, e: number): number {
  const v0 = v[i];
  const at = (d: number): number => {
    v[i] = v0 + d;
    const r = f();
    v[i] = v0;
    return r;
  };
  return (45 * (at(e) - at(-e)) - 9 * (at(2 * e) - at(-2 * e)) + (at(3 * e) - at(-3 * e))) / (60 * e);
}
