/** A ready-made scope over a Map: lookups go through Map.get, so `__proto__` or `constructor` are just unknown names. */
import type { ExprScope, ExprValue } from './ast';

/**
 * A scope of the given values (a Map, or a plain record read with own properties only) and an optional
 * handler for grad-like functions.
 */
export function mapScope(
  values: ReadonlyMap<string, ExprValue> | Readonly<Record<string, ExprValue>>,
  nameFunction?: (fn: string, name: string) => ExprValue | undefined,
): ExprScope {
  const map = values instanceof Map ? values : new Map(Object.entries(values));
  return { lookup: (name) => map.get(name), nameFunction };
}
