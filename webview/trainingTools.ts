/**
 * The training section's tools: which weights the panel traces (the trained ones beside the spec,
 * or the spec's initial ones, to compare) and a Sample form answered in the panel. The host and
 * the engine worker do both; this only sends the request and shows the answer.
 */
import { SAMPLE_LIMITS, type SampleResultMessage, type WebviewMessage, type WeightsChoiceMessage } from '../src/protocol';
import { el } from './dom';

export interface TrainingTools {
  element: HTMLElement;
  /** Which weights the trace uses, and whether sampling makes sense for this model. */
  choice(m: WeightsChoiceMessage): void;
  result(m: SampleResultMessage): void;
  /** Whether there is anything to show (trained weights, or a model that samples). */
  readonly useful: boolean;
}

export function trainingTools(send: (m: WebviewMessage) => void): TrainingTools {
  let useful = false;
  const seg = (label: string, title: string, testid: string, weights: 'trained' | 'initial'): HTMLButtonElement => {
    const b = el('button', { class: 'seg', type: 'button', title, 'aria-pressed': 'false', 'data-testid': testid, text: label });
    b.addEventListener('click', () => b.getAttribute('aria-pressed') !== 'true' && send({ type: 'useWeights', weights }));
    return b;
  };
  const trainedBtn = seg('trained', 'Trace the trained weights beside the spec', 'weights-trained', 'trained');
  const initialBtn = seg('initial', "Trace the spec's initial weights (init), to compare with the trained ones", 'weights-initial', 'initial');
  const trainedName = el('span', { class: 'muted num', 'data-testid': 'weights-trained-name' });
  const switchRow = el('div', { class: 'tt-row', role: 'group', 'aria-label': 'Weights the stepper traces', 'data-testid': 'weights-switch', hidden: true },
    el('span', { class: 'tt-label', text: 'Weights' }), el('span', { class: 'seg-group' }, trainedBtn, initialBtn), trainedName);

  const prime = el('input', { class: 'tt-input', type: 'text', maxlength: SAMPLE_LIMITS.prime, placeholder: 'first token', 'aria-label': 'Seed text', 'data-testid': 'sample-prime', size: 8 });
  const length = el('input', { class: 'tt-input num', type: 'number', min: 1, max: SAMPLE_LIMITS.length, step: 1, value: '20', 'aria-label': 'Tokens to generate', 'data-testid': 'sample-length' });
  const temperature = el('input', { class: 'tt-input num', type: 'number', min: 0, max: SAMPLE_LIMITS.temperature, step: 0.1, value: '0', 'aria-label': 'Temperature (0 = greedy)', 'data-testid': 'sample-temperature' });
  const go = el('button', { class: 'seg tt-go', type: 'submit', 'data-testid': 'sample-go', text: 'Sample' });
  const out = el('output', { class: 'tt-out', 'data-testid': 'sample-output', 'aria-live': 'polite' });
  const form = el('form', { class: 'tt-form', novalidate: true, 'data-testid': 'sample-form', 'aria-label': 'Sample from the model', hidden: true },
    el('span', { class: 'tt-label', text: 'Sample' }),
    el('label', {}, 'seed ', prime),
    el('label', {}, 'length ', length),
    el('label', { title: '0 = greedy: always the most likely next token' }, 'temperature ', temperature),
    go, out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number(length.value);
    const temp = Number(temperature.value);
    if (!Number.isInteger(n) || n < 1 || n > SAMPLE_LIMITS.length) return void showError(`length: a whole number from 1 to ${SAMPLE_LIMITS.length}`);
    if (!Number.isFinite(temp) || temp < 0 || temp > SAMPLE_LIMITS.temperature) return void showError(`temperature: a number from 0 (greedy) to ${SAMPLE_LIMITS.temperature}`);
    out.dataset.state = 'waiting';
    out.replaceChildren(el('span', { class: 'muted', text: 'sampling…' }));
    send({ type: 'sample', prime: prime.value, length: n, temperature: temp });
  });
  function showError(text: string): void {
    out.dataset.state = 'error';
    out.replaceChildren(el('span', { class: 'tt-error', text }));
  }

  const element = el('div', { class: 'tt', 'data-testid': 'training-tools', hidden: true }, switchRow, form);
  return {
    element,
    get useful() {
      return useful;
    },
    choice(m) {
      switchRow.hidden = m.trained === null;
      trainedBtn.setAttribute('aria-pressed', String(m.current === 'trained'));
      initialBtn.setAttribute('aria-pressed', String(m.current === 'initial'));
      trainedName.textContent = m.trained ?? '';
      form.hidden = !m.samples;
      useful = !switchRow.hidden || !form.hidden;
      element.hidden = !useful;
      element.dataset.weights = m.current;
    },
    result(m) {
      if (m.text === null) return void showError(m.error ?? 'no sample');
      out.dataset.state = 'done';
      // The sample as text, spaces and newlines kept; which weights made it beside it.
      out.replaceChildren(el('code', { class: 'tr-text', 'data-testid': 'sample-text', text: m.text }), el('span', { class: 'muted', text: ` · ${m.weights}` }));
    },
  };
}
