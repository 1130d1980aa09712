/**
 * A trace's summary as it crosses from the engine worker to the host: its per-step columns (the
 * timeline's inputs, targets and losses, ||dL/dh_t||) as typed arrays that move with the message
 * (transferred, not cloned element by element), the labels once each. A T = 60,000 summary is 60,000
 * small objects, whose structured clone alone held the host's thread for a few hundred ms; packed,
 * the host unpacks it in a loop that takes milliseconds.
 */
import type { TimelineStep, TraceSummary } from '../../protocol';

/** A summary with its per-step columns packed. */
export interface PackedSummary extends Omit<TraceSummary, 'timeline' | 'dhNorms'> {
  /** Distinct input and target labels; the columns index into it. */
  labels: string[];
  /** Per step: index of the input's label; of the target's, or -1 for none. */
  inputs: Int32Array;
  targets: Int32Array;
  /** Per step: L_t; 1 in hasLoss where there is one (a step without a target has none). */
  losses: Float64Array;
  hasLoss: Uint8Array;
  /** Per step: ||dL/dh_t||, NaN where the summary has null (not finite); null when it has none. */
  dhNorms: Float64Array | null;
}

/** Packs a summary; `transfer` lists the buffers to move with the message. */
export function packSummary(s: TraceSummary): { packed: PackedSummary; transfer: ArrayBuffer[] } {
  const { timeline, dhNorms, ...rest } = s;
  const T = timeline.length;
  const index = new Map<string, number>();
  const labels: string[] = [];
  const id = (label: string): number => {
    let i = index.get(label);
    if (i === undefined) index.set(label, (i = labels.push(label) - 1));
    return i;
  };
  const inputs = new Int32Array(T), targets = new Int32Array(T), losses = new Float64Array(T), hasLoss = new Uint8Array(T);
  for (let i = 0; i < T; i++) {
    const c = timeline[i];
    inputs[i] = id(c.input);
    targets[i] = c.target === null ? -1 : id(c.target);
    if (c.loss !== null) (losses[i] = c.loss), (hasLoss[i] = 1);
  }
  const norms = dhNorms ? Float64Array.from(dhNorms, (v) => (v === null ? NaN : v)) : null;
  const transfer = [inputs.buffer, targets.buffer, losses.buffer, hasLoss.buffer, ...(norms ? [norms.buffer] : [])] as ArrayBuffer[];
  return { packed: { ...rest, labels, inputs, targets, losses, hasLoss, dhNorms: norms }, transfer };
}

/** The summary the panel is given (the protocol's shape). */
export function unpackSummary(p: PackedSummary): TraceSummary {
  const { labels, inputs, targets, losses, hasLoss, dhNorms, ...rest } = p;
  const T = inputs.length;
  const timeline: TimelineStep[] = new Array(T);
  for (let i = 0; i < T; i++) {
    timeline[i] = { t: i + 1, input: labels[inputs[i]], target: targets[i] < 0 ? null : labels[targets[i]], loss: hasLoss[i] ? losses[i] : null };
  }
  const s: TraceSummary = { ...rest, timeline };
  if (dhNorms) s.dhNorms = Array.from(dhNorms, (v) => (Number.isNaN(v) ? null : v));
  return s;
}
