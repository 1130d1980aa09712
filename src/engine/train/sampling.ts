/**
 * Sampling text from a trained char or token model: feed the priming tokens, then repeatedly draw
 * the next token from softmax(z / temperature) and feed it back. Temperature 0 is greedy (argmax).
 */
import type { Params, Problem, Sequence } from '../types';
import { makeCell, unroll, type CellState } from '../cells';
import { output } from '../bptt';
import { Rng } from '../rng';

export interface SampleOptions {
  /** Tokens to start from (a string for a char model; for a token model, tokens separated by spaces). Default: the data's first token. */
  prime?: string;
  /** Tokens to generate after the prime. */
  length: number;
  /** 0 = greedy argmax; 1 = the model's distribution; higher = flatter. */
  temperature: number;
  seed: number;
}

/** The prime followed by `length` generated tokens (joined by '' for a char model, ' ' for tokens). */
export function sample(problem: Problem, params: Params, opts: SampleOptions): string {
  const vocab = problem.vocab;
  if (!vocab || problem.config.output !== 'softmax')
    throw new Error('sampling needs a char or token model (data.text, data.tokens or data.file) with a softmax output');
  if (!(opts.temperature >= 0) || !Number.isFinite(opts.temperature)) throw new Error(`temperature must be a number >= 0, found ${opts.temperature}`);
  if (!Number.isInteger(opts.length) || opts.length < 0) throw new Error(`length must be an integer >= 0, found ${opts.length}`);
  const index = new Map(vocab.vocab.map((t, i) => [t, i]));
  const primeTokens = opts.prime === undefined || opts.prime === '' ? [firstToken(problem)] : vocab.chars ? Array.from(opts.prime) : opts.prime.split(/\s+/).filter(Boolean);
  const ids = primeTokens.map((t) => {
    const id = index.get(t);
    if (id === undefined) throw new Error(`the prime's token ${JSON.stringify(t)} is not in the vocabulary (${vocab.vocab.map((v) => JSON.stringify(v)).join(', ')})`);
    return id;
  });
  const { config } = problem;
  const cell = makeCell(config);
  const rng = new Rng(opts.seed);
  let state: CellState = problem.s0;
  let z: Float64Array = new Float64Array(config.K);
  const feed = (id: number): void => {
    const x = new Float64Array(config.D);
    x[id] = 1;
    const seq: Sequence = { inputs: [x], targets: [null] };
    state = unroll(cell, params, seq.inputs, state, (cache) => void (z = output(config, params, seq, 1, cache).z));
  };
  for (const id of ids) feed(id);
  const out = primeTokens.slice();
  for (let n = 0; n < opts.length; n++) {
    const id = draw(z, opts.temperature, rng);
    out.push(vocab.vocab[id]);
    feed(id);
  }
  return out.join(vocab.chars ? '' : ' ');
}

function firstToken(problem: Problem): string {
  const label = problem.sequence.inputLabels?.[0];
  return label ?? (problem.vocab as { vocab: string[] }).vocab[0];
}

/** argmax z (temperature 0; the first on ties), else a draw from softmax(z / temperature). */
export function draw(z: Float64Array, temperature: number, rng: Rng): number {
  let best = 0;
  for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
  if (temperature === 0) return best;
  const w = new Float64Array(z.length);
  let s = 0;
  for (let k = 0; k < z.length; k++) s += w[k] = Math.exp((z[k] - z[best]) / temperature);
  let u = rng.next() * s;
  for (let k = 0; k < z.length; k++) if ((u -= w[k]) < 0) return k;
  return z.length - 1;
}
