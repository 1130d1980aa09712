/**
 * Every kind of equation error, with its message and its place in the spec file (line and column
 * where the offending text sits: a YAML block scalar's lines count from where they are in the file),
 * and hostile equations: each a positioned error, never evaluated as code, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';

const PARAMS = { W: ['H', 'D'], U: ['H', 'H'], b: ['H'], u: ['H'] };

/** A YAML spec whose model.equations is the given lines, as a block scalar. */
function yamlSpec(lines: string[], extra = '', state = '[h]'): string {
  const params = Object.entries(PARAMS).map(([k, v]) => `    ${k}: [${v.join(', ')}]`).join('\n');
  return `model:\n  cell: custom\n  hidden: 3\n  state: ${state}\n  params:\n${params}\n${extra}  equations: |\n${lines.map((l) => `    ${l}`).join('\n')}\ndata:\n  text: hello\n`;
}

/** The one error's line and column, against where `marker` (its n-th occurrence) sits in the text. */
function expectError(text: string, marker: string, words: string[], format: 'yaml' | 'json' = 'yaml', nth = 0): void {
  const r = loadSpec(text, { file: `spec.rnn.${format}`, format });
  expect(r.problem).toBeNull();
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errs, JSON.stringify(r.diagnostics)).toHaveLength(1);
  const d = errs[0];
  let at = -1;
  for (let k = 0; k <= nth; k++) at = text.indexOf(marker, at + 1);
  expect(at, `marker ${marker}`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at).split('\n');
  expect({ line: d.line, column: d.column }, d.message).toEqual({ line: before.length, column: before[before.length - 1].length + 1 });
  for (const w of words) expect(d.message).toContain(w);
}

describe('equation errors, at their line and column in the file', () => {
  const cases: [string, string[], string, string[], number?][] = [
    ['unknown name', ['a = W @ x + U @ h_prv + b', 'h = tanh(a)'], 'h_prv', ["unknown name 'h_prv'", "did you mean 'h_prev'"]],
    ['unknown name, listing the names', ['h = tanh(W @ x + bias)'], 'bias', ["unknown name 'bias'", 'the names here are x, h_prev, W, U, b, u']],
    ['used before assigned', ['h = tanh(a)', 'a = W @ x + b'], 'a)', ["'a' is used before it is assigned (on line 2)"]],
    ['the state itself before its line', ['a = W @ x + U @ h + b', 'h = tanh(a)'], 'h +', ['write h_prev']],
    ['shapes of +', ['h = tanh(W @ x + U)'], '+ U', ["shapes do not match for '+'", 'a vector [3] and a matrix [3, 3]']],
    ['inner sizes of @', ['h = tanh(U @ x + b)'], '@', ['cannot multiply a matrix [3, 3] @ a vector [4]', 'inner sizes 3 and 4 differ']],
    ['a state of the wrong shape', ['h = sum(W @ x)'], 'h =', ["the state 'h' must be a vector [3] (H), but this is a number"]],
    ['assigning a parameter', ['b = W @ x', 'h = tanh(b)'], 'b =', ["'b' is a parameter"]],
    ['assigning the previous state', ['h_prev = W @ x', 'h = tanh(h_prev)'], 'h_prev =', ["'h_prev' is the previous step's state"]],
    ['assigning the input', ['x = W @ x', 'h = tanh(x)'], 'x =', ["'x' is the input"]],
    ['assigned twice', ['h = tanh(W @ x)', 'h = tanh(b)'], 'h = tanh(b)', ["'h' is already assigned on line 1"]],
    ['a syntax error', ['h = tanh(W @ x +)'], ')', ['expected']],
    ['not an assignment', ['tanh(W @ x)'], '(W', ["expected '=' after 'tanh'"]],
    ['an unknown function', ['h = tanhh(W @ x)'], 'tanhh', ["unknown function 'tanhh'"]],
    ['a wrong number of arguments', ['h = tanh(W @ x, b)'], 'tanh(', ['tanh() takes 1 argument, got 2']],
    ['a string', ['h = tanh(W @ x) * "a"'], '"a"', ['a string has no place in an equation']],
    ['indexing', ['h = tanh(W @ x) * b[0]'], 'b[0]', ['indexing is not supported']],
    ['a comparison', ['h = tanh(W @ x) * (b > 0)'], '>', ["'>' is not differentiable"]],
    ['transpose of a vector', ['h = tanh(transpose(b))'], 'b))', ['transpose() takes a matrix, got a vector [3]']],
    ['outer of a matrix', ['h = tanh(outer(U, b) @ b)'], 'U,', ['outer() takes two vectors, got a matrix [3, 3]']],
    ['grad() in a cell', ['h = tanh(grad(W) @ x)'], 'grad', ["unknown function 'grad'"]],
  ];
  for (const [what, lines, marker, words] of cases) {
    it(what, () => {
      const text = yamlSpec(lines);
      // Where the error points is searched for inside the equations block only.
      const block = text.indexOf('equations: |');
      const rel = text.slice(block).indexOf(marker);
      expect(rel).toBeGreaterThanOrEqual(0);
      const nth = text.slice(0, block + rel).split(marker).length - 1;
      expectError(text, marker, ['model.equations', ...words], 'yaml', nth);
    });
  }

  it('a state never assigned: at the state in model.state', () => {
    expectError(yamlSpec(['a = tanh(W @ x)', 'h = a'], '', '[h, c]'), 'c]', ["model.state[1]: the state 'c' is never assigned: add a line c = ..."]);
  });

  it('in a JSON spec, where the equations are one string with \\n escapes', () => {
    const text = JSON.stringify({ model: { cell: 'custom', hidden: 3, state: ['h'], params: PARAMS, equations: 'a = W @ x + b\nh = tanh(a + oops)' }, data: { text: 'hello' } }, null, 2);
    expectError(text, 'oops', ["unknown name 'oops'"], 'json');
  });

  it('a state list without h, a clashing parameter name, and missing fields', () => {
    expectError(yamlSpec(['m = tanh(W @ x)'], '', '[m]'), '[m]', ['model.state: must include h']);
    expectError(yamlSpec(['h = tanh(W @ x)'], '    h_prev: [H]\n').replace('  params:\n', '  params:\n'), 'h_prev: [H]', ["'h_prev' is a state's previous value"]);
    expectError('model:\n  cell: custom\n  hidden: 3\ndata:\n  text: hello\n', 'custom', ['a custom cell needs model.state, model.params, model.equations']);
  });

  it('a field for custom cells on another cell is a warning', () => {
    const r = loadSpec('model:\n  cell: rnn\n  hidden: 3\n  equations: "h = x"\ndata:\n  text: hello\n', { file: 's.rnn.yaml' });
    expect(r.problem).not.toBeNull();
    expect(r.diagnostics.map((d) => d.message).join()).toMatch(/model.equations: applies to custom cells only/);
  });
});

describe('hostile equations are positioned errors', () => {
  it('constructor.constructor(...) is not property access: a syntax error at the dot', () => {
    expectError(yamlSpec(['h = constructor.constructor("return process")()']), '.constructor', ['model.equations']);
  });
  it('__proto__ and constructor are ordinary unknown names', () => {
    expectError(yamlSpec(['h = tanh(W @ x) + __proto__']), '__proto__', ["unknown name '__proto__'"]);
    expectError(yamlSpec(['h = tanh(constructor)']), 'constructor', ["unknown name 'constructor'"]);
  });
  it('a name like toString or hasOwnProperty is not found on any object', () => {
    expectError(yamlSpec(['h = tanh(W @ x) * toString']), 'toString', ["unknown name 'toString'"]);
  });
  it('a very long line is refused at its place', () => {
    const long = `h = tanh(W @ x${' + b'.repeat(3000)})`;
    const r = loadSpec(yamlSpec([long]), { file: 's.rnn.yaml' });
    const d = r.diagnostics.find((x) => x.severity === 'error');
    expect(d?.message).toMatch(/line too long/);
    expect(d?.line).toBe(11);
  });
  it('deep nesting is refused at its place, without overflowing the stack', () => {
    const deep = `h = ${'tanh('.repeat(500)}b${')'.repeat(500)}`;
    const r = loadSpec(yamlSpec([deep]), { file: 's.rnn.yaml' });
    const d = r.diagnostics.find((x) => x.severity === 'error');
    expect(d?.message).toMatch(/model.equations: .*(deep|nest)/);
    expect(d?.line).toBe(11);
  });
  it('an intermediate too large to keep per step is refused', () => {
    const text = yamlSpec(['big = outer(h_prev, h_prev)', 'h = tanh(W @ x)']).replace('hidden: 3', 'hidden: 2001');
    expectError(text, 'outer(', ['would hold 4004001 numbers', 'the limit is 4000000']);
  });
});
