/**
 * Each cell's PyTorch form (CellInfo.pytorch): which torch.nn module computes it, and where our
 * parameters sit in its weights. The mapping and the export ask the cell; here the forms are held
 * against the cells' own parameters and against PyTorch files (scripts/torch_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellInfo, type ModelConfig } from '../../src/engine';
import { cellForTorch } from '../../src/engine/cells';
import { readPt, torchToParams } from '../../src/engine/pytorch';

const DIR = join(__dirname, '..', 'fixtures', 'torch');
const base: ModelConfig = { cell: 'rnn', D: 3, H: 2, K: 3, activation: 'tanh', variant: 'classic', peephole: false, coupled: false, output: 'softmax', loss: 'cross-entropy', reduction: 'sum' };

describe('the cells\' PyTorch forms', () => {
  const withModule: [string, Partial<ModelConfig>, string, number][] = [
    ['rnn tanh', { cell: 'rnn', activation: 'tanh' }, 'RNN', 1],
    ['rnn relu', { cell: 'rnn', activation: 'relu' }, 'RNN', 1],
    ['lstm', { cell: 'lstm' }, 'LSTM', 4],
    ['gru pytorch', { cell: 'gru', variant: 'pytorch' }, 'GRU', 3],
  ];
  it.each(withModule)('%s: nn.%s, its blocks name every parameter of the cell exactly once', (_, settings, module, blocks) => {
    const info = cellInfo({ ...base, ...settings });
    expect(info.pytorch.module).toBe(module);
    expect(info.pytorch.blocks).toHaveLength(blocks);
    const named = [...info.pytorch.blocks.flat(), ...(info.pytorch.hiddenBias ? [info.pytorch.hiddenBias.name] : [])];
    expect([...named].sort()).toEqual(Object.keys(info.shapes).sort());
    // Each block: an [H, D] input matrix, an [H, H] recurrent one (among the cell's recurrent matrices), a bias [H].
    for (const [x, h, b] of info.pytorch.blocks) {
      expect(info.symbols[x]).toEqual(['H', 'D']);
      expect(info.symbols[h]).toEqual(['H', 'H']);
      expect(info.recurrent).toContain(h);
      expect(info.symbols[b]).toEqual(['H']);
    }
    expect(cellForTorch(module as 'RNN').settings.cell).toBe(settings.cell);
  });

  it.each([
    ['rnn sigmoid', { cell: 'rnn', activation: 'sigmoid' }, 'nn.RNN has only tanh and relu'],
    ['lstm peephole', { cell: 'lstm', peephole: true }, 'nn.LSTM has no peepholes; set model.peephole: false'],
    ['lstm coupled', { cell: 'lstm', coupled: true }, 'set model.coupled: false'],
    ['gru classic', { cell: 'gru', variant: 'classic' }, 'set model.variant: pytorch'],
  ] as [string, Partial<ModelConfig>, string][])('%s: no module, and why', (_, settings, why) => {
    const info = cellInfo({ ...base, ...settings });
    expect(info.pytorch.module).toBeNull();
    expect(info.pytorch.why).toContain(why);
  });

  it('a stack\'s layers share the form of their cell', () => {
    expect(cellInfo({ ...base, cell: 'lstm', layers: 3 }).pytorch.module).toBe('LSTM');
  });
});

describe('loading a file asks the cell', () => {
  const sd = (name: string) => readPt(new Uint8Array(readFileSync(join(DIR, name))));
  const target = (config: Partial<ModelConfig>) => ({ config: { ...base, D: 8, H: 3, K: 8, ...config }, layers: 1, embedding: null });
  it('an nn.RNN file into an rnn with a sigmoid: refused with the reason (the module computes tanh)', () => {
    expect(() => torchToParams(sd('rnn_l1.pt'), target({ cell: 'rnn', activation: 'sigmoid' }))).toThrow('nn.RNN has only tanh and relu nonlinearities, not sigmoid to load it');
  });
  it('an nn.GRU file into the classic gru: says to set variant: pytorch; into an lstm: names both', () => {
    expect(() => torchToParams(sd('gru_l1.pt'), target({ cell: 'gru', variant: 'classic' }))).toThrow('set model.variant: pytorch to load it');
    expect(() => torchToParams(sd('gru_l1.pt'), target({ cell: 'lstm' }))).toThrow("the file holds an nn.GRU (rnn.weight_hh_l0 has 3H rows), but the spec's model.cell is lstm (nn.LSTM)");
  });
});
