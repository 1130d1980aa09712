/**
 * The weights file: JSON, keyed by the spec's parameter names, with the optimizer state and the
 * progress that make `resume` continue exactly. Example (an rnn, adam):
 *
 * {
 *   "format": "bptt-stepper-weights",       // always this
 *   "version": 1,
 *   "spec": "hello",                         // the spec's name (informational)
 *   "config": { "cell": "rnn", "D": 4, "H": 3, "K": 4, "activation": "tanh", "variant": "classic",
 *               "peephole": false, "coupled": false, "output": "softmax", "loss": "cross-entropy",
 *               "reduction": "sum" },     // must match the spec's model where it shapes the weights
 *   "vocab": ["h", "e", "l", "o"],           // char/token models (must match), else null
 *   "train": { "optimizer": "adam", "lr": 0.05, "epochs": 200, "clip": 5, "batch": 1, "seed": 42,
 *              "truncate": "none", "k": 5 },  // the settings of the run (informational)
 *   "params": { "W_xh": [[...], ...], "W_hh": [[...]], "b_h": [...], "W_hy": [[...]], "b_y": [...] },
 *   "optimizer": { "kind": "adam", "step": 200,
 *                  "slots": { "m": { "W_xh": [[...]], ... }, "v": { ... } } },
 *   "progress": { "epoch": 200, "step": 200, "batch": 0, "chunk": 0,
 *                 "carry": null,             // or { "h": [[...] per batch sequence], "c": [[...]] (every state of the cell) }
 *                 "epochLoss": 0, "losses": [1.5, ...] }
 * }
 *
 * Matrices are lists of rows (rows = outputs), vectors lists of numbers, in each parameter's shape.
 * Slots per optimizer: sgd none, momentum v, adagrad G, adam m and v, each keyed like params.
 * progress.epoch counts completed epochs, step the updates applied, batch / chunk / carry where
 * the run is inside an epoch, losses the mean loss per sequence of completed epochs (all of the last
 * 1000, and every S-th before them: see lossHistory.ts, which keeps the file's size bounded). No RNG
 * state is needed: each epoch's shuffle is seeded by (train.seed, epoch). "optimizer" and
 * "progress" may be left out (weights from elsewhere): such a file traces and samples, not resumes.
 * Numbers are written so they parse back to the same float64 (see jsonText.ts).
 */
import type { ModelConfig, OptimizerKind, Params, Problem, Tensor } from '../types';
import { paramShapes, sizeOf } from '../params';
import { cellInfo } from '../cells';
import { OPTIMIZER_SLOTS, type OptimizerState } from './optimizers';
import type { TrainProgress, TrainerState } from './trainer';
import { formatJson } from './jsonText';
import { thinLosses } from './lossHistory';

export const WEIGHTS_FORMAT = 'bptt-stepper-weights';
export const WEIGHTS_VERSION = 1;

/** A weights file that does not fit the spec, or is not a weights file. */
export class WeightsError extends Error {
  override name = 'WeightsError';
}

export interface WeightsFile {
  spec: string;
  params: Params;
  /** Present when the file can resume a run. */
  optimizer: OptimizerState | null;
  progress: TrainProgress | null;
  /** The run's settings as saved ("train"), informational; null when absent. */
  train: Record<string, unknown> | null;
}

/** Nested arrays in the tensor's shape. */
function nested(t: Tensor): number[] | number[][] {
  if (t.shape.length === 1) return Array.from(t.data);
  const [r, c] = t.shape;
  return Array.from({ length: r }, (_, i) => Array.from(t.data.subarray(i * c, i * c + c)));
}

const nestedAll = (p: Params) => Object.fromEntries(Object.entries(p).map(([k, t]) => [k, nested(t)]));

/** The weights file's text for a run's state (or for parameters alone, with `state` lacking the rest). */
export function serializeWeights(problem: Problem, state: Pick<TrainerState, 'params'> & Partial<TrainerState>, train = problem.train): string {
  const doc = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    spec: problem.name,
    config: problem.config,
    vocab: problem.vocab ? problem.vocab.vocab : null,
    train: { ...train, truncate: problem.bptt.truncate, k: problem.bptt.k },
    params: nestedAll(state.params),
    optimizer: state.optimizer
      ? { kind: state.optimizer.kind, step: state.optimizer.step, slots: Object.fromEntries(Object.entries(state.optimizer.slots).map(([k, p]) => [k, nestedAll(p)])) }
      : undefined,
    progress: state.progress
      ? {
          ...state.progress,
          losses: thinLosses(state.progress.losses, state.progress.epoch),
          carry: state.progress.carry ? Object.fromEntries(Object.entries(state.progress.carry).map(([name, v]) => [name, v.map((x) => Array.from(x))])) : null,
        }
      : undefined,
  };
  return formatJson(doc) + '\n';
}

/** The fields of the model config that decide what the weights mean, for this cell. */
function keyFields(c: ModelConfig): (keyof ModelConfig)[] {
  return ['cell', 'D', 'H', 'K', 'output', ...cellInfo(c).settings];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (msg: string): never => {
  throw new WeightsError(msg);
};

/** Parses and validates a weights file against the problem's model; throws WeightsError with the place. */
export function parseWeights(text: string, problem: Problem): WeightsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // a byte-order mark is not JSON, but editors write one
  } catch (e) {
    return fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObj(doc) || doc.format !== WEIGHTS_FORMAT) return fail(`not a weights file: "format" should be "${WEIGHTS_FORMAT}"`);
  if (doc.version !== WEIGHTS_VERSION) return fail(`weights file version ${JSON.stringify(doc.version)} is not supported (this version reads ${WEIGHTS_VERSION})`);
  if (!isObj(doc.config)) return fail('"config" is missing');
  const config = doc.config;
  for (const k of keyFields(problem.config)) {
    if (JSON.stringify(config[k]) !== JSON.stringify(problem.config[k]))
      fail(`the weights are for ${k} = ${JSON.stringify(config[k])}, but the spec has ${k} = ${JSON.stringify(problem.config[k])}`);
  }
  if (problem.vocab && doc.vocab !== undefined && doc.vocab !== null) {
    const v = doc.vocab;
    if (!Array.isArray(v) || v.length !== problem.vocab.vocab.length || v.some((t, i) => t !== problem.vocab?.vocab[i]))
      fail(`the weights were trained on another vocabulary (${JSON.stringify(v)}), the spec's is ${JSON.stringify(problem.vocab.vocab)}`);
  }
  const shapes = paramShapes(problem.config);
  const params = readParams(doc.params, shapes, 'params');
  const optimizer = doc.optimizer === undefined || doc.optimizer === null ? null : readOptimizer(doc.optimizer, shapes);
  const progress = doc.progress === undefined || doc.progress === null ? null : readProgress(doc.progress, problem.config.H, cellInfo(problem.config).states);
  if ((optimizer === null) !== (progress === null)) fail('"optimizer" and "progress" go together: give both or neither');
  return { spec: typeof doc.spec === 'string' ? doc.spec : '', params, optimizer, progress, train: isObj(doc.train) ? doc.train : null };
}

/** The resumable state of a parsed weights file; throws when it has none. */
export function resumableState(w: WeightsFile): TrainerState {
  if (!w.optimizer || !w.progress) return fail('the weights file has no optimizer state and progress to resume from');
  return { params: w.params, optimizer: w.optimizer, progress: w.progress };
}

function readParams(v: unknown, shapes: Record<string, number[]>, where: string): Params {
  if (!isObj(v)) return fail(`"${where}" is missing or not an object`);
  const names = Object.keys(shapes);
  const extra = Object.keys(v).filter((k) => !names.includes(k));
  if (extra.length) fail(`${where}.${extra[0]} is not a parameter of this model; its parameters are ${names.join(', ')}`);
  const out: Params = {};
  for (const name of names) {
    if (!(name in v)) fail(`${where}.${name} is missing`);
    out[name] = readTensor(v[name], shapes[name], `${where}.${name}`);
  }
  return out;
}

function readTensor(v: unknown, shape: number[], where: string): Tensor {
  const data = new Float64Array(sizeOf(shape));
  const rows = shape.length === 2 ? shape[0] : 1;
  const cols = shape.length === 2 ? shape[1] : shape[0];
  const expect = `shape [${shape.join(', ')}]`;
  if (!Array.isArray(v) || v.length !== (shape.length === 2 ? rows : cols)) return fail(`${where}: expected ${expect}, found ${describe(v)}`);
  for (let i = 0; i < rows; i++) {
    const row: unknown = shape.length === 2 ? v[i] : v;
    if (!Array.isArray(row) || row.length !== cols) fail(`${where}${shape.length === 2 ? `[${i}]` : ''}: expected ${cols} numbers (${expect}), found ${describe(row)}`);
    for (let j = 0; j < cols; j++) {
      const x = (row as unknown[])[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${where}: entry ${shape.length === 2 ? `[${i},${j}]` : `[${j}]`} is ${describeEntry(x)}, not a finite number`);
      data[i * cols + j] = x as number;
    }
  }
  return { shape: shape.slice(), data };
}

/** An entry as read: a number too large for float64 (1e999) parses as ±Infinity, which JSON.stringify would call null. */
function describeEntry(x: unknown): string {
  if (typeof x === 'number' && !Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : `a number beyond the float64 range (it reads as ${x}, e.g. 1e999)`;
  return x === undefined ? 'missing' : JSON.stringify(x);
}

function describe(v: unknown): string {
  return Array.isArray(v) ? `a list of ${v.length}` : v === null ? 'null' : typeof v;
}

function readOptimizer(v: unknown, shapes: Record<string, number[]>): OptimizerState {
  if (!isObj(v)) return fail('"optimizer" is not an object');
  const kind = v.kind as OptimizerKind;
  if (!Object.prototype.hasOwnProperty.call(OPTIMIZER_SLOTS, kind)) fail(`optimizer.kind ${JSON.stringify(v.kind)} is not one of sgd, momentum, adagrad, adam`);
  const step = count(v.step, 'optimizer.step');
  if (!isObj(v.slots)) return fail('optimizer.slots is missing');
  const slots: Record<string, Params> = {};
  for (const s of OPTIMIZER_SLOTS[kind]) slots[s] = readParams(v.slots[s], shapes, `optimizer.slots.${s}`);
  return { kind, step, slots };
}

function count(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(`${where} should be an integer >= 0, found ${JSON.stringify(v)}`);
  return v as number;
}

function readProgress(v: unknown, H: number, stateNames: string[]): TrainProgress {
  if (!isObj(v)) return fail('"progress" is not an object');
  const losses = v.losses;
  if (!Array.isArray(losses) || losses.some((x) => typeof x !== 'number')) fail('progress.losses should be a list of numbers');
  const badLoss = (losses as number[]).findIndex((x) => !Number.isFinite(x));
  if (badLoss >= 0) fail(`progress.losses[${badLoss}] is ${describeEntry((losses as number[])[badLoss])}, not a finite number`);
  if (typeof v.epochLoss !== 'number' || !Number.isFinite(v.epochLoss)) fail(`progress.epochLoss should be a finite number, found ${describeEntry(v.epochLoss)}`);
  let carry: TrainProgress['carry'] = null;
  if (v.carry !== null && v.carry !== undefined) {
    const c = v.carry;
    if (!isObj(c)) return fail(`progress.carry should be null or { ${stateNames.join(', ')} }`);
    const states = (name: string): Float64Array[] => {
      const list = Object.prototype.hasOwnProperty.call(c, name) ? c[name] : undefined;
      if (!Array.isArray(list)) return fail(`progress.carry.${name} should be a list of states, one per batch sequence`);
      return list.map((s, i) => readTensor(s, [H], `progress.carry.${name}[${i}]`).data);
    };
    carry = Object.fromEntries(stateNames.map((name) => [name, states(name)]));
  }
  return {
    epoch: count(v.epoch, 'progress.epoch'),
    step: count(v.step, 'progress.step'),
    batch: count(v.batch, 'progress.batch'),
    chunk: count(v.chunk, 'progress.chunk'),
    carry,
    epochLoss: v.epochLoss as number,
    losses: (losses as number[]).slice(),
  };
}

/** The settings that differ between a saved run and the one about to resume it (epochs aside): a resumed run matches an uninterrupted one only when there are none. */
export function changedSettings(w: WeightsFile, problem: Problem, train = problem.train): string[] {
  if (!w.train) return [];
  const now: Record<string, unknown> = { ...train, truncate: problem.bptt.truncate, k: problem.bptt.k };
  return Object.keys(now)
    .filter((k) => k !== 'epochs' && k in (w.train as object) && (w.train as Record<string, unknown>)[k] !== now[k])
    .map((k) => `${k} ${JSON.stringify(now[k])} (saved ${JSON.stringify((w.train as Record<string, unknown>)[k])})`);
}
