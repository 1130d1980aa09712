/** A schema-valid spec value -> a Problem: defaults, semantic checks, size limits, seeded parameters. */
import { countParams, initParams } from '../params';
import { cellInfo } from '../cells';
import type { Activation, CellKind, GruVariant, InitScheme, LossKind, ModelConfig, OptimizerKind, OutputKind, Problem, Reduction, Truncate } from '../types';
import { Ctx, LIMITS, get, has, sub } from './context';
import type { Obj } from './context';
import { resolveData } from './data';
import { sci } from './describe';
import { applyWeights, resolveState } from './weights';
import { resolveCustom } from './custom';
import { readWeightsFileParams, type ReadBytes } from './weightsFile';

export interface ResolveOptions {
  file?: string;
  readFile?: (relPath: string) => string;
  /** Reads init.weights_file relative to the spec; may throw (-> a diagnostic there). */
  readBytes?: ReadBytes;
}

/** Fields that only mean something for one cell: a warning elsewhere. */
const ONLY_FOR: [string[], string, CellKind][] = [
  [['model', 'activation'], 'rnn', 'rnn'],
  [['model', 'variant'], 'gru', 'gru'],
  [['model', 'peephole'], 'lstm', 'lstm'],
  [['model', 'coupled'], 'lstm', 'lstm'],
  [['model', 'state'], 'custom', 'custom'],
  [['model', 'params'], 'custom', 'custom'],
  [['model', 'equations'], 'custom', 'custom'],
];

/** Whether a model field means something for this cell (fields not in ONLY_FOR mean something for all). */
function applies(cell: CellKind, field: string): boolean {
  const row = ONLY_FOR.find(([path]) => path[0] === 'model' && path[1] === field);
  return !row || row[2] === cell;
}

export function resolve(spec: Obj, ctx: Ctx, opts: ResolveOptions): Problem | null {
  const model = sub(spec, 'model');
  const init = sub(spec, 'init');
  const cell = model.cell as CellKind;
  const H = model.hidden as number;
  for (const [path, only, kind] of ONLY_FOR) {
    const parent = path[0] === 'model' ? model : init;
    if (cell !== kind && has(parent, path[1])) ctx.warn(path, `applies to ${only} cells only; this model's cell is ${cell}, so it is ignored`);
  }
  const output = get<OutputKind>(model, 'output', 'softmax');
  const loss = get<LossKind>(spec, 'loss', 'cross-entropy');
  if (loss === 'cross-entropy' && output !== 'softmax') {
    if (has(spec, 'loss')) ctx.error(['loss'], `cross-entropy needs model.output: softmax, but model.output is ${output}; use loss: mse, or output: softmax`);
    else ctx.error(['model', 'output'], `${output} does not fit the default loss, cross-entropy, which needs output: softmax; set loss: mse, or output: softmax`);
    return null;
  }
  const data = resolveData(sub(spec, 'data'), {
    ctx,
    loss,
    inputs: has(model, 'inputs') ? (model.inputs as number) : undefined,
    outputs: has(model, 'outputs') ? (model.outputs as number) : undefined,
    weightsK: outputsFromWeights(sub(init, 'weights')),
    readFile: opts.readFile,
  });
  if (!data) return null;
  if (data.vocab && loss !== 'cross-entropy') {
    ctx.error(['loss'], `${loss} does not fit a ${data.vocab.chars ? 'text' : 'token'} model, whose targets are classes (the next token); use cross-entropy`);
    return null;
  }
  const custom = cell === 'custom' ? resolveCustom(model, H, data.D, ctx) : undefined;
  if (custom === null) return null;
  const config: ModelConfig = {
    cell,
    ...(custom ? { custom } : {}),
    D: data.D,
    H,
    K: data.K,
    activation: get<Activation>(model, 'activation', 'tanh'),
    variant: get<GruVariant>(model, 'variant', 'classic'),
    peephole: applies(cell, 'peephole') && get(model, 'peephole', false),
    coupled: applies(cell, 'coupled') && get(model, 'coupled', false),
    output,
    loss,
    reduction: get<Reduction>(spec, 'reduction', 'sum'),
  };
  if (has(model, 'layers') && (model.layers as number) > 1) config.layers = model.layers as number;
  if (has(model, 'embedding')) {
    if (!data.vocab) {
      ctx.error(['model', 'embedding'], 'an embedding looks up tokens: it needs token data (data.text, data.tokens or data.file), not data.inputs vectors', 'key');
      return null;
    }
    config.embedding = model.embedding as number;
  }
  if (!withinLimits(config, data.sequence.inputs.length, ctx)) return null;
  if (has(init, 'forget_bias') && cellInfo(config).forgetBias === null) {
    ctx.warn(['init', 'forget_bias'], `applies to cells with a forget gate bias b_f (lstm, or a custom cell with a parameter b_f); this model's cell is ${cellInfo(config).label}, so it is ignored`);
  }

  const bpttIn = sub(spec, 'bptt');
  const truncate = get<Truncate>(bpttIn, 'truncate', 'none');
  if (truncate === 'none' && has(bpttIn, 'k')) ctx.warn(['bptt', 'k'], 'has no effect while bptt.truncate is none (full BPTT)');

  const seed = get(init, 'seed', 42);
  const scale = get(init, 'scale', 0.1);
  const trainIn = sub(spec, 'train');
  const clip = resolveClip(trainIn, ctx);

  const params = initParams(config, {
    seed,
    scheme: get<InitScheme>(init, 'scheme', 'xavier'),
    scale,
    forgetBias: get(init, 'forget_bias', 0),
  });
  if (has(init, 'weights_file')) {
    const found = readWeightsFileParams(init, config, data.vocab, params, ctx, opts.readBytes);
    for (const [name, t] of Object.entries(found ?? {})) params[name].data.set(t.data);
  }
  if (has(init, 'weights')) applyWeights(sub(init, 'weights'), config, params, ctx);
  const s0 = initialState(init, cellInfo(config).states, H, seed, scale, ctx);
  if (ctx.failed) return null;

  return {
    name: get(spec, 'name', defaultName(opts.file)),
    config,
    bptt: { truncate, k: get(bpttIn, 'k', 5) },
    train: {
      optimizer: get<OptimizerKind>(trainIn, 'optimizer', 'adam'),
      lr: get(trainIn, 'lr', 0.01),
      epochs: get(trainIn, 'epochs', 200),
      clip,
      batch: get(trainIn, 'batch', 1),
      seed: get(trainIn, 'seed', seed),
    },
    params,
    s0,
    sequence: data.sequence,
    vocab: data.vocab,
    corpus: data.corpus,
    ...(has(init, 'pytorch') ? { pytorch: sub(init, 'pytorch') as Problem['pytorch'] } : {}),
  };
}

/** init.<s>0 for every state s of the cell (h0; lstm c0), and a warning for one the cell does not have. */
function initialState(init: Obj, states: string[], H: number, seed: number, scale: number, ctx: Ctx): Record<string, Float64Array> {
  for (const key of Object.keys(init)) {
    const m = /^(.+)0$/.exec(key);
    if (m && key !== 'h0' && !states.includes(m[1])) ctx.warn(['init', key], `applies to cells with a state ${m[1]} (lstm, or a custom cell that lists it); this cell's states are ${states.join(', ')}, so it is ignored`);
  }
  // A stack's lower layers (h_l1, c_l1) start from the same init.h0, init.c0 as the top.
  const base = (s: string) => s.replace(/_l\d+$/, '');
  return Object.fromEntries(states.map((s, i) => [s, resolveState(init[`${base(s)}0`], `${base(s)}0`, H, seed + 1 + i, scale, ctx)]));
}

/** Parameters, sizes and states within the limits, checked before anything is allocated. */
function withinLimits(config: ModelConfig, T: number, ctx: Ctx): boolean {
  const n = countParams(config);
  if (n > LIMITS.params) {
    ctx.error(['model', 'hidden'], `${config.H} makes ${sci(n)} parameters (with D = ${config.D}, K = ${config.K}); the limit is ${sci(LIMITS.params)}`);
    return false;
  }
  if (config.H > LIMITS.dim) {
    ctx.error(['model', 'hidden'], `${config.H} is larger than the limit of ${LIMITS.dim}`);
    return false;
  }
  if (T * config.H > LIMITS.cells) {
    ctx.error(['model', 'hidden'], `${config.H} units over T = ${T} steps make ${sci(T * config.H)} states; the limit is ${sci(LIMITS.cells)}`);
    return false;
  }
  return true;
}

/** K from init.weights: W_hy's rows (a list of lists), else b_y's length (a list of numbers). */
function outputsFromWeights(weights: Obj): { K: number; from: string } | undefined {
  const W = weights.W_hy;
  if (Array.isArray(W) && W.length > 0 && W.every((row) => Array.isArray(row))) return { K: W.length, from: 'init.weights.W_hy' };
  const b = weights.b_y;
  if (Array.isArray(b) && b.length > 0 && b.every((v) => typeof v === 'number')) return { K: b.length, from: 'init.weights.b_y' };
  return undefined;
}

/** train.clip: a number > 0, or none / null to disable. */
function resolveClip(train: Obj, ctx: Ctx): number | null {
  if (!Object.prototype.hasOwnProperty.call(train, 'clip')) return 5;
  const v = train.clip;
  if (v === null || v === 'none') return null;
  if (typeof v === 'number' && v > 0) return v;
  const found = typeof v === 'string' ? `the string ${JSON.stringify(v)}` : String(v);
  ctx.error(['train', 'clip'], `expected a number > 0, or none to disable clipping, found ${found}`);
  return null;
}

/** The file's base name without .rnn.yaml / .rnn.json, or "spec". */
export function defaultName(file: string | undefined): string {
  if (!file) return 'spec';
  const base = file.split(/[\\/]/).pop() ?? '';
  const name = base.replace(/\.rnn\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '');
  return name || 'spec';
}
