/** Small random problems built directly (not through the spec loader), for property tests. */
import { initParams, makeCell, Rng, type ModelConfig, type Problem, type Target, type BpttConfig } from '../../../src/engine';

export interface RandomOptions extends Partial<ModelConfig> {
  T?: number;
  seed?: number;
  bptt?: BpttConfig;
  /** Probability that a step has no target. */
  nullRate?: number;
  /** Class targets (cross-entropy) or distributions. */
  soft?: boolean;
  /** Weight scale (normal). */
  scale?: number;
}

export function randomProblem(o: RandomOptions = {}): Problem {
  const rng = new Rng(o.seed ?? 1);
  const config: ModelConfig = {
    cell: o.cell ?? 'rnn',
    D: o.D ?? 3,
    H: o.H ?? 4,
    K: o.K ?? 3,
    activation: o.activation ?? 'tanh',
    variant: o.variant ?? 'classic',
    peephole: o.peephole ?? false,
    coupled: o.coupled ?? false,
    output: o.output ?? 'softmax',
    loss: o.loss ?? 'cross-entropy',
    reduction: o.reduction ?? 'sum',
    ...(o.custom ? { custom: o.custom } : {}),
    ...(o.layers ? { layers: o.layers } : {}),
    ...(o.embedding ? { embedding: o.embedding } : {}),
  };
  const T = o.T ?? 6;
  const params = initParams(config, { seed: (o.seed ?? 1) + 7, scheme: 'normal', scale: o.scale ?? 0.6, forgetBias: 0 });
  // Biases too: a zero bias would hide mistakes in their gradients.
  for (const [name, t] of Object.entries(params)) if (name.startsWith('b_') || name.startsWith('w_c')) t.data.forEach((_, i) => (t.data[i] = rng.normal() * 0.5));
  const inputs = Array.from({ length: T }, () => Float64Array.from({ length: config.D }, () => rng.normal()));
  const targets: (Target | null)[] = Array.from({ length: T }, (_, t) => {
    if (t < T - 1 && rng.next() < (o.nullRate ?? 0)) return null;
    if (config.loss === 'cross-entropy') {
      if (!o.soft) return { kind: 'class', index: rng.int(config.K) };
      const v = Float64Array.from({ length: config.K }, () => rng.next() + 0.05);
      const s = v.reduce((a, b) => a + b, 0);
      return { kind: 'vector', values: v.map((x) => x / s) };
    }
    return { kind: 'vector', values: Float64Array.from({ length: config.K }, () => rng.normal() * 0.7) };
  });
  // Every state of the cell in its order (h, then lstm c), each from the same stream.
  const s0 = Object.fromEntries(makeCell(config).info.states.map((s) => [s, Float64Array.from({ length: config.H }, () => rng.normal() * 0.3)]));
  return {
    name: 'random',
    config,
    bptt: o.bptt ?? { truncate: 'none', k: 5 },
    train: { optimizer: 'adam', lr: 0.01, epochs: 1, clip: null, batch: 1, seed: 1 },
    params,
    s0,
    sequence: { inputs, targets },
    vocab: null,
    corpus: null,
  };
}

/** Every form of the built-in cells: each rnn activation, the lstm with and without peepholes and coupling, both grus. */
export const BUILTIN_FORMS: readonly Partial<ModelConfig>[] = [
  { cell: 'rnn', activation: 'tanh' },
  { cell: 'rnn', activation: 'sigmoid' },
  { cell: 'rnn', activation: 'relu' },
  { cell: 'rnn', activation: 'identity' },
  { cell: 'lstm' },
  { cell: 'lstm', peephole: true },
  { cell: 'lstm', coupled: true },
  { cell: 'lstm', peephole: true, coupled: true },
  { cell: 'gru', variant: 'classic' },
  { cell: 'gru', variant: 'pytorch' },
];
