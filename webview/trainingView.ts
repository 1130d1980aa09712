/**
 * The "Training" section: status, epoch, the last loss as text, a live loss curve (a hand-drawn
 * SVG polyline: no chart library, nothing for the CSP to allow; a few thousand points at most),
 * and, for char and token models, the latest greedy samples.
 */
import type { TrainingProgressMessage, TrainingSampleMessage } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el } from './dom';
import { extent } from './extent';


const SVG = 'http://www.w3.org/2000/svg';
const W = 480;
const H = 160;
const PAD = { l: 48, r: 10, t: 10, b: 22 };
/** Points kept on the curve; older ones are thinned to every other. */
const MAX_POINTS = 2000;
const MAX_SAMPLES = 5;

export interface TrainingSection {
  element: HTMLElement;
  progress(m: TrainingProgressMessage): void;
  sample(m: TrainingSampleMessage): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const STATUS_TEXT: Record<TrainingProgressMessage['status'], string> = { running: 'training', done: 'done', cancelled: 'cancelled', failed: 'failed' };

export function trainingSection(): TrainingSection {
  let points: [number, number][] = [];
  const status = el('span', { class: 'tr-status', 'data-testid': 'training-status' });
  const epoch = el('span', { class: 'num', 'data-testid': 'training-epoch' });
  const loss = el('span', { class: 'num tr-loss', 'data-testid': 'training-loss' });
  const rate = el('span', { class: 'num muted', 'data-testid': 'training-rate' });
  const message = el('p', { class: 'tr-message', 'data-testid': 'training-message', hidden: true });

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'tr-chart', role: 'img', 'aria-label': 'Loss per epoch', 'data-testid': 'loss-chart' });
  const axes = svg('path', { class: 'tr-axis', d: `M${PAD.l},${PAD.t} V${H - PAD.b} H${W - PAD.r}` });
  const line = svg('polyline', { class: 'tr-line', points: '', 'data-testid': 'loss-line', 'data-points': 0 });
  const yTop = svg('text', { class: 'tr-tick', x: PAD.l - 6, y: PAD.t + 4, 'text-anchor': 'end' });
  const yBottom = svg('text', { class: 'tr-tick', x: PAD.l - 6, y: H - PAD.b, 'text-anchor': 'end' });
  const xRight = svg('text', { class: 'tr-tick', x: W - PAD.r, y: H - 6, 'text-anchor': 'end' });
  const xLeft = svg('text', { class: 'tr-tick', x: PAD.l, y: H - 6, 'text-anchor': 'start' });
  chart.append(axes, line, yTop, yBottom, xLeft, xRight);

  const samples = el('ol', { class: 'tr-samples', 'data-testid': 'training-samples', reversed: true });
  const samplesPart = el('div', { class: 'tr-samples-part', hidden: true }, el('h3', { class: 'sub-title', text: 'Greedy samples' }), samples);

  const element = el(
    'section',
    { class: 'region training', 'data-testid': 'training', 'aria-live': 'polite' },
    el('h2', { class: 'region-title' }, 'Training ', status),
    el('div', { class: 'tr-stats' }, el('span', {}, 'epoch ', epoch), el('span', {}, 'loss ', loss), rate),
    message,
    el('div', { class: 'tr-body' }, chart, samplesPart),
  );

  function draw(): void {
    line.setAttribute('data-points', String(points.length));
    if (points.length === 0) {
      line.setAttribute('points', '');
      return;
    }
    const finite = points.filter(([, y]) => Number.isFinite(y));
    const [yMin, yMax] = extent(finite.map(([, y]) => y));
    const lo = Math.min(0, yMin);
    const hi = Math.max(yMax, lo + 1e-12);
    const x0 = points[0][0];
    const x1 = Math.max(points[points.length - 1][0], x0 + 1);
    const sx = (x: number): number => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
    const sy = (y: number): number => H - PAD.b - ((y - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
    line.setAttribute('points', finite.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '));
    yTop.textContent = formatNumber(hi);
    yBottom.textContent = formatNumber(lo);
    xLeft.textContent = String(x0);
    xRight.textContent = `epoch ${points[points.length - 1][0]}`;
  }

  return {
    element,
    progress(m) {
      if (m.reset) {
        points = [];
        samples.replaceChildren();
        samplesPart.hidden = true;
      }
      for (const [x, y] of m.points) points.push([x, y ?? Number.NaN]);
      if (points.length > MAX_POINTS) points = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
      element.dataset.status = m.status;
      status.replaceChildren(el('span', { class: `badge tr-badge ${m.status}`, text: STATUS_TEXT[m.status] }));
      epoch.textContent = `${m.epoch} / ${m.epochs}`;
      const last = points.length ? points[points.length - 1][1] : m.loss;
      loss.textContent = last === null || last === undefined ? '–' : formatNumber(last);
      rate.textContent = m.status === 'running' ? `${m.stepsPerSecond.toFixed(0)} steps/s` : `${m.step} steps`;
      message.hidden = !m.message;
      message.textContent = m.message ?? '';
      draw();
    },
    sample(m) {
      samplesPart.hidden = false;
      samples.prepend(el('li', { 'data-epoch': m.epoch }, el('span', { class: 'muted num', text: `epoch ${m.epoch}` }), ' ', el('code', { class: 'tr-text', text: m.text })));
      while (samples.children.length > MAX_SAMPLES) samples.lastElementChild?.remove();
    },
  };
}
