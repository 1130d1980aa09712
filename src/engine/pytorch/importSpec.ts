/** `BPTT: Import PyTorch Weights…`: a new spec whose model is inferred from a state_dict; the user adds the data. */
import { findTorchModel, type TorchPrefixes } from './find';
import type { StateDict } from './tensor';

const MODULE = { rnn: 'nn.RNN', lstm: 'nn.LSTM', gru: 'nn.GRU' } as const;

/** The spec's text for a state_dict read from `file` (a path relative to where the spec will be written). */
export function specFromStateDict(sd: StateDict, file: string, name: string, prefixes: TorchPrefixes = {}): string {
  const m = findTorchModel(sd, prefixes);
  const V = m.embedding ? m.embedding.V : m.D;
  const parts = [
    `${MODULE[m.cell]}(${m.D}, ${m.H}${m.layers > 1 ? `, num_layers=${m.layers}` : ''}${m.bias ? '' : ', bias=False'})`,
    m.embedding ? `nn.Embedding(${m.embedding.V}, ${m.embedding.E})` : '',
    m.output ? `nn.Linear(${m.H}, ${m.output.K})` : '',
  ].filter(Boolean);
  const prefix = (p: string) => JSON.stringify(p.replace(/\.$/, ''));
  const lines = [
    `# Imported from ${file} by BPTT Stepper: ${parts.join(', ')}.`,
    `# Add the data: the model reads ${V} ${m.embedding ? 'tokens' : 'inputs'} and writes ${m.output ? m.output.K : 'K'} outputs.`,
    `name: ${JSON.stringify(name)}`,
    'model:',
    `  cell: ${m.cell}`,
    `  hidden: ${m.H}`,
  ];
  if (m.cell === 'gru') lines.push('  variant: pytorch        # nn.GRU: n = tanh(W_xn x + b_n + r (W_hn h + b_hn)), h = (1 - z) n + z h_prev');
  if (m.layers > 1) lines.push(`  layers: ${m.layers}`);
  if (m.embedding) lines.push(`  embedding: ${m.embedding.E}`);
  if (m.cell === 'rnn') lines.push('  activation: tanh         # nn.RNN nonlinearity: tanh or relu (the file does not say)');
  lines.push(
    'data:',
    m.embedding || m.output?.K === V
      ? `  # ${V} tokens in index order, e.g. text: ... with vocab: [${V} tokens], or tokens: [...] with vocab`
      : `  # inputs: [[${m.D} numbers], ...] and targets: [...] (${m.output ? m.output.K : 'K'} classes or numbers each)`,
    '  text: replace me with your data',
    'init:',
    `  weights_file: ${JSON.stringify(file)}`,
    `  pytorch: { rnn: ${prefix(m.rnn)}${m.embedding ? `, embedding: ${prefix(m.embedding.prefix)}` : ''}${m.output ? `, output: ${prefix(m.output.prefix)}` : ''} }`,
    '',
  );
  return lines.join('\n');
}
