/** What the panel should show at a cursor, from the engine's trace itself (not from the snapshot). */
import { norm2, type Problem, type Trace } from '../../src/engine';
import { formatNumber } from '../../src/format';
import type { Cursor } from '../../src/protocol';
import type { Shown } from './harness';

/** data-testid -> the text it must show, to 4 decimals (or 3 significant digits when tiny). */
export function expectedText(problem: Problem, trace: Trace, c: Cursor): Record<string, string> {
  const out: Record<string, string> = {};
  const vec = (prefix: string, v: ArrayLike<number>): void => {
    for (let i = 0; i < v.length; i++) out[`${prefix}-${i}`] = formatNumber(v[i]);
  };
  const f = trace.forward(c.t);
  vec('fwd-x', f.x);
  for (const [g, v] of Object.entries(f.gates)) vec(`fwd-${g}`, v);
  if (f.c) vec('fwd-c', f.c);
  vec('fwd-h', f.h);
  vec('fwd-y', f.y);
  if (problem.config.output === 'softmax') for (let k = 0; k < f.y.length; k++) out[`dist-${k}-value`] = formatNumber(f.y[k]);
  out.loss = f.loss === null ? '—' : formatNumber(f.loss);
  for (let t = 1; t <= trace.T; t++) out[`timeline-loss-${t}`] = formatNumber(trace.forward(t).loss);
  if (c.phase === 'backward') {
    const b = trace.backward(c.t);
    vec('bwd-dh', b.dh);
    vec('bwd-dh_from_output', b.dh_from_output);
    vec('bwd-dh_from_future', b.dh_from_future);
    if (b.dc) vec('bwd-dc', b.dc);
    for (const [g, v] of Object.entries(b.dgates)) vec(`bwd-da_${g}`, v);
  }
  return out;
}

/** Every difference between what is shown and the trace, as readable lines (empty when all agree). */
export function mismatches(problem: Problem, trace: Trace, c: Cursor, shown: Shown): string[] {
  const bad: string[] = [];
  for (const [id, want] of Object.entries(expectedText(problem, trace, c))) {
    // A vector's cells write their numbers alike (data-value holds each one's own formatting).
    const got = shown.ids[id]?.value ?? shown.ids[id]?.text;
    if (got !== want) bad.push(`${id}: shown ${JSON.stringify(got)}, trace ${want}`);
    const title = shown.ids[id]?.title;
    if (title != null && !title.includes(want)) bad.push(`${id}: title ${JSON.stringify(title)} lacks ${want}`);
  }
  // ||dL/dh_t||: known for t' >= t in the backward phase, empty otherwise.
  for (let t = 1; t <= trace.T; t++) {
    const want = c.phase === 'backward' && t >= c.t ? formatNumber(norm2(trace.backward(t).dh)) : '';
    const got = shown.ids[`dhnorm-${t}`];
    if (got?.value !== want) bad.push(`dhnorm-${t}: shown ${JSON.stringify(got?.value)}, trace ${JSON.stringify(want)}`);
    if (want && !got?.aria?.includes(want)) bad.push(`dhnorm-${t}: aria-label ${JSON.stringify(got?.aria)} lacks ${want}`);
  }
  // Parameter gradients: every heatmap cell's value, title and aria-label.
  if (c.phase === 'backward') {
    const contribution = trace.contribution(c.t), accumulated = trace.accumulated(c.t);
    for (const [kind, params] of [['contribution', contribution], ['accumulated', accumulated]] as const) {
      for (const [name, p] of Object.entries(params)) {
        const cells = shown.heatmaps[`grad-${name}-${kind}`];
        if (!cells) {
          bad.push(`grad-${name}-${kind}: no heatmap`);
          continue;
        }
        if (cells.length !== p.data.length) bad.push(`grad-${name}-${kind}: ${cells.length} cells for ${p.data.length} entries`);
        p.data.forEach((v, i) => {
          const want = formatNumber(v), cell = cells[i];
          if (cell?.value !== want || !cell.title.includes(`= ${want}`) || !cell.aria.includes(`= ${want}`)) bad.push(`grad-${name}-${kind}[${i}]: shown ${JSON.stringify(cell)}, trace ${want}`);
        });
      }
    }
  } else if (Object.keys(shown.heatmaps).some((id) => id.startsWith('grad-'))) bad.push('gradient heatmaps shown in the forward phase'); // the Weights section's are always there
  return bad;
}

/** Whether `text` (e.g. "-0.73e-4", "0.1235") is `v` rounded to its last digit: within half a unit of it. */
export function roundedOnce(text: string, v: number): boolean {
  const [mant, exp] = text.split('e');
  const unit = Math.pow(10, -(mant.split('.')[1]?.length ?? 0) + (exp ? Number(exp) : 0));
  return Math.abs(Number(text) - v) <= unit / 2 + 1e-12 * Math.abs(v);
}
