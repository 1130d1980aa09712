/**
 * A diverging colour scale centred on zero, from the theme: --vscode-charts-red for negative,
 * --vscode-charts-blue for positive, blended into the editor background by magnitude. Colour
 * only: every coloured value is also written out as text by its caller.
 */

/** Share of the strong colour at |v| = scale; the square root lifts small values into view. */
function strength(v: number, scale: number, top: number): number {
  if (!Number.isFinite(v)) return top;
  if (scale <= 0 || v === 0) return 0;
  return Math.round(Math.min(1, Math.sqrt(Math.abs(v) / scale)) * top);
}

/**
 * A CSS colour for v on a scale symmetric about zero with ±scale at the ends. `top` caps the
 * strong colour's share (in %): cells that carry text keep it low so the text stays legible.
 */
export function diverging(v: number, scale: number, top = 90): string {
  if (Number.isNaN(v)) return 'var(--vscode-charts-yellow)';
  const hue = v < 0 ? 'var(--bptt-neg)' : 'var(--bptt-pos)';
  return `color-mix(in srgb, ${hue} ${strength(v, scale, top)}%, var(--bptt-zero))`;
}

/** The largest magnitude among finite values (the symmetric scale of a heatmap), or 0. */
export function maxAbs(...lists: ArrayLike<number>[]): number {
  let m = 0;
  for (const l of lists) for (let i = 0; i < l.length; i++) if (Number.isFinite(l[i]) && Math.abs(l[i]) > m) m = Math.abs(l[i]);
  return m;
}


/** The scale's three colours as resolved by the theme, for drawing on a canvas. */
export interface Palette {
  neg: [number, number, number];
  pos: [number, number, number];
  zero: [number, number, number];
  nan: [number, number, number];
}

function rgbOf(probe: HTMLElement, cssColor: string): [number, number, number] {
  probe.style.color = cssColor;
  const c = getComputedStyle(probe).color;
  const m = /rgba?\(([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(c) ?? /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/.exec(c);
  if (!m) return [128, 128, 128];
  const k = c.startsWith('color(') ? 255 : 1;
  return [Number(m[1]) * k, Number(m[2]) * k, Number(m[3]) * k];
}

let current: Palette | null = null;

/** The theme's colours, read once per task (a theme change between steps is picked up). */
export function palette(): Palette {
  if (!current) {
    current = readPalette();
    queueMicrotask(() => (current = null));
  }
  return current;
}

function readPalette(): Palette {
  const probe = document.createElement('span');
  probe.hidden = true;
  document.body.append(probe);
  const p: Palette = {
    neg: rgbOf(probe, 'var(--bptt-neg)'),
    pos: rgbOf(probe, 'var(--bptt-pos)'),
    zero: rgbOf(probe, 'var(--bptt-zero)'),
    nan: rgbOf(probe, 'var(--vscode-charts-yellow)'),
  };
  probe.remove();
  return p;
}

/** The same colour as diverging(v, scale), as [r, g, b] (0..255) for a canvas's pixels. */
export function divergingRgb(v: number, scale: number, p: Palette, top = 90): [number, number, number] {
  if (Number.isNaN(v)) return p.nan;
  const s = strength(v, scale, top) / 100;
  const hue = v < 0 ? p.neg : p.pos;
  return [0, 1, 2].map((i) => Math.round(hue[i] * s + p.zero[i] * (1 - s))) as [number, number, number];
}

/** Where the sequential scale reaches --bptt-flow; above it blends on towards --bptt-flow-hot. */
const KNEE = 0.6;

/**
 * A sequential colour for a share s in [0, 1] of a log scale (the flow map's norms): from the
 * background (never quite it, so a tiny norm stays visible) to --bptt-flow at the knee, then on to
 * --bptt-flow-hot (the theme sets both so lightness changes one way: darker in light themes, brighter in dark).
 */
export function sequential(s: number): string {
  const x = Math.min(1, Math.max(0, s));
  if (x <= KNEE) return `color-mix(in srgb, var(--bptt-flow) ${Math.round(8 + (92 * x) / KNEE)}%, var(--bptt-zero))`;
  return `color-mix(in srgb, var(--bptt-flow-hot) ${Math.round((100 * (x - KNEE)) / (1 - KNEE))}%, var(--bptt-flow))`;
}

/** The same as sequential(s) as [r, g, b] for a canvas, from the resolved colours. */
export function sequentialRgb(s: number, c: { flow: [number, number, number]; hot: [number, number, number]; zero: [number, number, number] }): [number, number, number] {
  const x = Math.min(1, Math.max(0, s));
  const [a, b, w] = x <= KNEE ? [c.flow, c.zero, (8 + (92 * x) / KNEE) / 100] : [c.hot, c.flow, (x - KNEE) / (1 - KNEE)];
  return [0, 1, 2].map((i) => Math.round(a[i] * w + b[i] * (1 - w))) as [number, number, number];
}

/** A CSS colour resolved by the theme as [r, g, b] (e.g. 'var(--bptt-flow)'), for a canvas. */
export function resolveRgb(cssColor: string): [number, number, number] {
  const probe = document.createElement('span');
  probe.hidden = true;
  document.body.append(probe);
  const rgb = rgbOf(probe, cssColor);
  probe.remove();
  return rgb;
}

/** Decades either side of 1 the flow map's ratio scale spans: ×10⁻³ … ×1 … ×10³, beyond that full colour. */
export const RATIO_DECADES = 3;

/**
 * The flow map's diverging colour for a ratio r = ‖dL_t/dh_k‖ / ‖dL_t/dh_t‖ on a log scale centred
 * at 1: --bptt-cold (r < 1, the gradient shrank travelling back) and --bptt-hot (r > 1, it grew),
 * fixed decades so two models compare at a glance.
 */
export function ratioColor(r: number): string {
  if (!(r > 0)) return 'var(--bptt-cold)';
  const x = Math.max(-1, Math.min(1, Math.log10(r) / RATIO_DECADES));
  return `color-mix(in srgb, ${x < 0 ? 'var(--bptt-cold)' : 'var(--bptt-hot)'} ${Math.round(Math.sqrt(Math.abs(x)) * 100)}%, var(--bptt-one))`;
}

/** ratioColor(r) as [r, g, b] from the resolved colours, for a canvas. */
export function ratioRgb(r: number, c: { cold: [number, number, number]; hot: [number, number, number]; one: [number, number, number] }): [number, number, number] {
  const x = r > 0 ? Math.max(-1, Math.min(1, Math.log10(r) / RATIO_DECADES)) : -1;
  const w = Math.sqrt(Math.abs(x));
  const hue = x < 0 ? c.cold : c.hot;
  return [0, 1, 2].map((i) => Math.round(hue[i] * w + c.one[i] * (1 - w))) as [number, number, number];
}
