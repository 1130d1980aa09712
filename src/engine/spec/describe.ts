/** Words for values and for what a schema expects: "the string \"three\"", "an integer ≥ 1". */

/** What was found, for "expected X, found Y". */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (typeof v === 'string') {
    const s = v.length > 40 ? `${v.slice(0, 37)}...` : v;
    return `the string ${JSON.stringify(s)}`;
  }
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN (not a number)';
    if (!Number.isFinite(v)) return v > 0 ? 'infinity' : '-infinity';
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    return keys.length === 0 ? 'an empty mapping' : `a mapping (with ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''})`;
  }
  return 'a value of another kind';
}

/** A JSON Schema fragment, as far as these words need it. */
export interface SchemaLike {
  type?: string | string[];
  enum?: unknown[];
  items?: SchemaLike;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
}

function typeWord(t: string, items: SchemaLike | undefined): string {
  switch (t) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
      return 'a mapping of fields';
    case 'array': {
      const it = items?.type;
      if (it === 'number') return 'a list of numbers';
      if (it === 'string') return 'a list of strings';
      return 'a list';
    }
    default:
      return t;
  }
}

function orList(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** What the schema asks for, in words: "an integer ≥ 1", "one of rnn | lstm | gru". */
export function describeExpected(schema: SchemaLike): string {
  if (schema.enum) return `one of ${schema.enum.map(String).join(' | ')}`;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  let s = types.length === 0 ? 'a value' : orList(types.map((t) => typeWord(t, schema.items)));
  if (schema.minimum !== undefined) s += ` ≥ ${schema.minimum}`;
  if (schema.exclusiveMinimum !== undefined) s += ` > ${schema.exclusiveMinimum}`;
  if (schema.maximum !== undefined) s += ` ≤ ${schema.maximum}`;
  if (schema.minLength !== undefined) s += ` of at least ${schema.minLength} characters`;
  if (schema.minItems !== undefined) s += ` of at least ${schema.minItems} items`;
  return s;
}

/** 1.0e10 */
export function sci(n: number): string {
  return n.toExponential(1).replace('e+', 'e');
}
