/** Completion and hover for YAML specs from media/spec.schema.json, and the quick fix's replacement. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { completions, describeKey, placeAt, schemaAt, suggestionOf, type SchemaNode } from '../../src/extension/schemaAssist';
import { loadSpec } from '../../src/engine/spec';

const ROOT = join(__dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'media', 'spec.schema.json'), 'utf8')) as SchemaNode;

/** The text with a cursor marked by | : the lines and the cursor's line and character. */
function at(marked: string): [string[], number, number] {
  const lines = marked.split('\n');
  const line = lines.findIndex((l) => l.includes('|'));
  const character = lines[line].indexOf('|');
  lines[line] = lines[line].replace('|', '');
  return [lines, line, character];
}

describe('where the cursor is', () => {
  test('a key inside model:, with the keys already written', () => {
    const p = placeAt(...at('name: x\nmodel:\n  cell: rnn\n  hid|\ndata:\n  text: hello'));
    expect(p).toEqual({ path: ['model'], kind: 'key', siblings: ['cell'], prefix: 'hid' });
  });
  test('the value of model.cell', () => {
    const p = placeAt(...at('model:\n  hidden: 3\n  cell: |'));
    expect(p.kind).toBe('value');
    expect(p.path).toEqual(['model', 'cell']);
  });
  test('a top-level key', () => {
    expect(placeAt(...at('model:\n  cell: rnn\n|'))).toMatchObject({ path: [], kind: 'key' });
  });
});

describe('what the schema offers', () => {
  test('model keys not yet written, each with its description', () => {
    const items = completions(schema, placeAt(...at('model:\n  cell: rnn\n  |')));
    const labels = items.map((i) => i.label);
    expect(labels).toContain('hidden');
    expect(labels).toContain('activation');
    expect(labels).not.toContain('cell');
    expect(items.find((i) => i.label === 'hidden')?.documentation).toBe(schemaAt(schema, ['model', 'hidden'])?.description);
    expect(items.find((i) => i.label === 'hidden')?.insert).toBe('hidden: ');
  });
  test('the values of model.cell are its enum: rnn, lstm, gru, custom', () => {
    const items = completions(schema, placeAt(...at('model:\n  cell: |')));
    expect(items.map((i) => i.label)).toEqual((schemaAt(schema, ['model', 'cell'])?.enum ?? []).map(String));
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['rnn', 'lstm', 'gru']));
  });
  test('top level: model, data, loss, … and a nested object opens a block', () => {
    const items = completions(schema, placeAt(...at('name: x\n|')));
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['model', 'data', 'loss', 'init', 'train', 'bptt']));
    expect(items.find((i) => i.label === 'model')?.insert).toBe('model:\n');
    expect(items.map((i) => i.label)).not.toContain('name');
  });
  test('init.h0 through its $ref has a description on hover', () => {
    expect(describeKey(schema, ['init', 'h0'])).toContain('initial hidden state');
    expect(describeKey(schema, ['model', 'cell'])).toContain('rnn | lstm | gru');
    expect(describeKey(schema, ['nonsense'])).toBeNull();
  });
});

describe('the quick fix for a misspelt value', () => {
  test("the loader's message for cell: rnnn proposes 'rnn', which loads", () => {
    const text = 'model:\n  cell: rnnn\n  hidden: 3\ndata:\n  text: hello\n';
    const { diagnostics } = loadSpec(text, { file: 'x.rnn.yaml', format: 'yaml' });
    const d = diagnostics.find((x) => suggestionOf(x.message) !== null);
    expect(d?.message).toContain("did you mean 'rnn'?");
    // The diagnostic sits on the misspelt value: replacing it there with the suggestion fixes the spec.
    expect(d?.line).toBe(2);
    const line = text.split('\n')[1];
    const fixed = text.replace(line, line.slice(0, d!.column - 1) + suggestionOf(d!.message)! + line.slice(d!.column - 1 + 'rnnn'.length));
    expect(loadSpec(fixed, { file: 'x.rnn.yaml', format: 'yaml' }).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });
});
