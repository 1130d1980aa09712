/**
 * The summary's packing (worker -> host -> webview): unpacked, it is the summary the session made
 * (deep-equal), on a real trace and on the edge cases: a step without a target (no loss), a NaN
 * loss, a non-finite ||dL/dh|| (null), repeated labels, a vector input's short form, a stack's
 * layers; the columns are transferable; and the webview's check refuses columns that do not fit.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import { packSummary, unpackSummary, validColumns } from '../../src/traceColumns';
import { parseHostMessage, type TraceSummary } from '../../src/protocol';
import { StepSession } from '../../src/session/session';

const summaryOf = (text: string): TraceSummary => StepSession.build(loadSpec(text, { format: 'yaml' }).problem!, { file: 'mem:x', text: '', format: 'yaml' }).summary();

describe('packed summary', () => {
  it('round-trips a real trace’s summary', () => {
    const s = summaryOf('name: hello\nmodel:\n  cell: lstm\n  hidden: 4\ndata:\n  text: hello world, hello\ninit:\n  seed: 2\n');
    expect(s.timeline.length).toBe(17);
    const { packed, transfer } = packSummary(s);
    expect(packed.columns.labels.length).toBeLessThan(s.timeline.length); // each label once
    expect(unpackSummary(structuredClone(packed, { transfer }))).toEqual(s);
  });

  it('keeps a vector input’s short form and a stack’s per-layer norms', () => {
    const vectors = summaryOf('name: v\nmodel:\n  cell: rnn\n  hidden: 2\n  output: identity\nloss: mse\ndata:\n  inputs: [[0.123456, 2], [-1.5, 3]]\n  targets: [[1], [0]]\n');
    expect(vectors.timeline.some((c) => c.inputShort !== undefined)).toBe(true);
    expect(unpackSummary(packSummary(vectors).packed)).toEqual(vectors);
    const stack = summaryOf('name: s\nmodel:\n  cell: gru\n  hidden: 3\n  layers: 2\ndata:\n  text: abcab\n');
    expect(stack.layerDhNorms).toHaveLength(2);
    const { packed, transfer } = packSummary(stack);
    expect(unpackSummary(structuredClone(packed, { transfer }))).toEqual(stack);
  });

  it('keeps a missing target and loss, a NaN loss and a null norm apart', () => {
    const s: TraceSummary = {
      name: 'edge', file: 'f', cell: 'rnn', description: 'd', T: 3, loss: NaN, truncate: 'none', k: 0, params: [],
      timeline: [
        { t: 1, input: 'a', target: null, loss: null },
        { t: 2, input: 'a', target: 'b', loss: NaN },
        { t: 3, input: 'b', target: 'a', loss: 0 },
      ],
      dhNorms: [null, 1e-300, 2],
    };
    const { packed, transfer } = packSummary(s);
    expect(transfer).toHaveLength(6);
    const back = unpackSummary(structuredClone(packed, { transfer }));
    expect(back).toEqual(s);
    expect(back.timeline[0].loss).toBeNull();
    expect(Number.isNaN(back.timeline[1].loss)).toBe(true);
    // A summary without norms stays without.
    const { dhNorms: _omit, ...bare } = s;
    expect('dhNorms' in unpackSummary(packSummary(bare).packed)).toBe(false);
  });

  it('the webview takes packed columns that fit T and refuses others', () => {
    const s = summaryOf('name: hello\nmodel:\n  cell: rnn\n  hidden: 3\ndata:\n  text: hello\n');
    const { packed } = packSummary(s);
    const snapshot = { cursor: { phase: 'forward', t: 1 } };
    expect(parseHostMessage({ type: 'trace', summary: packed, snapshot })).not.toBeNull();
    expect(validColumns(packed.columns, s.T)).toBe(true);
    expect(validColumns(packed.columns, s.T + 1)).toBe(false); // columns shorter than T
    expect(validColumns({ ...packed.columns, inputs: Int32Array.from(packed.columns.inputs, () => 99) }, s.T)).toBe(false); // a label that is not there
    expect(validColumns({ ...packed.columns, losses: Array.from(packed.columns.losses) }, s.T)).toBe(false); // not a typed array
    expect(parseHostMessage({ type: 'trace', summary: { ...packed, columns: { ...packed.columns, targets: new Int32Array(1) } }, snapshot })).toBeNull();
  });
});
