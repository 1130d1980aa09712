/**
 * The Jacobian norms ||dh_t/dh_k|| along the cursor's row t beside the notes' bound (γλ)^(t-k),
 * and for gated cells the path through the cell state, as a small log-scale line chart: lines in
 * an SVG, points as elements with their values in title and aria-label, axes as text.
 */
import type { JacobianView, SpectralInfo } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el, sym } from './dom';
import { extent } from './extent';
import { formatTick, logPath, logTicks, positive } from './logAxis';

const SVG = 'http://www.w3.org/2000/svg';

interface Series {
  key: 'norm' | 'bound' | 'gate';
  values: number[];
}

/** At most this many points per series carry a marker (the line is always complete). */
const MAX_MARKERS = 40;

/** Decades the y axis reaches beyond the measured series for a plain rnn (the bound may explode or vanish far faster). */
const DECADES = 4;

const ok = positive;

/** λ, γ, γλ and each recurrent matrix's ρ, written out. */
export function spectralLine(cell: string, row: JacobianView | null, spectral: SpectralInfo[]): HTMLElement {
  const lambdaName = row?.lambdaName ?? `the recurrent matrices' norm (${cell})`;
  const item = (testid: string, label: (Node | string)[], v: number, title: string): HTMLElement =>
    el('span', { class: 'sp-item', 'data-testid': testid, 'data-value': formatNumber(v), title }, ...label, ' = ', el('span', { class: 'num sp-value', text: formatNumber(v) }));
  // No [H, H] recurrent matrix: no λ, γλ or bound to show; the host says why.
  const bounded = row && !row.noBound;
  return el(
    'div',
    { class: 'sp-line', 'data-testid': 'spectral' },
    row?.noBound ? el('span', { class: 'sp-item muted', 'data-testid': 'no-bound', text: row.noBound }) : null,
    bounded ? item('lambda', ['λ'], row.lambda, `λ = ${lambdaName} (spectral norm)`) : null,
    bounded ? item('gamma', ['γ'], row.gamma, 'γ = max f′ of the recurrent nonlinearity') : null,
    bounded ? item('gamma-lambda', ['γλ'], row.gammaLambda, 'γλ: the bound’s factor per step back; below 1 the bound vanishes, above 1 it explodes') : null,
    ...spectral.map((s) => item(`rho-${s.name}`, ['ρ(', symName(s.name), ')'], s.radius, `spectral radius of ${s.name} (largest |eigenvalue|); ‖${s.name}‖₂ = ${formatNumber(s.norm)}`)),
  );
}

/** "W_hh" as W with subscript hh. */
const symName = (name: string): HTMLElement => {
  const at = name.indexOf('_');
  return at > 0 ? sym(name.slice(0, at), name.slice(at + 1)) : sym(name);
};

/** The y range in log10, before padding: what the chart must show, and how far the bound may run. */
function yRange(row: JacobianView, series: Series[]): [number, number] {
  const measured = series.filter((x) => x.key !== 'bound').flatMap((x) => x.values.filter(ok));
  const all = series.flatMap((x) => x.values.filter(ok));
  const [mMin, mMax] = extent(measured.length ? measured : all);
  let lo = Math.log10(mMin), hi = Math.log10(mMax);
  if (row.gatePath === null) {
    // rnn: the bound is the notes' bound, shown up to DECADES beyond the measured norms (1e200 would flatten them).
    const [aMin, aMax] = extent(all);
    lo = Math.max(Math.log10(aMin), lo - DECADES);
    hi = Math.min(Math.log10(aMax), hi + DECADES);
  }
  // Gated cells: the measured norm and the gate path set the range; the reference curve is clipped to it.
  if (hi - lo < 1) {
    const mid = (hi + lo) / 2;
    (lo = mid - 0.5), (hi = mid + 0.5);
  }
  return [lo, hi];
}

/** The legend: the measured norm, the gate path (gated cells), the bound or, for gated cells, the reference curve. */
function legend(row: JacobianView): HTMLElement {
  const t = row.t;
  const key = (cls: string, ...label: (Node | string | null)[]): HTMLElement => el('span', { class: `jc-key ${cls}` }, el('span', { class: 'jc-swatch', 'aria-hidden': 'true' }), el('span', {}, ...label));
  const gated = row.gatePath !== null;
  return el(
    'figcaption',
    { class: 'jc-legend' },
    key('norm', '‖d', sym('h', t), '/d', sym('h', 'k'), '‖₂'),
    gated ? key('gate', row.gateLabel ?? 'gate path', el('span', { class: 'muted', text: ` ${row.gateWhat ?? 'gate path'}, largest unit` })) : null,
    row.noBound ? null : key('bound', gated ? 'rnn bound ' : 'bound ', '(γλ)', el('sup', { text: `${t}−k` }), gated ? el('span', { class: 'muted', text: ' reference only' }) : null),
  );
}

/** What the tooltip of the point at k says. */
function pointText(row: JacobianView, key: Series['key'], k: number, v: number): string {
  const t = row.t;
  const what = key === 'norm' ? `‖dh_${t}/dh_${k}‖` : key === 'bound' ? `(γλ)^${t - k}` : k === t ? `${row.gateLabel ?? 'gate path'} (empty product)` : `${row.gateLabel ?? 'gate path'} over j = ${k + 1}…${t}`;
  return `${what} = ${formatNumber(v)}`;
}

/** The chart of one row; `cell` names λ's matrix. */
export function jacobianChart(row: JacobianView, cell: string): HTMLElement {
  const t = row.t;
  const gated = row.gatePath !== null;
  // Drawn in this order: the measured norms last, on top of the curves they may touch.
  const series: Series[] = row.noBound ? [] : [{ key: 'bound', values: row.bound }];
  if (row.gatePath) series.push({ key: 'gate', values: row.gatePath });
  series.push({ key: 'norm', values: row.norms });
  const n = row.ks.length;
  const figure = el('figure', { class: `jc${gated ? ' gated' : ''}`, 'data-testid': 'jacobian', 'data-t': t, 'data-cell': cell }, legend(row));
  if (row.gateSummary) figure.append(el('p', { class: 'jc-summary', 'data-testid': 'jacobian-gate-summary', text: row.gateSummary }));
  if (n < 2 || !series.some((s) => s.values.some(ok))) {
    figure.append(el('p', { class: 'muted jc-empty', text: `t = ${t}: no step back yet (‖dh_${t}/dh_${t}‖ = 1); move the cursor later in the sequence.` }));
    return figure;
  }
  let [lo, hi] = yRange(row, series);
  const inRange = (v: number): boolean => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const outside = row.bound.filter((v) => ok(v) && !inRange(v)).length;
  const yTicks = logTicks(lo, hi);
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
  const line = (cls: string, d: string): void => {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    p.setAttribute('class', cls);
    p.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(p);
  };
  for (const v of yTicks) line('jc-grid', `M0 ${y(v)}H100`);
  for (const s of series) line(`jc-line ${s.key}`, logPath(s.values, x, y));
  const plot = el('div', { class: 'jc-plot' }, svg);
  const every = Math.max(1, Math.ceil(n / MAX_MARKERS));
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (i % every !== 0 && i !== n - 1) return;
      const k = row.ks[i];
      const text = `k = ${k}: ${pointText(row, s.key, k, v)}`;
      const dot = el('span', { class: `jc-dot ${s.key}`, 'data-testid': `jac-${s.key}-${k}`, 'data-value': formatNumber(v), title: text, 'aria-label': text });
      dot.style.left = `${x(i)}%`;
      // Off the chart (the bound beyond the range): kept for its tooltip, hidden, at the edge it left by.
      if (!ok(v) || !inRange(v)) dot.classList.add('off');
      dot.style.top = `${ok(v) ? Math.min(100, Math.max(0, y(v))) : 100}%`;
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
  figure.append(el('div', { class: 'jc-body' }, yAxis, plot), el('div', { class: 'jc-xrow' }, el('span', { class: 'jc-xname muted' }, sym('k')), xAxis));
  if (outside) figure.append(boundNote(row, outside, gated));
  if (row.bounded) figure.append(el('p', { class: 'muted jc-note', 'data-testid': 'jacobian-bounded', text: `Bounded: ${row.bounded} (work kept small on long sequences).` }));
  return figure;
}

/** Where the bound leaves the chart, and what it reaches there; for a gated cell, why it is no bound. */
function boundNote(row: JacobianView, outside: number, gated: boolean): HTMLElement {
  const n = row.ks.length;
  const far = row.bound[0];
  const text = gated
    ? `The rnn bound (γλ)^(${row.t}−k) leaves the chart for ${outside} of ${n} steps, reaching ${formatNumber(far)} at k = ${row.ks[0]}. It bounds products of diag(f′) W_hh; a gated cell’s gradient also runs along ${row.gateLabel ?? 'the gate path'}, which this chart follows instead.`
    : `The bound runs off the chart for ${outside} of ${n} steps, reaching ${formatNumber(far)} at k = ${row.ks[0]}; each point’s value is in its tooltip.`;
  return el('p', { class: 'muted jc-note', 'data-testid': 'jacobian-clipped', text });
}
