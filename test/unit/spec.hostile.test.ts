/** Hostile specs through the loader, in-process: each is refused or loaded with a positioned message, within a generous time. */
import { describe, expect, it } from 'vitest';
import { loadSpec, loadSpecAsync } from '../../src/engine/spec';
import { MAX_ALIASES, MAX_SPEC_CHARS, MAX_SPEC_VALUES } from '../../src/engine/spec/source';
import { parseYaml } from '../../src/engine/spec/yaml';
import { MAX_FORMATTED, validate } from '../../src/engine/spec/validate';
import { PLAIN_TRACE_BYTES, plainTraceBytes, runTrace, type Problem } from '../../src/engine';
import { pseudoText } from './helpers/text';

const errorsOf = (text: string, file = 'x.rnn.yaml') => loadSpec(text, { file }).diagnostics.filter((d) => d.severity === 'error');
const ok = (text: string, file = 'x.rnn.yaml'): Problem => {
  const r = loadSpec(text, { file });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.problem as Problem;
};
/** A pseudo-random text of n characters over 27 letters (deterministic). */
const text = (n: number): string => pseudoText(n, 12345);

describe('sizes and counts, refused before parsing', () => {
  it('a 10 MB spec of comments: the spec-size cap, at 1:1', () => {
    const spec = '# comment\n'.repeat(1_000_000) + 'model: {cell: rnn, hidden: 2}\ndata: {text: hello}\n';
    const [d, ...rest] = errorsOf(spec);
    expect(rest).toEqual([]);
    expect([d.line, d.column]).toEqual([1, 1]);
    expect(d.message).toBe(`the spec has ${spec.length.toLocaleString('en-US')} characters, above the limit of ${MAX_SPEC_CHARS.toLocaleString('en-US')} (4 MiB); put long data in a file (data.file)`);
  }, 30_000);

  it('10,000 YAML aliases: refused at the first one past the limit', () => {
    const spec = 'model: {cell: rnn, hidden: 2}\ndata: {text: hello}\nx:\n  - &a 1\n' + '  - *a\n'.repeat(10_000);
    const [d] = errorsOf(spec);
    expect(d.message).toMatch(`more than ${MAX_ALIASES} aliases (*name) in the spec`);
    expect([d.line, d.column]).toEqual([4 + MAX_ALIASES + 1, 5]); // "  - *a" of alias number 1001
  }, 30_000);

  it('aliases resolve in one pass: 1000 aliases to a list of 50 numbers load', () => {
    const spec = `model: {cell: rnn, hidden: 2, outputs: 2}\nloss: mse\ndata:\n  inputs: [&v [${Array(50).fill(1).join(', ')}]${', *v'.repeat(MAX_ALIASES - 1)}]\n  targets: [${Array(MAX_ALIASES).fill('[0, 1]').join(', ')}]\n`;
    expect(ok(spec).sequence.inputs).toHaveLength(MAX_ALIASES);
  }, 30_000);

  it('more values than the limit: refused at the first one past it (YAML and JSON)', () => {
    const n = MAX_SPEC_VALUES + 10;
    const yaml = `model: {cell: rnn, hidden: 2}\nloss: mse\ndata:\n  inputs: [${Array(n).fill('1').join(',')}]\n  targets: [1]\n`;
    const [y] = errorsOf(yaml);
    expect(y.message).toBe('the spec has more than 500,000 values, the limit; put long data in a file (data.file)');
    expect(y.line).toBe(4);
    const json = `{"model": {"cell": "rnn", "hidden": 2}, "loss": "mse",\n"data": {"inputs": [${Array(n).fill('1').join(',')}], "targets": [1]}}`;
    const [j] = errorsOf(json, 'x.rnn.json');
    expect(j.message).toMatch(/more than 500,000 values/);
    expect(j.line).toBe(2);
  }, 60_000);
});

describe('many errors', () => {
  it('~200,000 bad values: positioned errors at their places, never "internal error" at 1:1', () => {
    const spec = `model: {cell: rnn, hidden: 2, outputs: 1}\nloss: mse\ndata:\n  inputs: [${Array(200_000).fill('"a"').join(',')}]\n  targets: [1]\n`;
    const ds = errorsOf(spec);
    expect(ds[0].message).toBe('data.inputs[0]: expected a number or a list of numbers, found the string "a"');
    expect([ds[0].line, ds[0].column]).toEqual([4, 12]);
    expect(ds.at(-1)?.message).toMatch(/^\.\.\. and more problems \(\d+ not shown\); fix the ones above first$/);
    expect(ds.map((d) => d.message).join('\n')).not.toMatch(/internal error/);
    // 200,000 bad values + targets: the last line counts them all, though only MAX_FORMATTED were described.
    expect(ds.at(-1)?.message).toBe('... and more problems (199900 not shown); fix the ones above first');
  }, 60_000);

  it('the schema describes at most MAX_FORMATTED places and counts the rest in one summary', () => {
    const n = 5000;
    const parsed = parseYaml(`data:\n  inputs: [${Array(n).fill('"a"').join(',')}]\n`);
    const issues = validate(parsed.value, parsed.map, new Set());
    const described = issues.filter((i) => i.more === undefined);
    const bad = described.filter((i) => /^data\.inputs\[\d+\]: expected a number/.test(i.message));
    expect(bad).toHaveLength(MAX_FORMATTED);
    expect(bad.map((i) => i.path[2])).toEqual([...Array(MAX_FORMATTED).keys()]);
    // A missing field is said whatever the count.
    expect(described.map((i) => i.message)).toContain("the spec is missing required field 'model'");
    const summary = issues.find((i) => i.more !== undefined);
    expect(summary?.more).toBe(n - MAX_FORMATTED);
    expect(summary?.message).toBe(`... and 4,000 more places the schema rejects, from data.inputs[${MAX_FORMATTED}] on (not described one by one); fix the ones above first`);
    expect(summary?.path).toEqual(['data', 'inputs', MAX_FORMATTED]);
  });
});

describe('line ends and marks', () => {
  it('CR-only line ends (old Mac) load, in YAML and JSON, with lines counted', () => {
    expect(ok('model: {cell: rnn, hidden: 2}\rdata: {text: hello}\r').sequence.inputs).toHaveLength(4);
    expect(ok('{"model": {"cell": "rnn", "hidden": 2},\r"data": {"text": "hello"}}\r', 'x.rnn.json').config.H).toBe(2);
    const [d] = errorsOf('model: {cell: rnn, hidden: 2}\rdata: {text: hello}\rbogus: 1\r');
    expect([d.line, d.column]).toEqual([3, 1]);
  });

  it('a byte-order mark before JSON or YAML is not an error, and columns are kept', () => {
    expect(ok('\uFEFF{"model": {"cell": "rnn", "hidden": 2}, "data": {"text": "hello"}}', 'x.rnn.json').config.H).toBe(2);
    expect(ok('\uFEFFmodel: {cell: rnn, hidden: 2}\ndata: {text: hello}\n').config.H).toBe(2);
  });
});

describe('K from init.weights', () => {
  it('class targets with no model.outputs take K from the rows of init.weights.W_hy', () => {
    const spec = 'model: {cell: rnn, hidden: 2}\ndata:\n  inputs: [[1], [0]]\n  targets: [2, 0]\ninit:\n  weights:\n    W_hy: [[1, 0], [0, 1], [1, 1]]\n';
    const p = ok(spec);
    expect(p.config.K).toBe(3);
    expect(Array.from(p.params.W_hy.data)).toEqual([1, 0, 0, 1, 1, 1]);
  });

  it('a target past W_hy rows says where K came from', () => {
    const spec = 'model: {cell: rnn, hidden: 2}\ndata:\n  inputs: [[1], [0]]\n  targets: [3, 0]\ninit:\n  weights:\n    W_hy: [[1, 0], [0, 1], [1, 1]]\n';
    expect(errorsOf(spec)[0].message).toMatch(/3 is not a class index 0\.\.2 \(K = 3 from init\.weights\.W_hy\)/);
  });
});

describe('loadSpecAsync', () => {
  it('reads data.file through the given reader, once, and positions its refusal at data.file', async () => {
    const spec = 'model: {cell: rnn, hidden: 2}\ndata:\n  file: /dev/zero\n  seq: 3\n';
    const reads: string[] = [];
    const r = await loadSpecAsync(spec, {
      file: 'x.rnn.yaml',
      readFile: async (rel) => {
        reads.push(rel);
        throw new Error('is a character device, not a regular file');
      },
    });
    expect(reads).toEqual(['/dev/zero']);
    expect(r.problem).toBeNull();
    const [d] = r.diagnostics;
    expect(d.message).toBe("data.file: cannot read '/dev/zero': is a character device, not a regular file");
    expect([d.line, d.column]).toEqual([3, 9]);
    const good = await loadSpecAsync(spec.replace('/dev/zero', 'c.txt'), { readFile: async () => 'abcabc' });
    expect(good.problem?.corpus?.indices.length).toBe(6);
  });
});

describe('the trace decides plain or checkpointed by bytes, not T·H', () => {
  it('hidden 1 on a long text: T·H far under the old threshold, yet checkpointed', () => {
    const p = ok(`model: {cell: rnn, hidden: 1}\ndata:\n  text: "${text(120_000)}"\n`);
    const T = p.sequence.inputs.length;
    expect(T * p.config.H).toBeLessThan(2e6);
    expect(plainTraceBytes(p.config, T)).toBeGreaterThan(PLAIN_TRACE_BYTES);
    expect(runTrace(p).checkpointed).toBe(true);
    // The 1.9 MB text of the report (T = 1.9M, H = 1) would need gigabytes as a plain trace.
    expect(plainTraceBytes(p.config, 1_900_000)).toBeGreaterThan(4 * PLAIN_TRACE_BYTES);
  }, 60_000);

  it('a long text costs one shared vector per token, not one per step', () => {
    const p = ok(`model: {cell: rnn, hidden: 1}\ndata:\n  text: "${text(5000)}"\n`);
    const distinct = new Set(p.sequence.inputs);
    expect(distinct.size).toBe(p.config.D);
  });
});
