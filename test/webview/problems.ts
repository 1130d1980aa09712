/**
 * The problems the browser tests step through: examples/*.rnn.yaml through the engine's spec
 * loader. Until the loader exists (it is written alongside), equivalent problems built directly.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initParams, makeCell, zeroState, type ModelConfig, type Problem } from '../../src/engine';
import { randomProblem } from '../unit/helpers/randomProblem';

const root = join(__dirname, '..', '..');

type LoadSpec = (text: string, o: { file?: string; format?: 'yaml' | 'json'; readFile?: (rel: string) => string }) => { problem: Problem | null; diagnostics: { severity: string; message: string }[] };

async function specLoader(): Promise<LoadSpec | null> {
  try {
    // A variable path: the loader is being written alongside and may not exist yet.
    const path = '../../src/engine/spec';
    const mod = (await import(/* @vite-ignore */ path)) as { loadSpec?: LoadSpec };
    return mod.loadSpec ?? null;
  } catch {
    return null;
  }
}

/** A char model on `text` built without the loader: one-hot inputs text[0..n-2], targets text[1..n-1]. */
function charProblem(name: string, text: string, config: Omit<ModelConfig, 'D' | 'K'>, forgetBias = 0): Problem {
  const vocab = [...new Set(text)];
  const V = vocab.length;
  const full: ModelConfig = { ...config, D: V, K: V };
  const chars = [...text];
  const inputs = chars.slice(0, -1).map((c) => Float64Array.from(vocab, (v) => (v === c ? 1 : 0)));
  const targets = chars.slice(1).map((c) => ({ kind: 'class' as const, index: vocab.indexOf(c) }));
  return {
    name,
    config: full,
    bptt: { truncate: 'none', k: 5 },
    train: { optimizer: 'adam', lr: 0.05, epochs: 1, clip: null, batch: 1, seed: 1 },
    params: initParams(full, { seed: 42, scheme: 'xavier', scale: 0.1, forgetBias }),
    s0: zeroState(makeCell(full)),
    sequence: { inputs, targets, inputLabels: chars.slice(0, -1) },
    vocab: { vocab, chars: true },
    corpus: null,
  };
}

const base = { activation: 'tanh', variant: 'classic', peephole: false, coupled: false, output: 'softmax', loss: 'cross-entropy', reduction: 'sum' } as const;

const FALLBACK: Record<string, () => Problem> = {
  hello: () => charProblem('hello', 'hello', { ...base, cell: 'rnn', H: 3 }),
  lstm: () => charProblem('lstm', 'hello', { ...base, cell: 'lstm', H: 3 }, 1),
  'lstm-peephole': () => ({ ...randomProblem({ cell: 'lstm', peephole: true, T: 5, seed: 3 }), name: 'lstm-peephole' }),
  gru: () => ({ ...randomProblem({ cell: 'gru', T: 5, seed: 4 }), name: 'gru' }),
  'truncated-window': () => ({ ...charProblem('truncated-window', 'hello hello', { ...base, cell: 'rnn', H: 4 }), bptt: { truncate: 'window', k: 3 } }),
  'truncated-chunks': () => ({ ...charProblem('truncated-chunks', 'hello hello', { ...base, cell: 'rnn', H: 4 }), bptt: { truncate: 'chunks', k: 4 } }),
};

/** Where the problem came from, for the test log. */
export let source: 'spec loader' | 'built directly' = 'built directly';

/** examples/<name>.rnn.yaml as a Problem. */
export async function loadExample(name: string): Promise<Problem> {
  const loadSpec = await specLoader();
  const file = join(root, 'examples', `${name}.rnn.yaml`);
  if (loadSpec) {
    const { problem, diagnostics } = loadSpec(readFileSync(file, 'utf8'), { file, format: 'yaml', readFile: (rel) => readFileSync(join(dirname(file), rel), 'utf8') });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (!problem || errors.length) throw new Error(`${file}: ${errors.map((d) => d.message).join('; ')}`);
    source = 'spec loader';
    return problem;
  }
  const make = FALLBACK[name];
  if (!make) throw new Error(`no spec loader yet and no built-in stand-in for ${name}`);
  return make();
}
