/**
 * A trace's summary as it travels from the engine worker through the host to the webview: its
 * per-step columns (the timeline's inputs, targets and losses, ||dL/dh_t|| of each layer) as typed
 * arrays, the labels once each. The worker packs it and moves the buffers to the host; the host
 * keeps and forwards it as it is (VS Code posts typed arrays to a webview as binary, not as JSON);
 * only the webview unpacks it, into the TraceSummary its views read. At T = 60,000 the host used to
 * build 60,000 objects and serialise them as JSON for every trace message.
 * Pure: no DOM, no Node (the webview and the worker both import it).
 */
import type { PackedTraceSummary, TimelineStep, TraceColumns, TraceSummary } from './protocol';

/** Packs a summary; `transfer` lists the buffers to move with the message. */
export function packSummary(s: TraceSummary): { packed: PackedTraceSummary; transfer: ArrayBuffer[] } {
  const { timeline, dhNorms, layerDhNorms, ...rest } = s;
  const T = timeline.length;
  const index = new Map<string, number>();
  const labels: string[] = [];
  const id = (label: string): number => {
    let i = index.get(label);
    if (i === undefined) index.set(label, (i = labels.push(label) - 1));
    return i;
  };
  const inputs = new Int32Array(T), shorts = new Int32Array(T), targets = new Int32Array(T), losses = new Float64Array(T), hasLoss = new Uint8Array(T);
  for (let i = 0; i < T; i++) {
    const c = timeline[i];
    inputs[i] = id(c.input);
    shorts[i] = c.inputShort === undefined ? -1 : id(c.inputShort);
    targets[i] = c.target === null ? -1 : id(c.target);
    if (c.loss !== null) (losses[i] = c.loss), (hasLoss[i] = 1);
  }
  const norms = (v: (number | null)[]): Float64Array => Float64Array.from(v, (x) => (x === null ? NaN : x));
  const columns: TraceColumns = { labels, inputs, shorts, targets, losses, hasLoss, dhNorms: dhNorms ? norms(dhNorms) : null, layerDhNorms: layerDhNorms ? layerDhNorms.map(norms) : null };
  const transfer = [inputs, shorts, targets, losses, hasLoss, ...(columns.dhNorms ? [columns.dhNorms] : []), ...(columns.layerDhNorms ?? [])].map((a) => a.buffer as ArrayBuffer);
  return { packed: { ...rest, columns }, transfer };
}

const isArray = <A>(v: unknown, C: { new (n: number): A }, n: number): v is A => v instanceof C && (v as unknown as { length: number }).length === n;

/** Whether the columns are what packSummary makes for T steps (a message is checked, never trusted). */
export function validColumns(c: unknown, T: number): c is TraceColumns {
  if (typeof c !== 'object' || c === null) return false;
  const v = c as Record<string, unknown>;
  const labels = v.labels;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) return false;
  const inRange = (a: Int32Array, none: boolean): boolean => a.every((i) => (none && i === -1) || (i >= 0 && i < labels.length));
  return (
    isArray(v.inputs, Int32Array, T) && inRange(v.inputs, false) &&
    isArray(v.shorts, Int32Array, T) && inRange(v.shorts, true) &&
    isArray(v.targets, Int32Array, T) && inRange(v.targets, true) &&
    isArray(v.losses, Float64Array, T) && isArray(v.hasLoss, Uint8Array, T) &&
    (v.dhNorms === null || isArray(v.dhNorms, Float64Array, T)) &&
    (v.layerDhNorms === null || (Array.isArray(v.layerDhNorms) && v.layerDhNorms.every((l) => isArray(l, Float64Array, T))))
  );
}

/** The summary the views read (the protocol's TraceSummary). */
export function unpackSummary(p: PackedTraceSummary): TraceSummary {
  const { columns: c, ...rest } = p;
  const { labels, inputs, shorts, targets, losses, hasLoss } = c;
  const T = inputs.length;
  const timeline: TimelineStep[] = new Array(T);
  for (let i = 0; i < T; i++) {
    const step: TimelineStep = { t: i + 1, input: labels[inputs[i]], target: targets[i] < 0 ? null : labels[targets[i]], loss: hasLoss[i] ? losses[i] : null };
    if (shorts[i] >= 0) step.inputShort = labels[shorts[i]];
    timeline[i] = step;
  }
  const norms = (a: Float64Array): (number | null)[] => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
  const s: TraceSummary = { ...rest, timeline };
  if (c.dhNorms) s.dhNorms = norms(c.dhNorms);
  if (c.layerDhNorms) s.layerDhNorms = c.layerDhNorms.map(norms);
  return s;
}
