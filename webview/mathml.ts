/**
 * An equation typeset as MathML (MathML Core, which Chromium draws natively; no styles, so the
 * webview's CSP is satisfied): symbolic with t, then with every name replaced by its numbers.
 * Each name carries data-term, so hovering it can light up the view it comes from.
 */
import type { EquationMath, MathNode, TermValue } from '../src/protocol';
import { formatNumber, sharedFormat } from '../src/format';

const NS = 'http://www.w3.org/1998/Math/MathML';

type Kid = Element | string | null;

function m(tag: string, attrs: Record<string, string> = {}, ...kids: Kid[]): Element {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) if (k !== null) e.append(k);
  return e;
}
const mi = (s: string, attrs: Record<string, string> = {}): Element => m('mi', s.length > 1 ? { mathvariant: 'normal', ...attrs } : attrs, s);
const mo = (s: string, attrs: Record<string, string> = {}): Element => m('mo', attrs, s);
const mn = (s: string): Element => m('mn', {}, s);

/** Function names as the notes write them. */
const FN: Record<string, string> = { sigmoid: 'σ', tanh: 'tanh', relu: 'relu', exp: 'exp', log: 'log', sqrt: '√', abs: 'abs', softplus: 'softplus', softmax: 'softmax', identity: 'id' };


/**
 * A name with its subscripts: W_xh → W_xh; x → x_t; h_prev → h_{t−1}; dc_next → dc_{t+1};
 * dW_hh → dW_hh (a step's contribution); a parameter is never indexed by t.
 */
export function nameMath(name: string, t: string, param: boolean): Element {
  let base = name, time: string | null = t;
  if (name.endsWith('_prev')) (base = name.slice(0, -5)), (time = step(t, -1));
  else if (name.endsWith('_next')) (base = name.slice(0, -5)), (time = step(t, +1));
  if (param || /^d?[Wwb]_/.test(base)) {
    const i = base.indexOf('_');
    const head = base.slice(0, i), sub = base.slice(i + 1);
    const stem = head.startsWith('d') && head.length > 1 ? m('mrow', {}, mi('d', { mathvariant: 'normal' }), mi(head.slice(1))) : mi(head);
    return m('msub', {}, stem, mi(sub, { mathvariant: 'italic' }));
  }
  const stem = base.startsWith('d') && base.length > 1 ? m('mrow', {}, mi('d', { mathvariant: 'normal' }), mi(base.slice(1))) : mi(base);
  return time === null ? stem : m('msub', {}, stem, timeSub(time));
}

/** t, t−1 or t+1 (symbolic) or the number (numeric). */
function step(t: string, d: number): string {
  if (/^\d+$/.test(t)) return String(Number(t) + d);
  return d < 0 ? `${t}−1` : `${t}+1`;
}
function timeSub(s: string): Element {
  const mm = /^(\w)([−+])(\d)$/.exec(s);
  return mm ? m('mrow', {}, mi(mm[1]), mo(mm[2]), mn(mm[3])) : /^\d+$/.test(s) ? mn(s) : mi(s);
}

const PREC: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '@': 6 };
const OP: Record<string, string> = { '*': '⊙', '@': '\u2062', '-': '−', '/': '/', '+': '+' };

const paren = (e: Element): Element => m('mrow', {}, mo('('), e, mo(')'));

/** The tree as MathML; `leaf` draws a name (its symbol, or its numbers). */
function tree(n: MathNode, leaf: (name: string) => Element, parentPrec = 0): Element {
  switch (n.k) {
    case 'num':
      return mn(String(n.value));
    case 'name':
      return leaf(n.name);
    case 'un': {
      const e = m('mrow', {}, mo(n.op === '-' ? '−' : '¬'), tree(n.arg, leaf, 7));
      return parentPrec > 6 ? paren(e) : e;
    }
    case 'bin': {
      const p = PREC[n.op] ?? 5;
      const e = m('mrow', {}, tree(n.left, leaf, p), mo(OP[n.op] ?? n.op), tree(n.right, leaf, p + (n.op === '-' || n.op === '/' ? 1 : 0)));
      return p < parentPrec ? paren(e) : e;
    }
    case 'call': {
      if (n.fn === 'transpose' && n.args.length === 1) return m('msup', {}, tree(n.args[0], leaf, 8), mi('T', { mathvariant: 'normal' }));
      if (n.fn === 'outer' && n.args.length === 2) {
        const e = m('mrow', {}, tree(n.args[0], leaf, 6), mo('\u2062'), m('msup', {}, tree(n.args[1], leaf, 8), mi('T', { mathvariant: 'normal' })));
        return parentPrec > 6 ? paren(e) : e;
      }
      const args: Element[] = [];
      n.args.forEach((a, i) => {
        if (i) args.push(mo(','));
        args.push(tree(a, leaf));
      });
      return m('mrow', {}, mi(FN[n.fn] ?? n.fn, { mathvariant: 'normal' }), mo('\u2061'), mo('('), ...args, mo(')'));
    }
  }
}

/** A value as a bracketed column vector or matrix, ⋯ / ⋮ where rows or columns were elided. */
export function valueMath(v: TermValue, testid?: string): Element {
  const isMatrix = v.shape.length > 1;
  const nr = v.shape[0], nc = isMatrix ? v.shape[1] : 1;
  const rows: Element[] = [];
  // One format for the whole value; each entry's own (exact) form in its title. Cells are centred
  // (MathML has no column alignment in Chromium): figure spaces pad each number to the longest,
  // so with tabular digits the columns line up on the right.
  const texts = Array.from(v.data, sharedFormat(v.data));
  const width = Math.max(0, ...texts.map((x) => x.length));
  v.rows.forEach((i, a) => {
    if (a > 0 && i > v.rows[a - 1] + 1) rows.push(m('mtr', {}, ...v.cols.map((_, b) => m('mtd', {}, mo(b === 0 || v.cols.length === 1 ? '⋮' : '')))));
    const cells: Element[] = [];
    v.cols.forEach((j, b) => {
      if (b > 0 && j > v.cols[b - 1] + 1) cells.push(m('mtd', {}, mo('⋯')));
      const x = v.data[a * v.cols.length + b];
      cells.push(m('mtd', {}, m('mn', { 'data-i': String(i), 'data-j': String(j), title: formatNumber(x) }, texts[a * v.cols.length + b].padStart(width, '\u2007'))));
    });
    rows.push(m('mtr', {}, ...cells));
  });
  const table = m('mtable', { class: 'mat', ...(testid ? { 'data-testid': testid } : {}), 'data-shape': `${nr}×${nc}` }, ...rows);
  // Brackets drawn by the table's borders (panel.css): a stretched <mo> needs a math font the webview may lack.
  return m('mrow', { class: 'bracketed' }, table);
}

export interface TypesetLine {
  symbolic: Element;
  numeric: Element;
}

/** The line, symbolic (subscript t) and with numbers (subscript the step), both as <math> blocks. */
export function typeset(e: EquationMath, t: number, testid: string): TypesetLine {
  const params = new Set(e.values.filter((v) => v.param).map((v) => v.name));
  const values = new Map(e.values.map((v) => [v.name, v.value]));
  const named = (name: string, tt: string): Element => {
    const x = nameMath(name, tt, params.has(name));
    x.setAttribute('data-term', name);
    return x;
  };
  const symbolic = m('math', { display: 'block' }, m('mrow', {}, named(e.target, 't'), mo('='), tree(e.expr, (name) => named(name, 't'))));
  const numbers = (name: string): Element => {
    const v = values.get(name);
    if (!v) return named(name, String(t));
    return m('mrow', { 'data-term': name, class: 'term' }, valueMath(v, `${testid}-${name}`));
  };
  const numeric = m(
    'math',
    { display: 'block' },
    m('mrow', {}, named(e.target, String(t)), mo('='), tree(e.expr, numbers), ...(e.result ? [mo('='), m('mrow', { 'data-term': e.target, class: 'term result' }, valueMath(e.result, `${testid}-result`))] : [])),
  );
  return { symbolic, numeric };
}

/** A sub- or plain token of a line the host wrote as text: a name (its subscript after _), a number, a word, a sign. */
const TOKEN = /([A-Za-zΣσ]+)_(\{[^}]*\}|[A-Za-z0-9]+)|(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Za-z]{2,}(?: [A-Za-z]{2,})+)|([A-Za-z]+)|(\s+)|(.)/gu;

/**
 * A line the host sent as text only (the loss, a line no scope could evaluate) typeset like the
 * others: `L_t = -Σ_j v_j log y_tj` with its subscripts, numbers upright, prose as text; it was
 * written as monospace text with its underscores.
 */
export function textMath(text: string): Element {
  const kids: Element[] = [];
  for (const [, base, sub, num, prose, word, space, other] of text.matchAll(TOKEN)) {
    if (base !== undefined) kids.push(m('msub', {}, base === 'Σ' ? mo('Σ') : mi(base), /^\d+$/.test(sub) ? mn(sub) : mi(sub.replace(/^\{|\}$/g, ''))));
    else if (num !== undefined) kids.push(m('mn', { class: 'text-num' }, num));
    else if (prose !== undefined) kids.push(m('mtext', {}, ` ${prose} `));
    else if (word !== undefined) kids.push(mi(FN[word] ?? word), ...(word.length > 1 ? [m('mspace', { width: '0.25em' })] : [])); // log p, not logp
    else if (space === undefined) kids.push(mo(other === '-' ? '−' : other));
  }
  return m('math', { display: 'block' }, m('mrow', {}, ...kids));
}
