/** Finding an nn.RNN / nn.LSTM / nn.GRU, an nn.Embedding and an nn.Linear in a state_dict by keys and shapes. */
import { fail } from './errors';
import type { RawTensor, StateDict } from './tensor';

/** init.pytorch: the module prefixes that settle an ambiguity ("rnn" or "rnn." for keys rnn.weight_ih_l0). */
export interface TorchPrefixes {
  rnn?: string;
  embedding?: string;
  output?: string;
}

/** What a state_dict holds, as far as a recurrent model goes. */
export interface TorchModel {
  /** The torch.nn class, told by weight_hh_l0's row blocks: H rows nn.RNN, 3H nn.GRU, 4H nn.LSTM. */
  module: 'RNN' | 'LSTM' | 'GRU';
  /** Row blocks (gates) per weight: 1, 3 or 4. */
  blocks: number;
  /** Key prefix of the recurrent module, with its dot ('' for a bare nn.LSTM). */
  rnn: string;
  H: number;
  /** Input size of the first layer (E with an embedding, else the one-hot width). */
  D: number;
  layers: number;
  bias: boolean;
  embedding: { prefix: string; V: number; E: number } | null;
  output: { prefix: string; K: number; bias: boolean } | null;
}

export const shapeText = (s: number[]): string => `[${s.join(', ')}]`;
const dot = (p: string | undefined): string | undefined => (p === undefined ? undefined : p === '' || p.endsWith('.') ? p : `${p}.`);
const show = (p: string): string => (p === '' ? '(no prefix)' : JSON.stringify(p.slice(0, -1)));

/** Finds the recurrent module, the embedding and the output layer; fails naming the keys when it cannot decide. */
export function findTorchModel(sd: StateDict, prefixes: TorchPrefixes = {}): TorchModel {
  const rnn = findRnn(sd, dot(prefixes.rnn));
  const w0 = sd.get(`${rnn}weight_ih_l0`) as RawTensor;
  const hh0 = sd.get(`${rnn}weight_hh_l0`);
  if (!hh0 || hh0.shape.length !== 2 || w0.shape.length !== 2) return fail(`${rnn}weight_ih_l0 and ${rnn}weight_hh_l0 should both be matrices`);
  const H = hh0.shape[1];
  const gates = H > 0 ? hh0.shape[0] / H : 0;
  const module = gates === 1 ? 'RNN' : gates === 3 ? 'GRU' : gates === 4 ? 'LSTM' : fail(`${rnn}weight_hh_l0 has shape ${shapeText(hh0.shape)}: not H, 3H (GRU) or 4H (LSTM) rows for H = ${H} columns`);
  let layers = 0;
  while (sd.has(`${rnn}weight_ih_l${layers}`)) layers++;
  const bias = sd.has(`${rnn}bias_ih_l0`);
  const D = w0.shape[1];

  const matrices = [...sd.entries()].filter(([k, t]) => k.endsWith('.weight') && t.shape.length === 2 && !k.startsWith(rnn || '\u0000')).map(([k]) => k.slice(0, -'weight'.length));
  const pick = (given: string | undefined, what: string, fits: (p: string) => boolean): string[] => {
    if (given === undefined) return matrices.filter(fits);
    if (!sd.has(`${given}weight`)) fail(`init.pytorch.${what}: there is no key ${given}weight in the file`);
    return [given];
  };
  const outs = pick(dot(prefixes.output), 'output', (p) => (sd.get(`${p}weight`) as RawTensor).shape[1] === H);
  const embs = pick(dot(prefixes.embedding), 'embedding', (p) => (sd.get(`${p}weight`) as RawTensor).shape[1] === D && !sd.has(`${p}bias`));
  // A matrix that can only be the embedding is not the output, and the other way round.
  let out = outs.length > 1 && embs.length === 1 ? outs.filter((p) => p !== embs[0]) : outs;
  let emb = embs.length > 1 && out.length === 1 ? embs.filter((p) => p !== out[0]) : embs;
  if (out.length === 1 && emb.length === 1 && out[0] === emb[0]) {
    if (prefixes.output === undefined && prefixes.embedding !== undefined) out = [];
    else if (prefixes.embedding === undefined && (prefixes.output !== undefined || sd.has(`${out[0]}bias`))) emb = [];
    else fail(`${out[0]}weight ${shapeText((sd.get(`${out[0]}weight`) as RawTensor).shape)} could be the embedding or the output layer; say which with init.pytorch: { embedding: ..., output: ... }`);
  }
  if (out.length > 1) fail(`several matrices could be the output layer [K, H = ${H}]: ${out.map((p) => `${p}weight`).join(', ')}; choose one with init.pytorch.output`);
  if (emb.length > 1) fail(`several matrices could be the embedding [V, E = ${D}]: ${emb.map((p) => `${p}weight`).join(', ')}; choose one with init.pytorch.embedding`);
  const o = out[0];
  const e = emb[0];
  return {
    module,
    blocks: gates,
    rnn,
    H,
    D,
    layers,
    bias,
    embedding: e === undefined ? null : { prefix: e, V: (sd.get(`${e}weight`) as RawTensor).shape[0], E: D },
    output: o === undefined ? null : { prefix: o, K: (sd.get(`${o}weight`) as RawTensor).shape[0], bias: sd.has(`${o}bias`) },
  };
}

function findRnn(sd: StateDict, given: string | undefined): string {
  const found = new Set<string>();
  for (const k of sd.keys()) {
    const m = /^(.*)weight_ih_l(\d+)(_reverse)?$/.exec(k);
    if (m) found.add(m[1]);
  }
  if (given !== undefined) {
    if (!found.has(given)) fail(`init.pytorch.rnn: there is no key ${given}weight_ih_l0 in the file${found.size ? `; recurrent modules found: ${[...found].map(show).join(', ')}` : ''}`);
    found.clear();
    found.add(given);
  }
  if (found.size === 0) fail('no nn.RNN, nn.LSTM or nn.GRU found: no key ends in weight_ih_l0');
  if (found.size > 1) fail(`several recurrent modules: ${[...found].map(show).join(', ')}; choose one with init.pytorch.rnn`);
  const p = [...found][0];
  if (!sd.has(`${p}weight_ih_l0`)) fail(`${p}weight_ih_l1 without ${p}weight_ih_l0`);
  if ([...sd.keys()].some((k) => k.startsWith(p) && /_reverse$/.test(k)))
    fail(`${p}weight_ih_l0_reverse: the module is bidirectional; a bidirectional network does not run forward in time, so BPTT Stepper cannot step it`);
  if ([...sd.keys()].some((k) => k.startsWith(p) && /^weight_hr_l\d+$/.test(k.slice(p.length))))
    fail(`${p}weight_hr_l0: the LSTM has proj_size (a projected hidden state), which BPTT Stepper's LSTM does not model`);
  return p;
}
