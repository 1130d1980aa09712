/** Property tests: whatever the text, loadSpec returns a problem or positioned errors, and never throws. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';

const DIR = join(__dirname, '..', '..', 'examples');
const YAMLS = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => readFileSync(join(DIR, f), 'utf8'));
const JSONS = [
  '{\n  // hello\n  "model": {"cell": "rnn", "hidden": 3},\n  "data": {"text": "hello", "vocab": ["h", "e", "l", "o"]},\n  "init": {"weights": {"b_h": [0, 0, 0]}},\n}\n',
     '{"model": {"cell": "lstm", "hidden": 2, "peephole": true}, "loss": "mse", "data": {"inputs": [1, 2], "targets": [null, 0.5]}, "bptt": {"truncate": "window", "k": 2}}',
];

function check(text: string, format: 'yaml' | 'json'): void {
  const r = loadSpec(text, { format, readFile: () => 'some corpus text' });
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  expect(r.problem === null).toBe(errs.length > 0);
  const lines = text.split(/\r\n|\r|\n/).length; // the loader counts CR-only line ends too
  for (const d of r.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/internal error|undefined|\[object Object\]/);
  }
}

const mutation = (base: string) =>
  fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('del' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ op: fc.constant('ins' as const), at: fc.nat(), s: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(':', '-', '[', ']', '{', '}', ',', '"', '\n', '  ', '&a', '*a', '#', '.inf', '1e999', 'null', '9999999')) }),
      fc.record({ op: fc.constant('swap' as const), at: fc.nat(), n: fc.nat() }),
      fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
    ),
    { maxLength: 4 },
  ).map((ops) => {
    let s = base;
    for (const o of ops) {
      const at = s.length === 0 ? 0 : o.at % (s.length + 1);
      if (o.op === 'del') s = s.slice(0, at) + s.slice(at + o.n);
      else if (o.op === 'ins') s = s.slice(0, at) + o.s + s.slice(at);
      else if (o.op === 'cut') s = s.slice(0, at);
      else {
        const ls = s.split('\n');
        const i = at % ls.length;
        const j = o.n % ls.length;
        [ls[i], ls[j]] = [ls[j], ls[i]];
        s = ls.join('\n');
      }
    }
    return s;
  });

describe('spec fuzz', () => {
  it('mutated YAML examples', () => {
    fc.assert(fc.property(fc.constantFrom(...YAMLS).chain(mutation), (t) => check(t, 'yaml')), { numRuns: 400 });
  });

  it('mutated JSON specs', () => {
    fc.assert(fc.property(fc.constantFrom(...JSONS).chain(mutation), (t) => check(t, 'json')), { numRuns: 400 });
  });

  it('random strings', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => String.fromCharCode(...b)));
    fc.assert(fc.property(text, fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), check), { numRuns: 400 });
  });

  it('deep nesting', () => {
    const shapes = [(n: number) => '['.repeat(n), (n: number) => '{"a":'.repeat(n), (n: number) => '- '.repeat(n) + '1', (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n'), (n: number) => 'a: ' + '['.repeat(n) + ']'.repeat(n)];
    fc.assert(fc.property(fc.constantFrom(...shapes), fc.integer({ min: 1, max: 3000 }), fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), (f, n, fmt) => check(f(n), fmt)), { numRuns: 40 });
    for (const f of shapes) for (const fmt of ['yaml', 'json'] as const) check(f(10000), fmt);
  }, 240_000); // ~10 s on a quiet machine, 88 s seen at load 16: a hang guard, not a speed figure

  it('random values of about the right shape, as YAML and as JSON', () => {
    const leaf = fc.oneof(fc.constantFrom('rnn', 'lstm', 'gru', 'hello', 'zeros', 'random', 'none', 'mse', 'softmax', 'W_hh', 'b_y'), fc.integer({ min: -3, max: 6 }), fc.double(), fc.boolean(), fc.constant(null));
    const val = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('cell', 'hidden', 'text', 'inputs', 'targets', 'weights', 'W_hh', 'h0', 'seed', 'k', 'truncate', 'clip', 'x'), tie('v'), { maxKeys: 4 })),
    })).v;
    const spec = fc.record(
      { name: val, model: fc.record({ cell: val, hidden: val, inputs: val, outputs: val, activation: val }, { requiredKeys: [] }), loss: val, data: fc.record({ text: val, inputs: val, targets: val, vocab: val, file: val, seq: val }, { requiredKeys: [] }), init: val, bptt: val, train: val },
      { requiredKeys: [] },
    );
    const anyValue = fc.oneof(spec, fc.anything(), fc.object());
    fc.assert(
      fc.property(anyValue, (v) => {
        let json: string | undefined;
        try {
          json = JSON.stringify(v, null, 2);
        } catch {
          json = undefined;
        }
        if (json !== undefined) check(json, 'json');
        let yaml: string | undefined;
        try {
          yaml = stringify(v);
        } catch {
          yaml = undefined;
        }
        if (yaml !== undefined) check(yaml, 'yaml');
      }),
      { numRuns: 400 },
    );
  });
});
