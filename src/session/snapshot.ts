/**
 * Builds what the panel shows from a trace: a summary once per trace, and the snapshot of one
 * (phase, t). Pure: no vscode, so it is tested in Node and measured in the bench.
 */
import { cellInfo, type BackwardRecord, type ForwardRecord, type Params, type Problem, type Trace } from '../engine';
import { MAX_LAYER_NORMS, STRIP_IN_SNAPSHOT, type Cursor, type LayerSnapshot, type Matrix, type NamedVector, type StepSnapshot, type TraceSummary } from '../protocol';
import { formatNumber, formatVector } from '../format';
import { backwardEquations, forwardEquations } from './equations';
import { layerView } from './layerView';
import { EquationScope } from './equationMath';

/**
 * A vector as the panel receives it: at full precision, in a buffer of its own (a view into a
 * record's would carry the whole record's buffer along). The card formats it once; rounding it
 * here as well wrote -7.2507e-5 as -0.72e-4 beside 8.07e-4, where it is -0.73e-4.
 */
const arr = (v: ArrayLike<number>): Float64Array => Float64Array.from(v);

function describe(p: Problem): string {
  const c = p.config;
  const trunc = p.bptt.truncate === 'none' ? 'full BPTT' : `truncated BPTT: ${p.bptt.truncate}, k=${p.bptt.k}`;
  return `${cellInfo(c).label} · D=${c.D} H=${c.H} K=${c.K} · ${c.output} + ${c.loss} (${c.reduction}) · ${trunc}`;
}

function label(p: Problem, t: number): string {
  const given = p.sequence.inputLabels?.[t - 1];
  if (given != null) return given;
  const x = p.sequence.inputs[t - 1];
  // A scalar input is a number, not a one-element vector.
  return x.length === 1 ? formatNumber(x[0]) : formatVector(x, 4);
}

/**
 * A vector input's label for a timeline column (about 5 characters wide): its first entry to 2
 * significant digits and an ellipsis, so the steps still read apart; the full vector is the title.
 */
function shortLabel(p: Problem, t: number): string | undefined {
  if (p.sequence.inputLabels?.[t - 1] != null) return undefined;
  const x = p.sequence.inputs[t - 1];
  return x.length > 1 ? `${Number(x[0].toPrecision(2))}…` : undefined;
}

/** The tokens along a parameter's rows or columns: the input vocabulary for W_x* (one-hot inputs), the output's for W_hy and b_y. */
function axisLabels(p: Problem, name: string, shape: number[]): { rowLabels?: string[]; colLabels?: string[] } {
  const vocab = p.vocab?.vocab;
  if (!vocab) return {};
  const { D, K } = p.config;
  const out: { rowLabels?: string[]; colLabels?: string[] } = {};
  if (/^W_x/.test(name) && shape[1] === D && vocab.length === D) out.colLabels = vocab;
  if ((name === 'W_hy' || name === 'b_y') && shape[0] === K && vocab.length === K) out.rowLabels = vocab;
  return out;
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
      ...(shortLabel(problem, i + 1) !== undefined ? { inputShort: shortLabel(problem, i + 1) } : {}),
      target: targetLabel(problem, i + 1),
      loss,
    })),
    dhNorms: stripOf(trace),
    ...layerNorms(problem, trace),
    params: paramsOf(problem, Object.keys(trace.grads)),
  };
}

const stripOf = (trace: Trace, layer?: number): (number | null)[] => dhNormsOf(trace, layer).map((v) => (Number.isFinite(v) ? v : null));

/** A stack's ||dL/dh_t|| of every layer, for the timeline's strip to follow the layer switch: T·L numbers, up to MAX_LAYER_NORMS (above, only L). */
function layerNorms(problem: Problem, trace: Trace): Pick<TraceSummary, 'layerDhNorms' | 'layerDhNormsOmitted'> {
  const L = problem.config.layers ?? 1;
  if (L < 2) return {};
  if (L * trace.T > MAX_LAYER_NORMS) return { layerDhNormsOmitted: L }; // the strip says it shows the top layer only
  return { layerDhNorms: Array.from({ length: L }, (_, k) => stripOf(trace, k + 1)) };
}

/**
 * Each parameter's name, shape, axis labels and current value for the Weights section: sent once
 * per trace with the summary (the weights do not change while stepping), pooled like the gradients
 * to WEIGHT_BUDGET cells over all of them.
 */
function paramsOf(problem: Problem, names: string[]): TraceSummary['params'] {
  const side = gridSide(names.map((n) => problem.params[n].shape), WEIGHT_BUDGET, 1);
  return names.map((name) => {
    const shape = problem.params[name].shape;
    return { name, shape, ...axisLabels(problem, name, shape), value: matrix(problem.params, name, side) };
  });
}

const dhNormCache = new WeakMap<Trace, Map<number, number[]>>();

/** ||dL/dh_t|| for every t (of a stack's layer, 1 = bottom; the top one by default), once per trace and layer. */
function dhNormsOf(trace: Trace, layer?: number): number[] {
  let byLayer = dhNormCache.get(trace);
  if (!byLayer) dhNormCache.set(trace, (byLayer = new Map()));
  const key = layer ?? 0;
  let norms = byLayer.get(key);
  if (!norms) {
    norms = trace.dhNorms(layer); // kept by the trace: a checkpointed one would recompute every segment
    byLayer.set(key, norms);
  }
  return norms;
}

/** Largest heatmap side sent to the panel; bigger matrices are pooled by max magnitude. */
export const MAX_GRID = 48;
/** Heatmap cells one snapshot sends at most, over every parameter's two heatmaps: it stays under 100 KB. */
export const GRID_BUDGET = 3400;

/** Heatmap cells the Weights section receives at most, over every parameter (once per trace, with the summary). */
export const WEIGHT_BUDGET = 3400;

/** The largest side (<= MAX_GRID) at which `copies` heatmaps of every parameter fit `budget` cells (the gradients: two each, GRID_BUDGET). */
export function gridSide(shapes: number[][], budget = GRID_BUDGET, copies = 2): number {
  const cells = (s: number): number => shapes.reduce((n, sh) => n + copies * Math.min(sh[0], s) * Math.min(sh.length > 1 ? sh[1] : 1, s), 0);
  let side = MAX_GRID;
  while (side > 4 && cells(side) > budget) side--;
  return side;
}

function matrix(p: Params, name: string, side = MAX_GRID): Matrix {
  const { shape, data } = p[name];
  const rows = shape[0], cols = shape.length > 1 ? shape[1] : 1;
  if (rows <= side && cols <= side) return { shape, grid: [rows, cols], data: arr(data) };
  const br = Math.ceil(rows / side), bc = Math.ceil(cols / side);
  const gr = Math.ceil(rows / br), gc = Math.ceil(cols / bc);
  const out = new Float64Array(gr * gc);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j], k = Math.floor(i / br) * gc + Math.floor(j / bc);
      if (Math.abs(v) > Math.abs(out[k])) out[k] = v;
    }
  }
  return { shape, grid: [gr, gc], data: out, block: [br, bc] };
}

/** Which vector a stacked layer's x is: the layer below's h, or the embedded token (nothing for a plain x). */
function inputLabel(v: { l: number; input: string }): { label?: string } {
  if (v.input === 'x') return {};
  return { label: v.l > 1 ? `input: ${v.input}, from layer ${v.l - 1}` : `input: ${v.input}, the token's embedding row` };
}

/**
 * The snapshot at a place. In a stack the cards and equations show one layer (by default the top
 * one): its input, gates and states, its gradients and its parameters' (layer 1 also W_emb, the top
 * also W_hy and b_y); `layers` carries every layer's records besides.
 */
export function snapshotAt(problem: Problem, trace: Trace, cursor: Cursor, layer?: number): StepSnapshot {
  const { config } = problem;
  const t = cursor.t;
  const full = trace.forward(t);
  const v = layerView(problem, trace, t, layer);
  const f = v.forward;
  const forward: NamedVector[] = [{ name: 'x', values: arr(f.x), ...inputLabel(v) }];
  for (const [g, values] of Object.entries(f.gates)) forward.push({ name: g, values: arr(values) });
  for (const [s, values] of Object.entries(f.states)) if (s !== 'h') forward.push({ name: s, values: arr(values) });
  forward.push({ name: 'h', values: arr(f.h) }, { name: 'y', values: arr(f.y) });
  const target = problem.sequence.targets[t - 1];
  const distribution =
    config.output === 'softmax'
      ? Array.from(f.y, (p, k) => ({
          label: problem.vocab?.vocab[k] ?? String(k),
          p,
          target: target !== null && (target.kind === 'class' ? target.index === k : target.values[k] > 0),
        }))
      : null;
  // The strip fills as the backward pass proceeds: t' >= t are known in the backward phase.
  const dhNorms = trace.T > STRIP_IN_SNAPSHOT ? [] : dhNormsOf(trace, full.layers ? v.l : undefined).map((v, i) => (cursor.phase === 'backward' && i + 1 >= t ? v : null));
  // What the equations name at t: the weights, the layer's input, its previous states (s0 at t = 1).
  const scope = new EquationScope(problem.params);
  scope.set(v.input, f.x);
  for (const [s, val] of Object.entries(v.prev)) scope.set(`${s}_prev`, val);
  const layers = full.layers ? { layer: v.l, layers: layerSnapshots(full.layers, cursor.phase === 'backward' ? trace.backward(t).layers : undefined) } : {};
  if (cursor.phase === 'forward') {
    return { cursor, forward, loss: f.loss, distribution, equations: forwardEquations(config, f, targetLabel(problem, t), scope, v.cell), backward: null, dhNorms, grads: null, ...layers };
  }
  for (const [name, val] of [...Object.entries(f.pre), ...Object.entries(f.gates), ...Object.entries(f.states)]) scope.set(name, val);
  scope.set('z', f.z);
  scope.set('y', f.y);
  if (target) scope.set('v', target.kind === 'class' ? Float64Array.from({ length: config.K }, (_, k) => (k === target.index ? 1 : 0)) : target.values);
  else scope.set('v', f.y); // no target: dz = 0
  const b = v.backward();
  const contribution = v.only(trace.contribution(t));
  const accumulated = v.only(trace.accumulated(t));
  const side = gridSide(Object.values(contribution).map((p) => p.shape));
  const equations = backwardEquations(config, b, scope.withGradient(b), contribution, v.cell);
  // Each state but h as its two parts, from what the equations put in the scope (d<s>_next).
  const stateParts = Object.entries(b.dstates).flatMap(([name, total]) => {
    const next = scope.get(`d${name}_next`);
    if (!next || typeof next !== 'object' || !('data' in next)) return [];
    return [{ name, fromFuture: arr(next.data), local: arr(Float64Array.from(total, (x, i) => x - next.data[i])) }];
  });
  return {
    cursor,
    forward,
    loss: f.loss,
    distribution,
    equations,
    backward: {
      dh: arr(b.dh),
      dh_from_output: arr(b.dh_from_output),
      dh_from_future: arr(b.dh_from_future),
      dc: b.dc ? arr(b.dc) : null,
      stateParts,
      dgates: Object.entries(b.dgates).map(([name, values]) => ({ name, values: arr(values) })),
      dstates: Object.entries(b.dstates).map(([s, values]) => ({ name: `d${s}`, values: arr(values) })),
    },
    dhNorms,
    grads: Object.keys(contribution).map((name) => ({ name, contribution: matrix(contribution, name, side), accumulated: matrix(accumulated, name, side) })),
    ...layers,
  };
}

/** Every layer of a stack at t, bottom first. */
function layerSnapshots(fl: NonNullable<ForwardRecord['layers']>, bl: BackwardRecord['layers']): LayerSnapshot[] {
  const named = (r: Record<string, Float64Array>, prefix = '') => Object.entries(r).map(([name, v]) => ({ name: prefix + name, values: arr(v) }));
  return fl.map((l, k) => ({
    layer: k + 1,
    forward: [...named(l.gates), ...Object.entries(l.states).filter(([s]) => s !== 'h').map(([name, v]) => ({ name, values: arr(v) })), { name: 'h', values: arr(l.h) }],
    backward: bl ? { dh: arr(bl[k].dh), dgates: named(bl[k].dgates), dstates: named(bl[k].dstates, 'd') } : null,
  }));
}
