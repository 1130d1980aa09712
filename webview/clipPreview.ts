/**
 * The clipping preview: a threshold to type, and what global norm clipping at it would do to the
 * trace's gradient (the host computes it; this shows the norm, the scale and each parameter's norm
 * before and after).
 */
import type { ClipView, WebviewMessage } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el, sym } from './dom';

export interface ClipPart {
  element: HTMLElement;
  /** A preview from the host; ignored unless it answers the threshold now in the box. */
  show(c: ClipView): void;
  /** The threshold in the box, or null while it is not a positive number. */
  readonly threshold: number | null;
  /** Sets the box (a new trace's default) without asking the host. */
  setThreshold(v: number): void;
}

/** Waits this long after typing before asking the host. */
const DEBOUNCE_MS = 150;

export function clipPart(send: (m: WebviewMessage) => void, onThreshold: (v: number) => void): ClipPart {
  const input = el('input', {
    class: 'clip-input num',
    type: 'number',
    min: '0',
    step: 'any',
    'data-testid': 'clip-threshold',
    'aria-label': 'Clipping threshold',
    title: 'Clip the gradient to this global norm',
  });
  const hint = el('span', { class: 'clip-hint', 'data-testid': 'clip-hint', 'aria-live': 'polite' });
  const summary = el('div', { class: 'clip-summary', 'data-testid': 'clip-summary' });
  const table = el('div', { class: 'clip-table', role: 'table', 'data-testid': 'clip-params' });
  let timer: ReturnType<typeof setTimeout> | undefined;

  const parse = (): number | null => {
    const v = Number(input.value);
    return input.value.trim() !== '' && Number.isFinite(v) && v > 0 ? v : null;
  };
  const ask = (): void => {
    const v = parse();
    input.toggleAttribute('aria-invalid', v === null);
    hint.textContent = v === null ? 'enter a positive number' : '';
    if (v === null) return;
    onThreshold(v);
    send({ type: 'clip', threshold: v });
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  });
  input.addEventListener('change', () => {
    clearTimeout(timer);
    ask();
  });

  const element = el(
    'div',
    { class: 'clip' },
    el('label', { class: 'clip-row' }, 'Clip when ', el('span', { class: 'sym' }, '‖g‖₂'), ' exceeds ', input, hint),
    summary,
    table,
  );

  function show(c: ClipView): void {
    if (parse() !== c.threshold) return; // an answer to an older threshold
    const clipped = c.scale < 1;
    // JSON has no Infinity: a norm that overflowed arrives as null.
    const overflow = typeof c.norm !== 'number' || !Number.isFinite(c.norm);
    summary.dataset.clipped = String(clipped);
    summary.dataset.threshold = String(c.threshold);
    summary.replaceChildren(
      el('span', { class: 'clip-fact' }, '‖g‖₂ = ', el('span', { class: 'num', 'data-testid': 'clip-norm', 'data-value': formatNumber(c.norm), text: formatNumber(c.norm) })),
      el('span', { class: 'clip-fact' }, 'scale ', el('span', { class: 'num', 'data-testid': 'clip-scale', 'data-value': formatNumber(c.scale), text: formatNumber(c.scale) })),
      el('span', { class: 'clip-fact' }, 'after ', el('span', { class: 'num', 'data-testid': 'clip-clipped', 'data-value': formatNumber(c.clippedNorm), text: formatNumber(c.clippedNorm) })),
      el('span', { class: `clip-verdict ${clipped || overflow ? 'on' : 'off'}`, 'data-testid': 'clip-verdict', text: overflow ? 'the gradient is not finite (it exploded past the float range): no scale can bring it back; see the flow verdict' : clipped ? `clipped: every gradient × ${formatNumber(c.scale)}` : 'not clipped: the norm is within the threshold' }),
    );
    const max = Math.max(0, ...c.perParam.map((p) => p.norm));
    const bar = (v: number, cls: string): HTMLElement => {
      const b = el('span', { class: `clip-bar ${cls}`, 'aria-hidden': 'true' });
      b.style.width = max > 0 ? `${(100 * v) / max}%` : '0';
      return b;
    };
    table.replaceChildren(
      el('div', { class: 'clip-tr clip-th', role: 'row' }, el('span', { role: 'columnheader', text: 'parameter' }), el('span', { role: 'columnheader', text: 'before' }), el('span', { role: 'columnheader', text: 'after' }), el('span', { 'aria-hidden': 'true' })),
      ...c.perParam.map((p) => {
        const [base, sub] = p.name.split(/_(.*)/);
        return el(
          'div',
          { class: 'clip-tr', role: 'row', 'data-testid': `clip-${p.name}` },
          el('span', { role: 'rowheader', class: 'clip-name' }, 'd', sym(base, sub)),
          el('span', { role: 'cell', class: 'num', 'data-testid': `clip-${p.name}-before`, 'data-value': formatNumber(p.norm), title: `‖d${p.name}‖₂ before = ${formatNumber(p.norm)}`, text: formatNumber(p.norm) }),
          el('span', { role: 'cell', class: 'num', 'data-testid': `clip-${p.name}-after`, 'data-value': formatNumber(p.clippedNorm), title: `‖d${p.name}‖₂ after = ${formatNumber(p.clippedNorm)}`, text: formatNumber(p.clippedNorm) }),
          el('span', { class: 'clip-bars', 'aria-hidden': 'true' }, bar(p.norm, 'before'), bar(p.clippedNorm, 'after')),
        );
      }),
    );
  }

  return {
    element,
    show,
    get threshold() {
      return parse();
    },
    setThreshold(v: number) {
      input.value = String(v);
      input.removeAttribute('aria-invalid');
      hint.textContent = '';
    },
  };
}
