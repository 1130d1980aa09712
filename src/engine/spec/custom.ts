/**
 * model.cell: custom — the spec's state, params and equations -> a CustomCellSpec, checked: names,
 * shapes, and the equations compiled for the model's H and D, each error at its line and column in
 * the spec file (a YAML block scalar's lines count from where they sit in the file).
 */
import type { CustomCellSpec } from '../types';
import { compile, EquationError, RESERVED } from '../cells/custom';
import { builtinFunctionNames } from '../expr';
import type { Ctx, Obj } from './context';
import { has } from './context';
import type { Span } from './source';

const PATH = ['model', 'equations'];

/** The custom cell of the model, or null after reporting what is wrong. */
export function resolveCustom(model: Obj, H: number, D: number, ctx: Ctx): CustomCellSpec | null {
  const missing = ['state', 'params', 'equations'].filter((k) => !has(model, k));
  if (missing.length > 0) {
    ctx.error(['model', 'cell'], `a custom cell needs model.${missing.join(', model.')}: the states, the parameters' shapes and the equations (see "Custom cells" in the README)`);
    return null;
  }
  const states = (model.state as string[]).slice();
  const params = model.params as Record<string, (string | number)[]>;
  const equations = model.equations as string;
  if (!states.includes('h')) {
    ctx.error(['model', 'state'], `must include h, the state the output layer reads (e.g. [h] or [h, c]); found [${states.join(', ')}]`);
    return null;
  }
  const fns = new Set(builtinFunctionNames());
  for (const [i, s] of states.entries()) {
    if (RESERVED.has(s) || fns.has(s)) {
      ctx.error(['model', 'state', i], `'${s}' names something else (${RESERVED.has(s) ? 'a field of the trace or the input' : 'a function'}); choose another state name`);
      return null;
    }
  }
  for (const name of Object.keys(params)) {
    const clash = RESERVED.has(name) ? 'a reserved name (the input, or a field of the trace or the output layer)'
      : states.includes(name) ? 'a state' : states.some((s) => name === `${s}_prev`) ? "a state's previous value" : fns.has(name) ? 'a function' : null;
    if (clash) {
      ctx.error(['model', 'params', name], `'${name}' is ${clash}; choose another parameter name`, 'key');
      return null;
    }
  }
  const spec: CustomCellSpec = { states, params, equations };
  try {
    compile(spec, H, D);
  } catch (e) {
    if (!(e instanceof EquationError)) throw e;
    if (e.issue.state !== undefined) ctx.error(['model', 'state', states.indexOf(e.issue.state)], e.issue.message);
    else ctx.errorAt(PATH, fileSpan(ctx, e.issue.offset, e.issue.length, equations), e.issue.message);
    return null;
  }
  return spec;
}

/**
 * Where offset..offset+length of the equations string sits in the spec file. The value's span starts
 * at its first character in the file: a block scalar (| or >) has its lines below the header, each
 * indented; a quoted string ("..." in YAML or JSON) has escapes (\n is two characters); a plain
 * scalar sits as it is.
 */
export function fileSpan(ctx: Ctx, offset: number, length: number, value: string): Span {
  const span = ctx.map.value(PATH);
  const text = ctx.text;
  const at = (o: number): number => toFile(text, span, value, o);
  if (!text) return span;
  const start = at(offset);
  return { offset: start, length: Math.max(0, Math.min(at(offset + length) - start, text.length - start)) };
}

function toFile(text: string, span: Span, value: string, o: number): number {
  const first = text[span.offset];
  if (first === '|' || first === '>') {
    // Block scalar: the content starts on the line after the header; indentation is the first content line's.
    let p = text.indexOf('\n', span.offset);
    if (p < 0) return span.offset;
    p++;
    let indent = -1;
    for (let q = p; q < text.length && indent < 0; ) {
      const eol = text.indexOf('\n', q);
      const line = text.slice(q, eol < 0 ? text.length : eol);
      if (line.trim().length > 0) indent = line.length - line.trimStart().length;
      if (eol < 0) break;
      q = eol + 1;
    }
    const lineNo = value.slice(0, o).split('\n').length - 1;
    const col = o - (value.lastIndexOf('\n', o - 1) + 1);
    let q = p;
    for (let k = 0; k < lineNo; k++) {
      const eol = text.indexOf('\n', q);
      if (eol < 0) return text.length;
      q = eol + 1;
    }
    return Math.min(q + Math.max(indent, 0) + col, text.length);
  }
  if (first === '"' || first === "'") {
    // Quoted: walk the source, one value character per source character or escape.
    let p = span.offset + 1;
    for (let k = 0; k < o && p < span.offset + span.length; k++) {
      if (first === '"' && text[p] === '\\') p += text[p + 1] === 'u' ? 6 : 2;
      else if (first === "'" && text[p] === "'" && text[p + 1] === "'") p += 2;
      else p++;
    }
    return p;
  }
  return span.offset + o;
}
