/** Each kind of spec error, at its exact line and column, in YAML and in JSON with comments. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadSpec } from '../../src/engine/spec';
import type { Diagnostic } from '../../src/engine/types';

function errors(text: string, format: 'yaml' | 'json' = 'yaml', readFile?: (p: string) => string): Diagnostic[] {
  const r = loadSpec(text, { format, readFile });
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  expect(r.problem).toBeNull();
  expect(errs.length).toBeGreaterThan(0);
  return errs;
}

/** The single error (or the one at line:col), with its message containing every word. */
function expectAt(diags: Diagnostic[], line: number, column: number, ...words: string[]): Diagnostic {
  const d = diags.find((x) => x.line === line && x.column === column);
  expect(d, `no diagnostic at ${line}:${column}; got ${diags.map(formatDiagnostic).join(' | ')}`).toBeDefined();
  for (const w of words) expect(d!.message).toContain(w);
  expect(d!.message).not.toMatch(/must NOT|must have|internal error|undefined|\[object Object\]/);
  return d!;
}

const Y = (s: string): string => s.replace(/^\n/, '');

describe('spec errors (YAML)', () => {
  it('unknown field with a suggestion, at the key', () => {
    const d = errors(Y(`
model:
  cell: rnn
  hiden: 3
data:
  text: hello
`));
    expectAt(d, 3, 3, "unknown field 'hiden' in model", "did you mean 'hidden'?");
    expectAt(d, 1, 1, "model: missing required field 'hidden'");
  });

  it('wrong enum value with a suggestion, at the value', () => {
    const d = errors(Y(`
model:
  cell: lsmt
  hidden: 3
data: {text: hello}
`));
    const e = expectAt(d, 2, 9, "model.cell: 'lsmt' is not one of rnn | lstm | gru", "did you mean 'lstm'?");
    expect(e.endColumn).toBe(13);
    expect(e.path).toEqual(['model', 'cell']);
  });

  it('wrong type says what was found and what was expected', () => {
    const d = errors(Y(`
model:
  cell: rnn
  hidden: three
data: {text: hello}
`));
    expectAt(d, 3, 11, 'model.hidden: expected an integer ≥ 1, found the string "three"');
    expect(d).toHaveLength(1);
  });

  it('missing required fields at the parent key, or at 1:1 for the root', () => {
    const d = errors(Y(`
name: x
data:
  text: hello
`));
    expectAt(d, 1, 1, "missing required field 'model'");
    const d2 = errors(Y(`
data:
  text: hello
model:
  hidden: 3
`));
    expectAt(d2, 3, 1, "model: missing required field 'cell'");
  });

  it('YAML syntax errors are positioned', () => {
    const d = errors('model:\n  cell: [rnn\ndata: 1\n');
    expect(d[0].line).toBeGreaterThanOrEqual(2);
    expect(d[0].message).toMatch(/YAML syntax error/);
  });

  it("an unclosed '[' or '{' is reported at the bracket, not where the next key starts", () => {
    // yaml itself points at `targets` (line 4), two lines below the '[' that is never closed.
    const d = errors(Y(`
data:
  inputs: [[1, 0],
    [0, 1]
  targets: [0, 1]
model: {cell: rnn, hidden: 2}
`));
    expectAt(d, 2, 11, "this '[' is never closed", "expected ']' to end the list before line 4");
    // The innermost open one: W_hh's outer '[' (its rows are closed), not b_h's.
    const w = errors('model: {cell: rnn, hidden: 2}\ninit:\n  weights:\n    W_hh: [[1, 2], [3, 4]\n    b_h: [1, 2]\ndata: {text: hi}\n');
    expectAt(w, 4, 11, "this '[' is never closed");
    expectAt(errors('model: {cell: rnn, hidden: 2\ndata: {text: hi}\n'), 1, 8, "this '{' is never closed", "expected '}' to end the mapping before line 2");
    // At the end of the text; a bracket inside quotes is text, not an opener.
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata:\n  inputs: [1, 2'), 3, 11, "this '[' is never closed", 'before the end of the spec');
    expectAt(errors('name: "[x"\nmodel: [1, "]"\ndata: 3\n'), 2, 8, "this '[' is never closed");
  });

  it('duplicate keys at the second key', () => {
    const d = errors(Y(`
model: {cell: rnn, hidden: 3}
data: {text: hello}
model: {cell: gru, hidden: 3}
`));
    expectAt(d, 3, 1, "duplicate key 'model'");
  });

  it('an empty document and a non-mapping', () => {
    for (const text of ['', '\n\n', '# only a comment\n']) {
      const d = errors(text);
      expect(d).toHaveLength(1);
      expectAt(d, 1, 1, 'empty', 'model', 'data');
    }
    expectAt(errors('- 1\n- 2\n'), 1, 1, 'a spec is a mapping', 'found a list');
    expectAt(errors('42\n'), 1, 1, 'a spec is a mapping', 'found 42');
  });

  it('non-finite numbers', () => {
    const d = errors(Y(`
model: {cell: rnn, hidden: 2}
data:
  inputs: [1, .nan]
  targets: [.inf, 1]
`));
    expectAt(d, 3, 15, 'data.inputs[1]', 'finite', 'NaN');
    expectAt(d, 4, 13, 'data.targets[0]', 'finite', 'infinity');
  });

  it('unknown weight name with suggestion and the valid names; wrong shape; ragged rows', () => {
    const d = errors(Y(`
model: {cell: rnn, hidden: 3}
data: {text: hello}
init:
  weights:
    W_hx: [[1]]
    W_hh: [[1, 0], [0, 1], [1, 1]]
    b_h: [[0, 0, 0]]
    W_hy:
      - [1, 2, 3]
      - [1, 2]
`));
    expectAt(d, 5, 5, "'W_hx' is not a parameter", "did you mean 'W_xh'?", 'W_xh, W_hh, b_h, W_hy, b_y');
    expectAt(d, 6, 11, 'W_hh has shape [3, 2], expected [3, 3] (H x H)');
    expectAt(d, 7, 10, 'b_h has shape [1, 3], expected [3] (H)');
    expectAt(d, 10, 9, 'init.weights.W_hy[1]', 'row 1 has 2 numbers', 'row 0 has 3');
  });

  it('a single number only for a size-1 parameter', () => {
    const d = errors('model: {cell: rnn, hidden: 2}\ndata: {text: hello}\ninit: {weights: {b_h: 0.5}}\n');
    expectAt(d, 3, 23, 'b_h is a single number', 'expected shape [2] (H)');
  });

  it('cross-entropy needs softmax; class targets need cross-entropy', () => {
    expectAt(errors('model: {cell: rnn, hidden: 2, output: identity}\nloss: cross-entropy\ndata: {text: hello}\n'), 2, 7, 'cross-entropy needs model.output: softmax');
    expectAt(errors('model: {cell: rnn, hidden: 2, output: tanh}\ndata: {text: hello}\n'), 1, 39, 'model.output', 'cross-entropy', 'softmax');
    expectAt(errors('model: {cell: rnn, hidden: 2}\nloss: mse\ndata: {text: hello}\n'), 2, 7, 'loss: mse does not fit a text model');
  });

  it('explicit inputs and targets', () => {
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata:\n  inputs: [[1, 0], [0, 1, 0]]\n  targets: [0, 1]\n'), 3, 20, 'data.inputs[1]', 'has 3 numbers, expected 2');
    expectAt(errors('model: {cell: rnn, hidden: 2, outputs: 2}\ndata:\n  inputs: [1, 2, 3]\n  targets: [0, 1]\n'), 4, 12, 'data.targets', 'has 2 targets, expected 3');
    expectAt(errors('model: {cell: rnn, hidden: 2, outputs: 2}\ndata:\n  inputs: [1, 2]\n  targets: [0, 2]\n'), 4, 16, 'data.targets[1]', 'class index 0..1');
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata:\n  inputs: [1, 2]\n  targets: [0, 1]\n'), 1, 1, "missing field 'outputs'");
    expectAt(errors('model: {cell: rnn, hidden: 2, outputs: 2}\ndata:\n  inputs: [1, 2]\n  targets: [null, null]\n'), 4, 12, 'every target is null');
    expectAt(errors('model: {cell: rnn, hidden: 2, inputs: 3, outputs: 1}\nloss: mse\noutput: identity\ndata:\n  inputs: [1, 2]\n  targets: [1, 2]\n'), 3, 1, "unknown field 'output' at the top level");
    expectAt(errors('model: {cell: rnn, hidden: 2, inputs: 3, outputs: 1, output: identity}\nloss: mse\ndata:\n  inputs: [1, 2]\n  targets: [1, 2]\n'), 1, 39, 'model.inputs', 'is 3', '1 number');
  });

  it('exactly one data source; tokens outside the vocabulary', () => {
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata:\n  text: hello\n  tokens: [a, b]\n'), 4, 3, "only one of", "'text' and 'tokens'");
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata: {vocab: [a]}\n'), 2, 1, 'data: give the sequence as one of');
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata: {tokens: [a, b, c], vocab: [a, b]}\n'), 2, 23, 'data.tokens[2]', "token 'c' is not in data.vocab");
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata: {text: hello, vocab: [h, e, l]}\n'), 2, 14, 'data.text', "character 'o'", 'position 5');
  });

  it('data.file: missing reader, read failure, too short', () => {
    const spec = 'model: {cell: rnn, hidden: 2}\ndata:\n  file: corpus.txt\n  seq: 5\n';
    expectAt(errors(spec), 3, 9, 'data.file', "cannot read 'corpus.txt'");
    expectAt(errors(spec, 'yaml', () => { throw new Error('no such file'); }), 3, 9, 'data.file', 'no such file');
    expectAt(errors(spec, 'yaml', () => 'abc'), 4, 8, 'data.seq', 'at least 6 characters');
  });

  it('h0 and clip values', () => {
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata: {text: hello}\ninit: {h0: [1, 2, 3]}\n'), 3, 12, 'init.h0', 'has 3 numbers, expected H = 2');
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata: {text: hello}\ninit: {h0: zero}\n'), 3, 12, "'zero' is not one of", "did you mean 'zeros'?");
    expectAt(errors('model: {cell: rnn, hidden: 2}\ndata: {text: hello}\ntrain: {clip: off}\n'), 3, 15, 'train.clip', 'none', 'found the string "off"');
  });

  it('size limits, before allocating', () => {
    const d = errors('model: {cell: rnn, hidden: 100000}\ndata: {text: hello}\n');
    expectAt(d, 1, 28, 'hidden: 100000 makes 1.0e10 parameters', 'the limit is 5.0e7');
    const long = 'ab'.repeat(60_000);
    expectAt(errors(`model: {cell: rnn, hidden: 5000}\ndata: {text: ${long}}\n`), 1, 28, 'states', 'limit is 2.0e8');
  });

  it('aliases: a billion-laughs document is refused, quickly', () => {
    let doc = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) doc += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const t0 = Date.now();
    const d = errors(doc);
    expect(Date.now() - t0).toBeLessThan(10_000); // a hang guard, not a speed figure: unbounded, this document never finishes
    expect(d.some((x) => /aliases expand/.test(x.message))).toBe(true);
  });

  it('deep nesting gives a diagnostic, not a stack overflow', () => {
    const d = errors('['.repeat(10000));
    expect(d[0].line).toBe(1);
    let s = '';
    for (let i = 0; i < 10000; i++) s += `${' '.repeat(i)}a:\n`;
    expect(errors(s).length).toBeGreaterThan(0);
  });
});

describe('spec warnings', () => {
  it('fields for another cell and k without truncation warn, and the spec still loads', () => {
    const r = loadSpec(Y(`
model: {cell: gru, hidden: 2, activation: relu, peephole: true}
data: {text: hello}
init: {c0: zeros}
bptt: {k: 3}
`));
    expect(r.problem).not.toBeNull();
    const w = r.diagnostics;
    expect(w.every((d) => d.severity === 'warning')).toBe(true);
    expectAt(w, 1, 31, 'model.activation', 'rnn cells only', 'gru');
    expectAt(w, 1, 49, 'model.peephole', 'lstm cells only');
    expectAt(w, 3, 8, 'init.c0', 'lstm');
    expectAt(w, 4, 8, 'bptt.k', 'no effect');
  });
});

describe('spec errors (JSON with comments)', () => {
  const J = (s: string): string => s.replace(/^\n/, '');

  it('comments and trailing commas are fine', () => {
    const r = loadSpec(J(`
{
  // a comment
  "model": { "cell": "rnn", "hidden": 3, },
  /* another */
  "data": { "text": "hello" },
}
`), { file: 'x.rnn.json' });
    expect(r.diagnostics).toEqual([]);
    expect(r.problem?.name).toBe('x');
  });

  it('unknown field, enum, type, missing', () => {
    const d = errors(J(`
{
  "model": {
    "cell": "lsmt",
    "hiden": 3,
    "inputs": "three"
  },
  "data": { "text": "hello" }
}
`), 'json');
    expectAt(d, 3, 13, "model.cell: 'lsmt' is not one of rnn | lstm | gru", "did you mean 'lstm'?");
    expectAt(d, 4, 5, "unknown field 'hiden' in model", "did you mean 'hidden'?");
    expectAt(d, 5, 15, 'model.inputs: expected an integer ≥ 1, found the string "three"');
    expectAt(d, 2, 3, "model: missing required field 'hidden'");
  });

  it('syntax errors are positioned', () => {
    const d = errors('{\n  "model": {"cell": "rnn" "hidden": 2}\n}', 'json');
    expectAt(d, 2, 27, 'JSON syntax error', "','");
    expectAt(errors('{\n  "a": 1\n', 'json'), 3, 1, 'JSON syntax error', "'}'");
  });

  it('duplicate keys at the second key', () => {
    const d = errors('{\n  "model": {"cell": "rnn", "hidden": 2},\n  "data": {"text": "hello"},\n  "model": 1\n}', 'json');
    expectAt(d, 4, 3, "duplicate key 'model'");
  });

  it('empty document, non-object, deep nesting', () => {
    expectAt(errors('', 'json'), 1, 1, 'empty');
    expectAt(errors('  // nothing\n', 'json'), 1, 1, 'empty');
    expectAt(errors('[1, 2]', 'json'), 1, 1, 'a spec is a mapping');
    expectAt(errors('['.repeat(10000), 'json'), 1, 65, 'nested more than 64 levels');
  });

  it('weights with the wrong shape', () => {
    const d = errors(J(`
{
  "model": { "cell": "lstm", "hidden": 2 },
  "data": { "text": "hi!" },
  "init": { "weights": { "W_xi": [[1, 2, 3]], "w_ci": [1, 2] } }
}
`), 'json');
    expectAt(d, 4, 34, 'W_xi has shape [1, 3], expected [2, 3] (H x D)');
    expectAt(d, 4, 47, "'w_ci' is not a parameter of this model (lstm)", 'only with model.peephole: true');
  });
});

describe('formatDiagnostic', () => {
  it('FILE:LINE:COL: message', () => {
    const r = loadSpec('model: {cell: rnn, hidden: 0}\ndata: {text: hello}\n', { file: 'a/b.rnn.yaml' });
    expect(formatDiagnostic(r.diagnostics[0])).toBe('a/b.rnn.yaml:1:28: model.hidden: expected an integer ≥ 1, found 0');
    const r2 = loadSpec('model: {cell: rnn, hidden: 0}\ndata: {text: hello}\n');
    expect(formatDiagnostic(r2.diagnostics[0])).toMatch(/^<spec>:1:28: /);
  });
});
