/**
 * The stepper webview: receives a trace summary and one step's snapshot at a time from the host,
 * draws them, and sends step/jump requests back. No math here: it shows what the host computed.
 */
import { buildProgress } from './buildProgress';
import { parseHostMessage, type Cursor, type HostMessage, type PanelSettings, type StepSnapshot, type TraceSummary, type WebviewMessage } from '../src/protocol';
import { formatNumber } from '../src/format';
import { controls as makeControls } from './controls';
import { backwardView } from './backwardView';
import { el, sym } from './dom';
import { equationList } from './equations';
import { errorBanner } from './errors';
import { forwardView } from './forwardView';
import { layerSwitch } from './layerSwitch';
import { flowSection } from './flowView';
import { timeline as makeTimeline, type Timeline } from './timeline';
import { unpackSummary } from '../src/traceColumns';
import { trainingSection } from './trainingView';
import { parseView, type HeatmapView } from './viewOptions';
import type { AxisLabels } from './backwardView';
import { badge, registerToolkit } from './toolkit';
import { weightsSection } from './weightsView';
import { settingsPatch } from './settings';
import { trainingTools } from './trainingTools';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives a reload (the host's serializer reads file and cursor; see panel.ts). */
interface PanelState {
  file?: string;
  cursor?: Cursor;
  speed?: string;
  /** The clipping threshold the user typed. */
  clip?: number;
  /** How the parameter heatmaps are coloured. */
  view?: HeatmapView;
  /** The sections folded away (weights, training). */
  folded?: string[];
  /** The user's settings last applied (a switch flipped here holds until they change). */
  settings?: PanelSettings;
}

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() ?? {}) as PanelState;
let state: PanelState = { file: saved.file, cursor: saved.cursor, speed: saved.speed ?? '500', clip: typeof saved.clip === 'number' && saved.clip > 0 ? saved.clip : undefined, view: parseView(saved.view), settings: saved.settings, folded: Array.isArray(saved.folded) ? saved.folded.filter((x): x is string => typeof x === 'string') : [] };
const save = (patch: Partial<PanelState>): void => {
  state = { ...state, ...patch };
  vscode.setState(state);
};

registerToolkit();
const send = (m: WebviewMessage): void => vscode.postMessage(m);
const app = document.getElementById('app') as HTMLElement;
/** The page's placeholder until the first trace (panelHtml writes it). */
const waiting = Array.from(app.childNodes);

let summary: TraceSummary | null = null;
let snapshot: StepSnapshot | null = null;
let tl: Timeline | null = null;
let labels: AxisLabels = new Map();

/** A switch of the heatmaps' colour scale: kept, and the views redrawn from the snapshot shown. */
function setView(view: HeatmapView): void {
  save({ view });
  if (summary && snapshot) show(snapshot, build(snapshot, summary.T), summary.T);
}

const ctl = makeControls(send, state.speed ?? '500', (speed) => save({ speed }));
/** A stack's layer switch (hidden for one cell). */
const layers = layerSwitch(send);

// Regions, built once; their contents are replaced as messages arrive.
const title = el('h1', { class: 'title', 'data-testid': 'title' });
const phaseBadge = el('span', { class: 'phase', 'data-testid': 'phase' });
const where = el('span', { class: 'where-now num', 'data-testid': 'cursor', 'aria-live': 'polite', title: 'P: the same t in the other phase' });
const desc = el('div', { class: 'desc muted', 'data-testid': 'description' });
const errorsSlot = el('div', { class: 'errors-slot' });
const progress = buildProgress(() => send({ type: 'cancelBuild' }));
const timelineSlot = el('div', { class: 'timeline-slot' });
const views = el('div', { class: 'views', 'data-testid': 'views' });
const flow = flowSection(send, state.clip, (clip) => save({ clip }));
/** Folded sections are kept by name in the panel's state. */
const keepFolded = (name: string) => (open: boolean): void => save({ folded: [...(state.folded ?? []).filter((n) => n !== name), ...(open ? [] : [name])] });
const weights = weightsSection(!state.folded?.includes('weights'), keepFolded('weights'));
/** Shown once a training run of this spec reports (see trainingView.ts). */
const training = trainingSection({ open: !state.folded?.includes('training'), onToggle: keepFolded('training') });
let trainingShown = false;
/** Weights switch and Sample form, inside the training section (shown for them alone when no run has reported). */
const tools = trainingTools(send);
training.element.append(tools.element);

/** Shows the training section (once), under the header, or alone while no trace is shown. */
function showTraining(): void {
  if (trainingShown) return;
  trainingShown = true;
  if (app.dataset.state === 'waiting') app.append(training.element);
  else errorsSlot.after(training.element); // below the spec's errors, which matter more
}

/** The settings are defaults for the panel's switches: applied where they changed (see settings.ts). */
function applySettings(next: PanelSettings): void {
  const patch = settingsPatch(state.settings, next, state.view ?? parseView(undefined));
  save({ settings: next });
  if (patch.speed) {
    ctl.setSpeed(patch.speed);
    save({ speed: patch.speed });
  }
  if (patch.view) setView(patch.view);
}
const header = el('header', { class: 'top' }, el('div', { class: 'title-row' }, title, phaseBadge, where, layers.element), desc, ctl.element);

/** The views of one snapshot, built apart from the page so a malformed one changes nothing. */
function build(s: StepSnapshot, T: number): HTMLElement[] {
  const { phase, t } = s.cursor;
  const of = s.layer !== undefined && (s.layers?.length ?? 0) > 1 ? `, layer ${s.layer}` : '';
  return phase === 'backward'
    ? [backwardView(s, T, { view: state.view ?? parseView(undefined), onView: setView, labels }), equationList(s.equations, `Backward equations at t = ${t}${of}`, t), forwardView(s)]
    : [forwardView(s), equationList(s.equations, `Forward equations at t = ${t}${of}`, t)];
}

function show(s: StepSnapshot, built: HTMLElement[], T: number): void {
  snapshot = s;
  const { phase, t } = s.cursor;
  app.dataset.phase = phase;
  app.dataset.t = String(t);
  app.dataset.state = 'trace';
  phaseBadge.replaceChildren(badge(phase, 'phase-badge'));
  where.replaceChildren(sym('t'), ` = ${t} of ${T}`);
  views.replaceChildren(...built);
  tl?.update(s.cursor, s.layer);
  ctl.update(s.cursor);
  layers.update(s);
  flow.update(s.cursor);
  save({ cursor: s.cursor });
}

function showTrace(sum: TraceSummary, s: StepSnapshot): void {
  // Older hosts send the norms with each snapshot only: the last backward one has them all known from t on.
  const nextTimeline = makeTimeline(sum, (t) => snapshot && send({ type: 'jump', to: { phase: snapshot.cursor.phase, t } }), sum.dhNorms ?? s.dhNorms);
  labels = new Map(sum.params.map((p) => [p.name, { rows: p.rowLabels, cols: p.colLabels }]));
  const built = build(s, sum.T);
  if (app.dataset.state === 'waiting') app.replaceChildren(header, errorsSlot, ...(trainingShown ? [training.element] : []), timelineSlot, views, weights.element, flow.element);
  flow.stale(sum.cell);
  weights.setParams(sum.params, sum.weights);
  summary = sum;
  title.textContent = sum.name;
  desc.textContent = `${sum.description} · L = ${formatNumber(sum.loss)}`;
  if (sum.weights) desc.append(' · ', el('span', { class: 'weights-note', 'data-testid': 'weights', text: sum.weights }));
  desc.title = sum.file;
  tl = nextTimeline;
  timelineSlot.replaceChildren(tl.element);
  save({ file: sum.file });
  show(s, built, sum.T);
}

function handle(m: HostMessage): void {
  switch (m.type) {
    case 'trace':
      // The host sends the timeline's columns packed (typed arrays); the views read the plain summary.
      showTrace('columns' in m.summary ? unpackSummary(m.summary) : m.summary, m.snapshot);
      return;
    case 'snapshot':
      if (!summary) return void console.warn('bptt: a snapshot before any trace was ignored');
      show(m.snapshot, build(m.snapshot, summary.T), summary.T);
      return;
    case 'flow':
      if (!summary) return void console.warn('bptt: flow data before any trace was ignored');
      if (m.flow) {
        flow.setFlow(m.flow);
        weights.setSpectral(m.flow.spectral);
      }
      else flow.failed(m.error ?? 'unknown error');
      return;
    case 'flowProgress':
      flow.progress(m.text);
      return;
    case 'jacobian':
      if (!summary) return;
      flow.setJacobian(m.row);
      return;
    case 'clipPreview':
      flow.setClip(m.clip);
      return;
    case 'trainingProgress':
    case 'trainingSample':
      if (m.type === 'trainingProgress') training.progress(m);
      else training.sample(m);
      showTraining();
      return;
    case 'settings':
      applySettings(m.settings);
      return;
    case 'weightsChoice':
      tools.choice(m);
      if (tools.useful) showTraining();
      return;
    case 'sampleResult':
      tools.result(m);
      return;
    case 'build':
      if (progress.update(m)) {
        if (!progress.element.isConnected) (app.dataset.state === 'waiting' ? app.replaceChildren(progress.element) : header.after(progress.element));
      } else {
        progress.element.remove();
        if (app.dataset.state === 'waiting' && app.childElementCount === 0) app.replaceChildren(...waiting);
      }
      return;
    case 'errors': {
      const banner = errorBanner(m, summary !== null, (line, column) => send({ type: 'reveal', line, column }));
      errorsSlot.replaceChildren(...(banner ? [banner] : []));
      // No trace yet: the errors stand in for the placeholder until one arrives.
      if (app.dataset.state === 'waiting') app.replaceChildren(...(banner ? [errorsSlot] : waiting));
      return;
    }
    default: {
      const never: never = m;
      console.warn('bptt: unhandled message', never);
    }
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseHostMessage(e.data);
  if (!m) return void console.warn('bptt: ignored an invalid message from the host', e.data);
  try {
    handle(m);
  } catch (err) {
    // Well-formed on the outside, not inside: ignored like any invalid message, the view unchanged.
    console.warn('bptt: ignored a message the panel could not show', err);
  }
});

document.addEventListener('keydown', (e) => {
  if (!summary) return;
  if (ctl.onKey(e)) return void e.preventDefault();
  // P: the same t in the other phase.
  const typing = !!(e.target as HTMLElement | null)?.closest?.('input, textarea, select');
  if ((e.key === 'p' || e.key === 'P') && snapshot && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
    send({ type: 'jump', to: { phase: snapshot.cursor.phase === 'forward' ? 'backward' : 'forward', t: snapshot.cursor.t } });
    e.preventDefault();
  }
});

send({ type: 'ready' });
