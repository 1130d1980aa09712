/**
 * The summary's packing across the worker boundary: unpacked, it is the summary the session made
 * (deep-equal), on a real trace and on the edge cases: a step without a target (no loss), a NaN
 * loss, a non-finite ||dL/dh|| (null), repeated labels; and the packed columns are transferable.
 */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import { packSummary, unpackSummary } from '../../src/extension/engine/packedSummary';
import type { TraceSummary } from '../../src/protocol';
import { StepSession } from '../../src/session/session';

describe('packed summary', () => {
  it('round-trips a real trace’s summary', () => {
    const { problem } = loadSpec('name: hello\nmodel:\n  cell: lstm\n  hidden: 4\ndata:\n  text: hello world, hello\ninit:\n  seed: 2\n', { format: 'yaml' });
    const s = StepSession.build(problem!, { file: 'mem:hello', text: '', format: 'yaml' }).summary();
    expect(s.timeline.length).toBe(17);
    const { packed, transfer } = packSummary(s);
    expect(packed.labels.length).toBeLessThan(s.timeline.length); // each label once
    expect(unpackSummary(structuredClone(packed, { transfer }))).toEqual(s);
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
    expect(transfer).toHaveLength(5);
    const back = unpackSummary(structuredClone(packed, { transfer }));
    expect(back).toEqual(s);
    expect(back.timeline[0].loss).toBeNull();
    expect(Number.isNaN(back.timeline[1].loss)).toBe(true);
    // A summary without norms stays without.
    const { dhNorms: _omit, ...bare } = s;
    expect('dhNorms' in unpackSummary(packSummary(bare).packed)).toBe(false);
  });
});
