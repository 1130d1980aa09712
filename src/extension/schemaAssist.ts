/**
 * Completion and hover for YAML specs from the spec's JSON Schema, without a YAML extension: where
 * the cursor is (a key or a value, under which keys, by indentation of the block YAML above), what
 * the schema allows there (properties not yet written, enum values, booleans) and what it says
 * about a key. Pure (no vscode), so it is tested in Node; yamlAssist.ts adapts it to the editor.
 */

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  $ref?: string;
  default?: unknown;
  definitions?: Record<string, SchemaNode>;
}

export interface Place {
  /** Keys from the document's root to the mapping the cursor is in (key) or the key whose value it is at (value). */
  path: string[];
  kind: 'key' | 'value';
  /** Keys already written in that mapping (key position). */
  siblings: string[];
  /** The text typed so far at the cursor. */
  prefix: string;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const KEY = /^(\s*)(?:-\s+)?([A-Za-z_][\w.-]*)\s*:(.*)$/;

/** Where offset `character` on line `lineNo` of `lines` is, in block YAML. */
export function placeAt(lines: string[], lineNo: number, character: number): Place {
  const line = lines[lineNo] ?? '';
  const before = line.slice(0, character);
  const m = KEY.exec(before);
  let kind: 'key' | 'value';
  let prefix: string;
  let ownIndent = indentOf(line);
  const path: string[] = [];
  if (m && before.indexOf(':') >= 0 && !before.trimStart().startsWith('#')) {
    kind = 'value';
    prefix = m[3].trim();
    path.push(m[2]);
    ownIndent = m[1].length;
  } else {
    kind = 'key';
    prefix = before.trim().replace(/^-\s*/, '');
    ownIndent = before.length - before.trimStart().length;
  }
  // Parents: walk up to lines with smaller indentation that open a mapping (`key:` with nothing after).
  let indent = ownIndent;
  for (let i = lineNo - 1; i >= 0 && indent > 0; i--) {
    const l = lines[i];
    if (!l.trim() || l.trimStart().startsWith('#')) continue;
    const k = KEY.exec(l);
    if (indentOf(l) < indent && k) {
      path.unshift(k[2]);
      indent = indentOf(l);
    }
  }
  // Siblings: keys at the same indentation within the same parent block.
  const siblings: string[] = [];
  if (kind === 'key') {
    for (const dir of [-1, 1]) {
      for (let i = lineNo + dir; i >= 0 && i < lines.length; i += dir) {
        const l = lines[i];
        if (!l.trim() || l.trimStart().startsWith('#')) continue;
        if (indentOf(l) < ownIndent) break;
        const k = KEY.exec(l);
        if (indentOf(l) === ownIndent && k) siblings.push(k[2]);
      }
    }
  }
  return { path, kind, siblings, prefix };
}

/** Follows $ref (local #/definitions/… only) and merges anyOf/oneOf alternatives' properties and enums. */
function resolve(root: SchemaNode, n: SchemaNode | undefined, depth = 0): SchemaNode | undefined {
  if (!n || depth > 20) return n;
  if (n.$ref?.startsWith('#/definitions/')) {
    const target = root.definitions?.[n.$ref.slice('#/definitions/'.length)];
    return resolve(root, { ...target, ...n, $ref: undefined, description: n.description ?? target?.description }, depth + 1);
  }
  const alts = [...(n.anyOf ?? []), ...(n.oneOf ?? [])].map((a) => resolve(root, a, depth + 1)).filter((a): a is SchemaNode => !!a);
  if (!alts.length) return n;
  const merged: SchemaNode = { ...n };
  for (const a of alts) {
    if (a.properties) merged.properties = { ...a.properties, ...merged.properties };
    if (a.enum) merged.enum = [...(merged.enum ?? []), ...a.enum];
    if (a.type && !merged.type) merged.type = a.type;
  }
  return merged;
}

/** The schema at a key path (array items pass through), or undefined. */
export function schemaAt(root: SchemaNode, path: string[]): SchemaNode | undefined {
  let n = resolve(root, root);
  for (const key of path) {
    if (!n) return undefined;
    if (n.items && !n.properties) n = resolve(root, n.items);
    const next = n?.properties?.[key] ?? Object.entries(n?.patternProperties ?? {}).find(([re]) => safeTest(re, key))?.[1];
    n = resolve(root, next);
  }
  return n;
}

function safeTest(re: string, s: string): boolean {
  try {
    return new RegExp(re).test(s);
  } catch {
    return false;
  }
}

export interface SchemaItem {
  label: string;
  kind: 'property' | 'value';
  detail?: string;
  documentation?: string;
  /** What to insert: `key: ` for a property. */
  insert: string;
}

/** What may be written at the place: the mapping's unwritten properties, or the value's enum / booleans. */
export function completions(root: SchemaNode, place: Place): SchemaItem[] {
  if (place.kind === 'key') {
    const n = schemaAt(root, place.path);
    const props = n?.properties ?? {};
    return Object.entries(props)
      .filter(([k]) => !place.siblings.includes(k))
      .map(([k, s]) => {
        const r = resolve(root, s);
        const nested = !!(r?.properties && !r.enum);
        return { label: k, kind: 'property', detail: typeText(r), documentation: r?.description, insert: nested ? `${k}:\n` : `${k}: ` };
      });
  }
  const n = schemaAt(root, place.path);
  const values = n?.enum ?? (typeIncludes(n, 'boolean') ? [true, false] : []);
  return values.map((v) => ({ label: String(v), kind: 'value', detail: place.path.join('.'), documentation: n?.description, insert: String(v) }));
}

/** The description of the key at the place (hover), with its type or allowed values. */
export function describeKey(root: SchemaNode, path: string[]): string | null {
  const n = schemaAt(root, path);
  if (!n) return null;
  const parts = [`**${path.join('.')}**${typeText(n) ? ` · ${typeText(n)}` : ''}`];
  if (n.description) parts.push(n.description);
  return parts.join('\n\n');
}

const typeIncludes = (n: SchemaNode | undefined, t: string): boolean => (Array.isArray(n?.type) ? n!.type.includes(t) : n?.type === t);

function typeText(n: SchemaNode | undefined): string {
  if (!n) return '';
  if (n.enum) return n.enum.map((v) => String(v)).join(' | ');
  return Array.isArray(n.type) ? n.type.join(' | ') : n.type ?? (n.properties ? 'object' : '');
}

/** The replacement a "did you mean 'x'?" message proposes, or null. */
export function suggestionOf(message: string): string | null {
  return /did you mean '([^']+)'\?/.exec(message)?.[1] ?? null;
}
