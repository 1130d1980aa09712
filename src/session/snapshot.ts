/**
 * Builds what the panel shows from a trace: a summary once per trace, and the snapshot of one
 * (phase, t). Pure: no vscode, so it is tested in Node and measured in the bench.
 */
import { cellInfo, type Params, type Problem, type Trace } from '../engine';
import type { Cursor, Matrix, NamedVector, StepSnapshot, TraceSummary } from '../protocol';
import { formatVector } from '../format';
import { backwardEquations, forwardEquations } from './equations';

const arr = (v: Float64Array): number[] => Array.from(v);

function describe(p: Problem): string {
  const c = p.config;
  const trunc = p.bptt.truncate === 'none' ? 'full BPTT' : `truncated BPTT: ${p.bptt.truncate}, k=${p.bptt.k}`;
  return `${cellInfo(c).label} · D=${c.D} H=${c.H} K=${c.K} · ${c.output} + ${c.loss} (${c.reduction}) · ${trunc}`;
}

function label(p: Problem, t: number): string {
  return p.sequence.inputLabels?.[t - 1] ?? formatVector(p.sequence.inputs[t - 1], 4);
}

function targetLabel(p: Problem, t: number): string | null {
  const target = p.sequence.targets[t - 1];
  if (target === null) return null;
  const given = p.sequence.targetLabels?.[t - 1];
  if (given != null) return given;
  if (target.kind === 'class') return p.vocab?.vocab[target.index] ?? String(target.index);
  return formatVector(target.values, 4);
}

export function summarize(problem: Problem, trace: Trace, file: string): TraceSummary {
  return {
    name: problem.name,
    file,
    cell: problem.config.cell,
    description: describe(problem),
    T: trace.T,
    loss: trace.loss,
    truncate: problem.bptt.truncate,
    k: problem.bptt.k,
    timeline: trace.stepLosses().map((loss, i) => ({
      t: i + 1,
      input: label(problem, i + 1),
      target: targetLabel(problem, i + 1),
      loss,
    })),
    params: Object.entries(trace.grads).map(([name, t]) => ({ name, shape: t.shape })),
  };
}

const dhNormCache = new WeakMap<Trace, number[]>();

/** ||dL/dh_t|| for every t, once per trace. */
function dhNormsOf(trace: Trace): number[] {
  let norms = dhNormCache.get(trace);
  if (!norms) {
    norms = trace.dhNorms(); // kept by the trace: a checkpointed one would recompute every segment
    dhNormCache.set(trace, norms);
  }
  return norms;
}

/** Largest heatmap side sent to the panel; bigger matrices are pooled by max magnitude. */
export const MAX_GRID = 48;

function matrix(p: Params, name: string): Matrix {
  const { shape, data } = p[name];
  const rows = shape[0], cols = shape.length > 1 ? shape[1] : 1;
  if (rows <= MAX_GRID && cols <= MAX_GRID) return { shape, grid: [rows, cols], data: arr(data) };
  const br = Math.ceil(rows / MAX_GRID), bc = Math.ceil(cols / MAX_GRID);
  const gr = Math.ceil(rows / br), gc = Math.ceil(cols / bc);
  const out = new Array<number>(gr * gc).fill(0);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j], k = Math.floor(i / br) * gc + Math.floor(j / bc);
      if (Math.abs(v) > Math.abs(out[k])) out[k] = v;
    }
  }
  return { shape, grid: [gr, gc], data: out, block: [br, bc] };
}

export function snapshotAt(problem: Problem, trace: Trace, cursor: Cursor): StepSnapshot {
  const { config } = problem;
  const t = cursor.t;
  const f = trace.forward(t);
  const forward: NamedVector[] = [{ name: 'x', values: arr(f.x) }];
  for (const [g, values] of Object.entries(f.gates)) forward.push({ name: g, values: arr(values) });
  for (const [s, values] of Object.entries(f.states)) if (s !== 'h') forward.push({ name: s, values: arr(values) });
  forward.push({ name: 'h', values: arr(f.h) }, { name: 'y', values: arr(f.y) });
  const target = problem.sequence.targets[t - 1];
  const distribution =
    config.output === 'softmax'
      ? arr(f.y).map((p, k) => ({
          label: problem.vocab?.vocab[k] ?? String(k),
          p,
          target: target !== null && (target.kind === 'class' ? target.index === k : target.values[k] > 0),
        }))
      : null;
  // The strip fills as the backward pass proceeds: t' >= t are known in the backward phase.
  const dhNorms = dhNormsOf(trace).map((v, i) => (cursor.phase === 'backward' && i + 1 >= t ? v : null));
  if (cursor.phase === 'forward') {
    return { cursor, forward, loss: f.loss, distribution, equations: forwardEquations(config, f, targetLabel(problem, t)), backward: null, dhNorms, grads: null };
  }
  const b = trace.backward(t);
  const contribution = trace.contribution(t);
  const accumulated = trace.accumulated(t);
  return {
    cursor,
    forward,
    loss: f.loss,
    distribution,
    equations: backwardEquations(config, b),
    backward: {
      dh: arr(b.dh),
      dh_from_output: arr(b.dh_from_output),
      dh_from_future: arr(b.dh_from_future),
      dc: b.dc ? arr(b.dc) : null,
      dgates: Object.entries(b.dgates).map(([name, values]) => ({ name, values: arr(values) })),
      dstates: Object.entries(b.dstates).map(([s, values]) => ({ name: `d${s}`, values: arr(values) })),
    },
    dhNorms,
    grads: Object.keys(contribution).map((name) => ({ name, contribution: matrix(contribution, name), accumulated: matrix(accumulated, name) })),
  };
}
