/** JSON with comments -> a plain JS value, the span of every value and key, and positioned problems. */
import { createScanner, parseTree } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';

// jsonc-parser's SyntaxKind values (a const enum, which isolated modules cannot read).
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const LINE_COMMENT = 12;
const BLOCK_COMMENT = 13;
const EOF = 17;
const NULL_KEYWORD = 7;
const NUMERIC_LITERAL = 11;
import { MAX_DEPTH, MAX_SPEC_VALUES, SourceMap, setOwn } from './source';
import type { Issue, Parsed, Path } from './source';

export function parseJsonc(text: string): Parsed {
  const map = new SourceMap();
  const issues: Issue[] = [];
  // One pass of the (non-recursive) scanner first: an empty document, and nesting too deep for the
  // recursive parser, are found here with their place.
  const pre = prescan(text);
  if (pre.empty) return { value: null, empty: true, map, issues };
  if (pre.tooDeepAt !== null) {
    issues.push({
      severity: 'error',
      message: `nested more than ${MAX_DEPTH} levels deep; a spec needs only a few levels`,
      span: { offset: pre.tooDeepAt, length: 1 },
      path: [],
    });
    return { value: null, empty: false, map, issues };
  }
  if (pre.tooManyAt !== null) {
    const message = `the spec has more than ${MAX_SPEC_VALUES.toLocaleString('en-US')} values, the limit; put long data in a file (data.file)`;
    issues.push({ severity: 'error', message, span: { offset: pre.tooManyAt, length: 1 }, path: [] });
    return { value: null, empty: false, map, issues };
  }
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    issues.push({ severity: 'error', message: 'the spec is nested too deeply to read', span: { offset: 0, length: 0 }, path: [] });
    return { value: null, empty: false, map, issues };
  }
  for (const e of errors) issues.push({ severity: 'error', message: errorMessage(e.error), span: { offset: e.offset, length: e.length }, path: [] });
  if (errors.length > 0 || !root) {
    if (issues.length === 0) issues.push({ severity: 'error', message: 'JSON syntax error: expected a value', span: { offset: 0, length: 0 }, path: [] });
    return { value: null, empty: false, map, issues };
  }
  const value = convert(root, [], map, issues);
  return { value, empty: false, map, issues };
}

function prescan(text: string): { empty: boolean; tooDeepAt: number | null; tooManyAt: number | null } {
  const scanner = createScanner(text, true);
  let depth = 0;
  let empty = true;
  let values = 0;
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === LINE_COMMENT || kind === BLOCK_COMMENT) continue;
    empty = false;
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      if (++depth > MAX_DEPTH) return { empty, tooDeepAt: scanner.getTokenOffset(), tooManyAt: null };
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) depth = Math.max(0, depth - 1);
    else if (kind >= NULL_KEYWORD && kind <= NUMERIC_LITERAL && ++values > MAX_SPEC_VALUES) return { empty, tooDeepAt: null, tooManyAt: scanner.getTokenOffset() };
  }
  return { empty, tooDeepAt: null, tooManyAt: null };
}

/** jsonc-parser's ParseErrorCode (a const enum) in words. */
function errorMessage(code: number): string {
  const what: Record<number, string> = {
    /* InvalidSymbol */ 1: 'unexpected symbol here',
    /* InvalidNumberFormat */ 2: 'this is not a valid number',
    /* PropertyNameExpected */ 3: 'expected a field name in double quotes',
    /* ValueExpected */ 4: 'expected a value (a number, "string", true, false, null, [list] or {object})',
    /* ColonExpected */ 5: "expected ':' after the field name",
    /* CommaExpected */ 6: "expected ',' between items",
    /* CloseBraceExpected */ 7: "expected '}' to close the object",
    /* CloseBracketExpected */ 8: "expected ']' to close the list",
    /* EndOfFileExpected */ 9: 'expected the end of the file: a spec is one JSON object',
    /* InvalidCommentToken */ 10: 'this comment is not valid',
    /* UnexpectedEndOfComment */ 11: "the comment is not closed (missing '*/')",
    /* UnexpectedEndOfString */ 12: 'the string is not closed (missing \'"\')',
    /* UnexpectedEndOfNumber */ 13: 'the number is not complete',
    /* InvalidUnicode */ 14: 'invalid \\u escape in a string',
    /* InvalidEscapeCharacter */ 15: 'invalid escape in a string',
    /* InvalidCharacter */ 16: 'invalid character in a string',
  };
  return `JSON syntax error: ${what[code] ?? 'the text is not valid JSON here'}`;
}

function convert(node: Node, path: Path, map: SourceMap, issues: Issue[]): unknown {
  map.setValue(path, { offset: node.offset, length: node.length });
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (!keyNode) continue;
        const name = String(keyNode.value);
        const keyPath = [...path, name];
        const keySpan = { offset: keyNode.offset, length: keyNode.length };
        if (seen.has(name)) {
          issues.push({ severity: 'error', message: `duplicate key '${name}': it is already set above in the same object`, span: keySpan, path: keyPath });
          continue;
        }
        seen.add(name);
        map.setKey(keyPath, keySpan);
        if (valueNode) setOwn(out, name, convert(valueNode, keyPath, map, issues));
        else {
          map.setValue(keyPath, keySpan);
          setOwn(out, name, null);
        }
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((child, i) => convert(child, [...path, i], map, issues));
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    default:
      return null;
  }
}
