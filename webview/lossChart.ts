/**
 * The training section's loss curve: an SVG line over epochs with labelled axes (round ticks, the
 * names "loss" and "epoch" inside the picture, never clipped) and a linear / log switch. A
 * hand-drawn SVG: no chart library, nothing for the CSP to allow; a few thousand points at most.
 */
import { el } from './dom';
import { extent } from './extent';
import { formatTick, logTicks, positive } from './logAxis';

const SVG = 'http://www.w3.org/2000/svg';
const W = 480;
const H = 190;
/** Room for the y tick labels at the left, the x tick labels and the axis name below. */
const PAD = { l: 54, r: 14, t: 22, b: 36 };

export interface LossChart {
  element: HTMLElement;
  /** Redraws the curve through these (epoch, loss) points; a loss that is not finite leaves a gap. */
  draw(points: [number, number][]): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Round linear ticks covering lo to hi, the last one at or above hi (1, 2 or 5 × 10^e apart, about 4 of them), all written with the same decimals. */
function linearTicks(lo: number, hi: number): { values: number[]; text: (v: number) => string } {
  const raw = (hi - lo) / 4 || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const values: number[] = [];
  const top = Math.ceil(hi / step - 1e-9) * step;
  for (let v = Math.floor(lo / step + 1e-9) * step; v <= top + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { values, text: (v) => v.toFixed(Math.min(decimals, 8)) };
}

/** Round epoch ticks: 1, 2, 5 × 10^e apart, at most ~6, plus the first. */
function epochTicks(x0: number, x1: number): number[] {
  const raw = (x1 - x0) / 5 || 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw);
  const out = [x0];
  for (let v = Math.ceil((x0 + 1) / step) * step; v <= x1; v += step) if ((v - x0) / (x1 - x0 || 1) > 0.08) out.push(v);
  return out;
}

export function lossChart(): LossChart {
  let log = false;
  let last: [number, number][] = [];
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'tr-chart', role: 'img', 'aria-label': 'Loss per epoch', 'data-testid': 'loss-chart' });
  const grid = svg('g', { class: 'tr-grid' });
  const labels = svg('g', {});
  const axes = svg('path', { class: 'tr-axis', d: `M${PAD.l},${PAD.t} V${H - PAD.b} H${W - PAD.r}` });
  const line = svg('polyline', { class: 'tr-line', points: '', 'data-testid': 'loss-line', 'data-points': 0 });
  const yName = svg('text', { class: 'tr-name', x: PAD.l, y: PAD.t - 8, 'text-anchor': 'middle' });
  const xName = svg('text', { class: 'tr-name', x: (PAD.l + W - PAD.r) / 2, y: H - 4, 'text-anchor': 'middle' });
  yName.textContent = 'loss';
  xName.textContent = 'epoch';
  chart.append(grid, axes, line, labels, yName, xName);
  const toggle = el('button', { class: 'seg', type: 'button', 'aria-pressed': 'false', 'data-testid': 'loss-log', title: 'Loss on a log scale: a slow late decrease stays visible' }, 'log scale');
  toggle.addEventListener('click', () => {
    log = !log;
    toggle.setAttribute('aria-pressed', String(log));
    draw(last);
  });

  function draw(points: [number, number][]): void {
    last = points;
    line.setAttribute('data-points', String(points.length));
    line.setAttribute('data-scale', log ? 'log' : 'linear');
    grid.replaceChildren();
    labels.replaceChildren();
    const finite = points.filter(([, y]) => (log ? positive(y) : Number.isFinite(y)));
    if (finite.length === 0) return void line.setAttribute('points', '');
    const x0 = points[0][0];
    const x1 = Math.max(points[points.length - 1][0], x0 + 1);
    const sx = (x: number): number => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
    let [yMin, yMax] = extent(finite.map(([, y]) => y));
    let ticks: number[], text: (v: number) => string, f: (y: number) => number;
    if (log) {
      let lo = Math.log10(yMin), hi = Math.log10(yMax);
      if (hi - lo < 1) (lo = (lo + hi) / 2 - 0.5), (hi = lo + 1);
      ticks = logTicks(lo, hi);
      text = formatTick;
      f = (y) => (Math.log10(y) - lo) / (hi - lo);
    } else {
      // From 0 (a loss is >= 0), or from the least value when the curve dips below 0.
      yMin = Math.min(0, yMin);
      if (yMax <= yMin) yMax = yMin + 1;
      const lt = linearTicks(yMin, yMax);
      ticks = lt.values;
      text = lt.text;
      yMax = Math.max(yMax, ticks[ticks.length - 1]);
      f = (y) => (y - yMin) / (yMax - yMin);
    }
    const sy = (y: number): number => H - PAD.b - f(y) * (H - PAD.t - PAD.b);
    for (const v of ticks) {
      const y = sy(v);
      if (y < PAD.t - 1 || y > H - PAD.b + 1) continue;
      grid.append(svg('path', { class: 'tr-gridline', d: `M${PAD.l},${y.toFixed(1)} H${W - PAD.r}` }));
      const label = svg('text', { class: 'tr-tick', x: PAD.l - 6, y: (y + 3.5).toFixed(1), 'text-anchor': 'end', 'data-testid': 'loss-ytick' });
      label.textContent = text(v);
      labels.append(label);
    }
    for (const e of epochTicks(points[0][0], points[points.length - 1][0])) {
      const label = svg('text', { class: 'tr-tick', x: sx(e).toFixed(1), y: H - PAD.b + 14, 'text-anchor': 'middle', 'data-testid': 'loss-xtick' });
      label.textContent = String(e);
      labels.append(label);
    }
    line.setAttribute('points', finite.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '));
  }

  return { element: el('div', { class: 'tr-curve' }, el('div', { class: 'tr-curve-head' }, toggle), chart), draw };
}
