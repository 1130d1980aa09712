/** data: -> the traced Sequence, its vocabulary, a corpus for training, and the sizes D and K. */
import type { LossKind, Sequence, Target, VocabInfo } from '../types';
import { LIMITS, has } from './context';
import type { Ctx, Obj } from './context';
import { sci } from './describe';
import { resolveVectors } from './vectors';

export interface DataResult {
  sequence: Sequence;
  vocab: VocabInfo | null;
  corpus: { indices: Int32Array; seq: number } | null;
  D: number;
  K: number;
}

export interface DataContext {
  ctx: Ctx;
  loss: LossKind;
  /** model.inputs and model.outputs when given. */
  inputs?: number;
  outputs?: number;
  /** K as init.weights gives it (the rows of W_hy, else the length of b_y), when it does. */
  weightsK?: { K: number; from: string };
  readFile?: (relPath: string) => string;
}

const SOURCES = ['text', 'tokens', 'inputs', 'file'] as const;

export function resolveData(data: Obj, dc: DataContext): DataResult | null {
  const { ctx } = dc;
  const given = SOURCES.filter((s) => has(data, s));
  if (given.length === 0) {
    ctx.error(['data'], 'give the sequence as one of text, tokens, inputs (with targets) or file (with seq)', 'key');
    return null;
  }
  if (given.length > 1) {
    ctx.error(['data', given[1]], `give only one of text, tokens, inputs or file; found both '${given[0]}' and '${given[1]}'`, 'key');
    return null;
  }
  const source = given[0];
  if (has(data, 'targets') && source !== 'inputs')
    ctx.error(['data', 'targets'], `goes with data.inputs; with data.${source} the targets are the next tokens`, 'key');
  if (has(data, 'seq') && source !== 'file') ctx.error(['data', 'seq'], 'only applies with data.file (training on a text file)', 'key');
  if (source === 'inputs') return resolveVectors(data, dc);
  if (source === 'file') return resolveFile(data, dc);
  const tokens = source === 'text' ? Array.from(data.text as string) : (data.tokens as string[]);
  if (tokens.length < 2) {
    ctx.error(['data', source], `needs at least 2 ${source === 'text' ? 'characters' : 'tokens'} (an input and the next one as its target), found ${tokens.length}`);
    return null;
  }
  const vocab = vocabulary(data, tokens, source === 'text', dc);
  if (!vocab) return null;
  const index = new Map(vocab.map((t, i) => [t, i]));
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = index.get(tokens[i]);
    if (id === undefined) {
      if (source === 'text') ctx.error(['data', 'text'], `character '${tokens[i]}' (at position ${i + 1}) is not in data.vocab`);
      else ctx.error(['data', 'tokens', i], `token '${tokens[i]}' is not in data.vocab`);
      return null;
    }
    ids[i] = id;
  }
  if (!sizesFit(['data', source], tokens.length - 1, vocab.length, dc)) return null;
  return { ...charSequence(ids, vocab), vocab: { vocab, chars: source === 'text' }, corpus: null, D: vocab.length, K: vocab.length };
}

function resolveFile(data: Obj, dc: DataContext): DataResult | null {
  const { ctx } = dc;
  const file = data.file as string;
  if (!has(data, 'seq')) {
    ctx.error(['data'], "missing required field 'seq' (the sequence length when training on data.file)", 'key');
    return null;
  }
  const seq = data.seq as number;
  let text: string;
  if (!dc.readFile) {
    ctx.error(['data', 'file'], `cannot read '${file}': files cannot be read here`);
    return null;
  }
  try {
    text = dc.readFile(file);
    if (typeof text !== 'string') throw new Error('the reader returned no text');
  } catch (e) {
    ctx.error(['data', 'file'], `cannot read '${file}': ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  if (text.length > LIMITS.corpus) {
    ctx.error(['data', 'file'], `'${file}' has ${sci(text.length)} characters; the limit is ${sci(LIMITS.corpus)}`);
    return null;
  }
  // One pass over the code points (no array of T strings): the vocabulary, then the indices.
  let n = 0;
  const firstSeen: string[] = [];
  const seenChars = new Set<string>();
  for (const ch of text) {
    n++;
    if (!seenChars.has(ch) && seenChars.size <= LIMITS.dim) {
      seenChars.add(ch);
      firstSeen.push(ch);
    }
  }
  if (n < seq + 1) {
    ctx.error(['data', 'seq'], `${seq} steps need at least ${seq + 1} characters in '${file}', which has ${n}`);
    return null;
  }
  const vocab = vocabulary(data, firstSeen, true, dc, ['data', 'file']);
  if (!vocab) return null;
  const index = new Map(vocab.map((t, i) => [t, i]));
  const indices = new Int32Array(n);
  let i = 0;
  for (const ch of text) {
    const id = index.get(ch);
    if (id === undefined) {
      ctx.error(['data', 'file'], `character ${JSON.stringify(ch)} (at position ${i + 1} of '${file}') is not in data.vocab`);
      return null;
    }
    indices[i++] = id;
  }
  if (!sizesFit(['data', 'seq'], seq, vocab.length, dc)) return null;
  const traced = charSequence(indices.subarray(0, seq + 1), vocab);
  return { ...traced, vocab: { vocab, chars: true }, corpus: { indices, seq }, D: vocab.length, K: vocab.length };
}

/** data.vocab (checked) or the tokens in order of first appearance. */
function vocabulary(data: Obj, tokens: string[], chars: boolean, dc: DataContext, at: (string | number)[] = []): string[] | null {
  const { ctx } = dc;
  if (has(data, 'vocab')) {
    const vocab = data.vocab as string[];
    const seen = new Set<string>();
    for (let i = 0; i < vocab.length; i++) {
      if (chars && Array.from(vocab[i]).length !== 1) {
        ctx.error(['data', 'vocab', i], `'${vocab[i]}' is not a single character; the vocabulary of a text is its characters`);
        return null;
      }
      if (seen.has(vocab[i])) {
        ctx.error(['data', 'vocab', i], `'${vocab[i]}' appears twice in the vocabulary`);
        return null;
      }
      seen.add(vocab[i]);
    }
    return checkVocabSize(vocab, ['data', 'vocab'], dc);
  }
  const seen = new Set<string>();
  const vocab: string[] = [];
  for (const t of tokens) {
    if (seen.has(t)) continue;
    seen.add(t);
    vocab.push(t);
    if (vocab.length > LIMITS.dim) break;
  }
  return checkVocabSize(vocab, at.length > 0 ? at : ['data', chars ? 'text' : 'tokens'], dc);
}

function checkVocabSize(vocab: string[], path: (string | number)[], dc: DataContext): string[] | null {
  if (vocab.length > LIMITS.dim) {
    dc.ctx.error(path, `a vocabulary of more than ${LIMITS.dim} tokens is beyond the limit of ${LIMITS.dim} inputs and outputs`);
    return null;
  }
  if (dc.inputs !== undefined && dc.inputs !== vocab.length) {
    dc.ctx.error(['model', 'inputs'], `is ${dc.inputs}, but the vocabulary has ${vocab.length} tokens (${showVocab(vocab)}), so D = ${vocab.length}`);
    return null;
  }
  if (dc.outputs !== undefined && dc.outputs !== vocab.length) {
    dc.ctx.error(['model', 'outputs'], `is ${dc.outputs}, but the vocabulary has ${vocab.length} tokens (${showVocab(vocab)}), so K = ${vocab.length}`);
    return null;
  }
  return vocab;
}

function showVocab(vocab: string[]): string {
  const shown = vocab.slice(0, 8).map((t) => JSON.stringify(t));
  return shown.join(', ') + (vocab.length > 8 ? ', ...' : '');
}

/** T steps of one-hot D-vectors: within the limit? */
export function sizesFit(path: (string | number)[], T: number, D: number, dc: DataContext): boolean {
  if (T * D > LIMITS.cells) {
    dc.ctx.error(path, `${T} steps of ${D}-dimensional vectors make ${sci(T * D)} numbers; the limit is ${sci(LIMITS.cells)}`);
    return false;
  }
  return true;
}

/**
 * One-hot inputs ids[0..n-2], class targets ids[1..n-1], labelled by the tokens. The steps share
 * one vector and one target per token (read-only), so a long text costs pointers, not T vectors.
 */
function charSequence(ids: Int32Array, vocab: string[]): { sequence: Sequence } {
  const T = ids.length - 1;
  const hot = vocab.map((_, v) => {
    const x = new Float64Array(vocab.length);
    x[v] = 1;
    return x;
  });
  const classes: Target[] = vocab.map((_, v) => ({ kind: 'class', index: v }));
  const inputs: Float64Array[] = new Array(T);
  const targets: Target[] = new Array(T);
  const inputLabels: string[] = new Array(T);
  const targetLabels: string[] = new Array(T);
  for (let t = 0; t < T; t++) {
    inputs[t] = hot[ids[t]];
    targets[t] = classes[ids[t + 1]];
    inputLabels[t] = vocab[ids[t]];
    targetLabels[t] = vocab[ids[t + 1]];
  }
  return { sequence: { inputs, targets, inputLabels, targetLabels } };
}
