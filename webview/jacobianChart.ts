/**
 * The Jacobian norms ||dh_t/dh_k|| along the cursor's row t beside the notes' bound (γλ)^(t-k),
 * and for gated cells the path through the cell state, as a small log-scale line chart: lines in
 * an SVG, points as elements with their values in title and aria-label, axes as text.
 */
import type { JacobianView, SpectralInfo } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el, sym } from './dom';
import { extent } from './extent';


const SVG = 'http://www.w3.org/2000/svg';

interface Series {
  key: 'norm' | 'bound' | 'gate';
  label: string;
  values: number[];
}

/** At most this many points per series carry a marker (the line is always complete). */
const MAX_MARKERS = 40;

/** Decades the y axis reaches beyond the measured series (the bound may explode or vanish far faster). */
const DECADES = 4;

const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** The path of a series' positive values; a value <= 0 (or not finite) breaks the line. */
function pathOf(values: number[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '', pen = false;
  values.forEach((v, i) => {
    if (!ok(v)) return void (pen = false);
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(2)} ${y(v).toFixed(2)}`;
    pen = true;
  });
  return d;
}

/** Tick values on a log axis: powers of ten in range, or the ends when it spans less than a decade. */
function ticks(lo: number, hi: number): number[] {
  const a = Math.ceil(lo), b = Math.floor(hi);
  if (b - a >= 1) {
    const step = Math.max(1, Math.ceil((b - a + 1) / 6));
    const out: number[] = [];
    for (let e = a; e <= b; e += step) out.push(10 ** e);
    return out;
  }
  // Less than a decade: the round values 1, 2, 5 × 10^e inside, or the ends.
  const round: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of [1, 2, 5]) if (Math.log10(m * 10 ** e) >= lo && Math.log10(m * 10 ** e) <= hi) round.push(m * 10 ** e);
  return round.length >= 2 ? round : [10 ** lo, 10 ** hi];
}

/** λ, γ, γλ and each recurrent matrix's ρ, written out. */
export function spectralLine(cell: string, row: JacobianView | null, spectral: SpectralInfo[]): HTMLElement {
  const lambdaName = row?.lambdaName ?? `the recurrent matrices' norm (${cell})`;
  const item = (testid: string, label: (Node | string)[], v: number, title: string): HTMLElement =>
    el('span', { class: 'sp-item', 'data-testid': testid, 'data-value': formatNumber(v), title }, ...label, ' = ', el('span', { class: 'num sp-value', text: formatNumber(v) }));
  return el(
    'div',
    { class: 'sp-line', 'data-testid': 'spectral' },
    row ? item('lambda', ['λ'], row.lambda, `λ = ${lambdaName} (spectral norm)`) : null,
    row ? item('gamma', ['γ'], row.gamma, 'γ = max f′ of the recurrent nonlinearity') : null,
    row ? item('gamma-lambda', ['γλ'], row.gammaLambda, 'γλ: the bound’s factor per step back; below 1 the bound vanishes, above 1 it explodes') : null,
    ...spectral.map((s) => item(`rho-${s.name}`, ['ρ(', symName(s.name), ')'], s.radius, `spectral radius of ${s.name} (largest |eigenvalue|); ‖${s.name}‖₂ = ${formatNumber(s.norm)}`)),
  );
}

/** "W_hh" as W with subscript hh. */
const symName = (name: string): HTMLElement => {
  const at = name.indexOf('_');
  return at > 0 ? sym(name.slice(0, at), name.slice(at + 1)) : sym(name);
};

/** The chart of one row; `cell` names λ's matrix. */
export function jacobianChart(row: JacobianView, cell: string): HTMLElement {
  const t = row.t;
  // Drawn in this order: the measured norms last, on top of the bound they may touch.
  const series: Series[] = [{ key: 'bound', label: `(γλ)^(${t}−k)`, values: row.bound }];
  if (row.gatePath) series.push({ key: 'gate', label: 'gate path', values: row.gatePath });
  series.push({ key: 'norm', label: `‖dh_${t}/dh_k‖`, values: row.norms });
  const all = series.flatMap((s) => s.values.filter(ok));
  const n = row.ks.length;
  const figure = el('figure', { class: 'jc', 'data-testid': 'jacobian', 'data-t': t });
  const head = el(
    'figcaption',
    { class: 'jc-legend' },
    el('span', { class: 'jc-key norm' }, el('span', { class: 'jc-swatch', 'aria-hidden': 'true' }), el('span', {}, '‖d', sym('h', t), '/d', sym('h', 'k'), '‖₂')),
    el('span', { class: 'jc-key bound' }, el('span', { class: 'jc-swatch', 'aria-hidden': 'true' }), el('span', {}, 'bound (γλ)', el('sup', { text: `${t}−k` }))),
    row.gatePath
      ? el('span', { class: 'jc-key gate' }, el('span', { class: 'jc-swatch', 'aria-hidden': 'true' }), el('span', {}, row.gateLabel ?? 'gate path', el('span', { class: 'muted', text: ` ${row.gateWhat ?? 'gate path'}` })))
      : null,
  );
  figure.append(head);
  if (n < 2 || all.length === 0) {
    figure.append(el('p', { class: 'muted jc-empty', text: `t = ${t}: no step back yet (‖dh_${t}/dh_${t}‖ = 1); move the cursor later in the sequence.` }));
    return figure;
  }
  // The y range covers every series, but at most DECADES beyond the measured ones: an exploding
  // bound (1e200) would flatten the curves that matter; what leaves the chart is said below it.
  const measuredOnly = series.filter((x) => x.key !== 'bound').flatMap((x) => x.values.filter(ok));
  const measured = measuredOnly.length ? measuredOnly : all;
  const [mMin, mMax] = extent(measured);
  const [aMin, aMax] = extent(all);
  const mlo = Math.log10(mMin), mhi = Math.log10(mMax);
  let lo = Math.max(Math.log10(aMin), mlo - DECADES), hi = Math.min(Math.log10(aMax), mhi + DECADES);
  if (hi - lo < 0.5) (lo -= 0.25), (hi += 0.25);
  const outside = row.bound.filter((v) => ok(v) && (Math.log10(v) < lo - 1e-9 || Math.log10(v) > hi + 1e-9));
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  // Plot coordinates in percent of the plot box: x by position along k, y by log10 of the value.
  const x = (i: number): number => (n === 1 ? 50 : (100 * i) / (n - 1));
  const y = (v: number): number => 100 - (100 * (Math.log10(v) - lo)) / (hi - lo);

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 100 100');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'jc-svg');
  svg.setAttribute('aria-hidden', 'true');
  const yTicks = ticks(lo + pad, hi - pad);
  for (const v of yTicks) {
    const g = document.createElementNS(SVG, 'line');
    g.setAttribute('x1', '0');
    g.setAttribute('x2', '100');
    g.setAttribute('y1', String(y(v)));
    g.setAttribute('y2', String(y(v)));
    g.setAttribute('class', 'jc-grid');
    g.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(g);
  }
  for (const s of series) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', pathOf(s.values, x, y));
    p.setAttribute('class', `jc-line ${s.key}`);
    p.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(p);
  }
  const plot = el('div', { class: 'jc-plot' }, svg);
  const every = Math.max(1, Math.ceil(n / MAX_MARKERS));
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (i % every !== 0 && i !== n - 1) return;
      const k = row.ks[i];
      const text = `${s.key === 'norm' ? `‖dh_${t}/dh_${k}‖` : s.key === 'bound' ? `bound (γλ)^${t - k}` : k === t ? 'gate path (empty product)' : `${row.gateLabel ?? 'gate path'} over j = ${k + 1}…${t}`} = ${formatNumber(v)}`;
      const dot = el('span', { class: `jc-dot ${s.key}`, 'data-testid': `jac-${s.key}-${k}`, 'data-value': formatNumber(v), title: `k = ${k}: ${text}`, 'aria-label': `k = ${k}: ${text}` });
      if (!ok(v) || y(v) < -1 || y(v) > 101) {
        dot.classList.add('off');
        dot.style.left = `${x(i)}%`;
        dot.style.top = '100%';
      } else {
        dot.style.left = `${x(i)}%`;
        dot.style.top = `${y(v)}%`;
      }
      plot.append(dot);
    });
  }
  const yAxis = el('div', { class: 'jc-yaxis', 'aria-hidden': 'true' });
  for (const v of yTicks) {
    const label = el('span', { class: 'num', text: formatTick(v) });
    label.style.top = `${y(v)}%`;
    yAxis.append(label);
  }
  const xAxis = el('div', { class: 'jc-xaxis', 'aria-hidden': 'true' });
  // Round steps on the k axis: 1, 2, 5, 10, 20, 50, ... with at most ~10 labels.
  const xStep = [1, 2, 5].flatMap((m) => [1, 10, 100, 1000, 10000].map((p) => m * p)).sort((a, b) => a - b).find((st) => n / st <= 10) ?? n;
  row.ks.forEach((k, i) => {
    const last = i === n - 1;
    // A round k, unless it would crowd the last one.
    if (!last && (k % xStep !== 0 || row.ks[n - 1] - k < xStep / 2)) return;
    const label = el('span', { class: 'num', text: String(k) });
    label.style.left = `${x(i)}%`;
    xAxis.append(label);
  });
  figure.append(
    el('div', { class: 'jc-body' }, yAxis, plot),
    el('div', { class: 'jc-xrow' }, el('span', { class: 'jc-xname muted' }, sym('k')), xAxis),
  );
  if (outside.length) {
    const [bMin, bMax] = extent(row.bound.filter(ok));
    figure.append(el('p', { class: 'muted jc-note', 'data-testid': 'jacobian-clipped', text: `The bound runs off the chart for ${outside.length} of ${n} steps (it reaches ${formatNumber(bMax)} … ${formatNumber(bMin)}); each point’s value is in its tooltip.` }));
  }
  if (row.bounded) figure.append(el('p', { class: 'muted jc-note', 'data-testid': 'jacobian-bounded', text: `Bounded: ${row.bounded} (work kept small on long sequences).` }));
  return figure;
}

/** A log axis label: 1, 20, 0.05, 1e-8, 2e+12. */
function formatTick(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  if (e >= -3 && e <= 4) return String(Number(v.toPrecision(3)));
  return v.toExponential(Number.isInteger(Number((v / 10 ** e).toPrecision(3))) ? 0 : 2).replace('e+', 'e');
}
