/**
 * A PyTorch state_dict -> our parameters: gates split (i,f,g,o / r,z,n), b = b_ih + b_hh except the
 * GRU's b_hn; layer l >= 2 gets the suffix _l{l}. Every mismatch names the key, its shape and the
 * shape expected.
 */
import type { ModelConfig, Params, Tensor } from '../types';
import { cellForTorch, cellInfo } from '../cells';
import { fail } from './errors';
import { findTorchModel, shapeText, type TorchModel, type TorchPrefixes } from './find';
import type { StateDict } from './tensor';

/** What the spec expects the file to hold. */
export interface TorchTarget {
  config: ModelConfig;
  /** model.layers (1 when absent). */
  layers: number;
  /** model.embedding: E, with V = config.D one-hot tokens; null without one. */
  embedding: number | null;
}

export interface TorchParams {
  /** Our parameters found in the file, by our names. */
  params: Params;
  model: TorchModel;
  /** Things worth saying that do not stop the load (keys left unused, no output layer). */
  warnings: string[];
}


/** Our name of a layer's parameter: layer 1 plain, layer l >= 2 with the suffix _l{l}. */
export const layerName = (name: string, layer: number): string => (layer <= 1 ? name : `${name}_l${layer}`);

/** Maps a state_dict onto the target model; throws TorchFileError on any mismatch. */
export function torchToParams(sd: StateDict, target: TorchTarget, prefixes: TorchPrefixes = {}): TorchParams {
  const m = findTorchModel(sd, prefixes);
  const { config } = target;
  const used = new Set<string>();
  const warnings: string[] = [];
  // The spec's cell says which module computes it and how our names sit in its weights (one layer's names).
  const form = cellInfo({ ...config, layers: 1, embedding: null }).pytorch;
  const module = `nn.${m.module}`;
  if (form.module !== m.module) {
    const rows = `${m.rnn}weight_hh_l0 has ${m.blocks === 1 ? '' : m.blocks}H rows`;
    // A setting of the same cell would compute the file's module (gru: variant pytorch): say which.
    if (form.module === null && cellForTorch(m.module).settings.cell === config.cell) fail(`the file holds an ${module} (${rows}); ${form.why ?? 'this cell has no torch.nn module'} to load it`);
    fail(`the file holds an ${module} (${rows}), but the spec's model.cell is ${config.cell}${form.module ? ` (nn.${form.module})` : ''}`);
  }
  if (m.layers !== target.layers) fail(`the file's ${module} has num_layers = ${m.layers} (${m.rnn}weight_ih_l0 .. l${m.layers - 1}), but the spec has model.layers: ${target.layers}`);
  const H = config.H;
  const D0 = target.embedding ?? config.D;
  const take = (key: string, shape: number[], why: string): Float64Array => {
    const t = sd.get(key);
    if (!t) return fail(`${key} is missing; expected shape ${shapeText(shape)} (${why})`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(`${key} has shape ${shapeText(t.shape)}, expected ${shapeText(shape)} (${why})`);
    used.add(key);
    return t.data;
  };
  const params: Params = {};
  const put = (name: string, shape: number[], data: Float64Array): void => {
    params[name] = { shape, data } satisfies Tensor;
  };
  const G = m.blocks;
  const gh = G === 1 ? 'H' : `${G}H`;
  for (let k = 0; k < m.layers; k++) {
    const Din = k === 0 ? D0 : H;
    const dWhy = k === 0 ? (target.embedding ? `E = ${target.embedding} from model.embedding` : `D = ${config.D} from the data`) : `the layer below's H = ${H}`;
    const wih = take(`${m.rnn}weight_ih_l${k}`, [G * H, Din], `${gh} x ${k === 0 && target.embedding ? 'E' : 'D'}, H = ${H} from model.hidden, ${dWhy}`);
    const whh = take(`${m.rnn}weight_hh_l${k}`, [G * H, H], `${gh} x H, H = ${H} from model.hidden`);
    const bih = m.bias ? take(`${m.rnn}bias_ih_l${k}`, [G * H], `${gh}`) : new Float64Array(G * H);
    const bhh = m.bias ? take(`${m.rnn}bias_hh_l${k}`, [G * H], `${gh}`) : new Float64Array(G * H);
    const n = (s: string) => layerName(s, k + 1);
    form.blocks.forEach(([xName, hName, bName], g) => {
      const rowsOf = (w: Float64Array, cols: number) => w.slice(g * H * cols, (g + 1) * H * cols);
      put(n(xName), [H, Din], rowsOf(wih, Din));
      put(n(hName), [H, H], rowsOf(whh, H));
      const bi = rowsOf(bih, 1);
      const bh = rowsOf(bhh, 1);
      if (form.hiddenBias?.block === g) {
        // The GRU's r multiplies (W_hn h + b_hn): b_hn cannot be folded into b_n.
        put(n(bName), [H], bi);
        put(n(form.hiddenBias.name), [H], bh);
      } else {
        put(n(bName), [H], bi.map((v, i) => v + bh[i]));
      }
    });
  }
  if (target.embedding !== null) {
    if (!m.embedding) return fail(`the spec has model.embedding: ${target.embedding}, but no nn.Embedding [V = ${config.D}, E = ${target.embedding}] was found (a .weight matrix without .bias whose columns match ${m.rnn}weight_ih_l0's)`);
    put('W_emb', [config.D, target.embedding], take(`${m.embedding.prefix}weight`, [config.D, target.embedding], `V x E, V = ${config.D} tokens in the data, E = ${target.embedding} from model.embedding`));
  }
  if (m.output) {
    const why = `K x H, K = ${config.K} from the data, H = ${H}`;
    put('W_hy', [config.K, H], take(`${m.output.prefix}weight`, [config.K, H], why));
    put('b_y', [config.K], m.output.bias ? take(`${m.output.prefix}bias`, [config.K], 'K') : new Float64Array(config.K));
  } else {
    warnings.push(`no nn.Linear [K, H = ${H}] found: W_hy and b_y keep the spec's initialisation`);
  }
  const unused = [...sd.keys()].filter((k) => !used.has(k));
  if (unused.length) warnings.push(`keys not used: ${unused.slice(0, 8).join(', ')}${unused.length > 8 ? `, ... (${unused.length} in all)` : ''}`);
  return { params, model: m, warnings };
}
