/**
 * Every shipped example loads without errors, traces, and its BPTT gradients agree with central
 * finite differences (gradcheck) to a relative error of 1e-7 for every parameter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradcheck, runTrace } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';

const DIR = join(__dirname, '..', '..', 'examples');
const files = readdirSync(DIR)
  .filter((f) => /\.rnn\.(ya?ml|json)$/.test(f))
  .sort();

function load(file: string) {
  const text = readFileSync(join(DIR, file), 'utf8');
  return loadSpec(text, {
    file,
    format: file.endsWith('.json') ? 'json' : 'yaml',
    readFile: (rel) => readFileSync(join(DIR, rel), 'utf8'),
  });
}

describe('examples', () => {
  it('ships the examples from the notes', () => {
    for (const name of [
      'hello',
      'scalar-rnn',
      'single-neuron',
      'linear-rnn-rho-0.5',
      'linear-rnn-rho-1.5',
      'deep-autocomplete',
      'polarity-many-to-one',
      'pos-tagging',
      'lstm',
      'lstm-peephole',
      'lstm-coupled',
      'gru',
      'gru-pytorch',
      'truncated-chunks',
      'truncated-window',
      'long-dependency-rnn',
      'long-dependency-lstm',
      // custom cells: equations in the spec
      'indrnn',
      'mgu',
      'minimalrnn',
      'gru-equations',
      'lstm-equations',
    ])
      expect(files).toContain(`${name}.rnn.yaml`);
  });

  for (const file of files) {
    describe(file, () => {
      it('loads with no error diagnostics, small enough to step', () => {
        const { problem, diagnostics } = load(file);
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(problem).not.toBeNull();
        expect(problem!.config.H).toBeLessThanOrEqual(8);
        // The long-dependency pair needs distance to show vanishing gradients: T <= 40 for those two.
        expect(problem!.sequence.inputs.length).toBeLessThanOrEqual(file.startsWith('long-dependency-') ? 40 : 12);
        const trace = runTrace(problem!);
        expect(Number.isFinite(trace.loss)).toBe(true);
      });

      it('gradcheck: max relative error <= 1e-7 for every parameter', () => {
        const { problem } = load(file);
        const results = gradcheck(problem!);
        const names = Object.keys(problem!.params).sort();
        expect(results.map((r) => r.name).sort()).toEqual(names);
        for (const r of results) {
          expect(r.checked, r.name).toBeGreaterThan(0);
          if (!(r.maxRelError <= 1e-7))
            expect.fail(`${r.name}[${r.index.join(',')}]: analytic ${r.analytic}, numeric ${r.numeric}, relative error ${r.maxRelError}`);
        }
      });
    });
  }
});
