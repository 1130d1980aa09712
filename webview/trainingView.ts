/**
 * The "Training" section: status, epoch, the last loss as text, a live loss curve (lossChart.ts),
 * and, for char and token models, the latest greedy samples; it folds away under its title.
 */
import type { TrainingProgressMessage, TrainingSampleMessage } from '../src/protocol';
import { formatNumber } from '../src/format';
import { el } from './dom';
import { foldable } from './foldable';
import { lossChart } from './lossChart';

/** Points kept on the curve; older ones are thinned to every other. */
const MAX_POINTS = 2000;
const MAX_SAMPLES = 5;

export interface TrainingSection {
  element: HTMLElement;
  progress(m: TrainingProgressMessage): void;
  sample(m: TrainingSampleMessage): void;
}

const STATUS_TEXT: Record<TrainingProgressMessage['status'], string> = { running: 'training', done: 'done', cancelled: 'cancelled', failed: 'failed' };

/** `fold`: whether the section starts open, and who keeps the choice (PanelState.folded). */
export function trainingSection(fold: { open: boolean; onToggle(open: boolean): void } = { open: true, onToggle: () => undefined }): TrainingSection {
  let points: [number, number][] = [];
  const status = el('span', { class: 'tr-status', 'data-testid': 'training-status' });
  const epoch = el('span', { class: 'num', 'data-testid': 'training-epoch' });
  const loss = el('span', { class: 'num tr-loss', 'data-testid': 'training-loss' });
  const rate = el('span', { class: 'num muted', 'data-testid': 'training-rate' });
  const message = el('p', { class: 'tr-message', 'data-testid': 'training-message', hidden: true });

  const curve = lossChart();

  const samples = el('ol', { class: 'tr-samples', 'data-testid': 'training-samples', reversed: true });
  const samplesPart = el('div', { class: 'tr-samples-part', hidden: true }, el('h3', { class: 'sub-title', text: 'Greedy samples' }), samples);

  const heading = el('h2', { class: 'region-title' }, 'Training ', status);
  const element = el(
    'section',
    { class: 'region training', 'data-testid': 'training', 'aria-live': 'polite' },
    heading,
    el('div', { class: 'tr-stats' }, el('span', {}, 'epoch ', epoch), el('span', {}, 'loss ', loss), rate),
    message,
    el('div', { class: 'tr-body' }, curve.element, samplesPart),
  );

  foldable(element, heading, 'training', fold.open, fold.onToggle);

  function draw(): void {
    curve.draw(points);
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
