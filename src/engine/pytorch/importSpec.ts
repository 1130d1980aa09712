/** `BPTT: Import PyTorch Weights…`: a new spec whose model is inferred from a state_dict; the user adds the data. */
import { cellForTorch } from '../cells';
import { findTorchModel, type TorchPrefixes } from './find';
import type { StateDict } from './tensor';

/** The spec's text for a state_dict read from `file` (a path relative to where the spec will be written). */
export function specFromStateDict(sd: StateDict, file: string, name: string, prefixes: TorchPrefixes = {}): string {
  const m = findTorchModel(sd, prefixes);
  const V = m.embedding ? m.embedding.V : m.D;
  const parts = [
    `nn.${m.module}(${m.D}, ${m.H}${m.layers > 1 ? `, num_layers=${m.layers}` : ''}${m.bias ? '' : ', bias=False'})`,
    m.embedding ? `nn.Embedding(${m.embedding.V}, ${m.embedding.E})` : '',
    m.output ? `nn.Linear(${m.H}, ${m.output.K})` : '',
  ].filter(Boolean);
  const prefix = (p: string) => JSON.stringify(p.replace(/\.$/, ''));
  const lines = [
    `# Imported from ${file} by BPTT Stepper: ${parts.join(', ')}.`,
    `# Add the data: the model reads ${V} ${m.embedding ? 'tokens' : 'inputs'} and writes ${m.output ? m.output.K : 'K'} outputs.`,
    `name: ${JSON.stringify(name)}`,
    'model:',
  ];
  // Our cell that computes the module, as the cells say (nn.GRU: the gru in its pytorch variant).
  const { settings, notes } = cellForTorch(m.module);
  lines.push(`  cell: ${settings.cell}`, `  hidden: ${m.H}`);
  for (const [key, value] of Object.entries(settings)) {
    const note = notes[key as keyof typeof notes];
    if (key !== 'cell') lines.push(`  ${`${key}: ${String(value)}`.padEnd(22)}${note ? ` # ${note}` : ''}`);
  }
  if (m.layers > 1) lines.push(`  layers: ${m.layers}`);
  if (m.embedding) lines.push(`  embedding: ${m.embedding.E}`);
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
