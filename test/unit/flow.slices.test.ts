/**
 * The flow views in slices (the engine worker serves its messages between them): a progress hook
 * is called between the slices of every part (the forward pass, the map's sweeps, the truncation
 * loss's two traces, the spectra, a Jacobian row), the values are exactly those computed without
 * it, and what the hook throws stops the computation and leaves nothing half done behind.
 */
import { describe, expect, it } from 'vitest';
import type { BpttConfig, FlowPhase } from '../../src/engine';
import { flowData, jacobianView } from '../../src/session/flowView';
import { randomProblem } from './helpers/randomProblem';

// rnn H = 64: a forward step is ~5e3 multiply-adds, so the forward pass over T = 3000 is 3 slices of FLOW_SLICE.
const window: BpttConfig = { truncate: 'window', k: 12 };
const fresh = () => ({ ...randomProblem({ cell: 'rnn', H: 64, D: 5, K: 5, T: 3000, seed: 3, scale: 0.2 }), bptt: window });
const grads = (p: ReturnType<typeof fresh>) => Object.fromEntries(Object.entries(p.params).map(([k, t]) => [k, { ...t, data: t.data.map((v) => v * 0.5) }]));

describe('the flow views in slices', () => {
  it('the hook is called between the slices of each part, and the flow data are exactly those without it', () => {
    const calls: { phase: FlowPhase; done: number; total: number }[] = [];
    const a = fresh();
    const sliced = flowData(a, grads(a), undefined, (phase, done, total) => void calls.push({ phase, done, total }));
    const b = fresh(); // another object: its own forward pass, no memo shared
    expect(sliced).toEqual(flowData(b, grads(b)));
    const phases = [...new Set(calls.map((c) => c.phase))];
    expect(phases).toEqual(['forward', 'map', 'truncation', 'pooling', 'spectra']);
    const forward = calls.filter((c) => c.phase === 'forward');
    expect(forward.length).toBeGreaterThanOrEqual(2);
    // Within a part, done only grows and stays within its total.
    for (const p of phases) {
      const mine = calls.filter((c) => c.phase === p);
      mine.forEach((c, i) => {
        expect(c.done).toBeLessThanOrEqual(c.total);
        if (i > 0) expect(c.done).toBeGreaterThanOrEqual(mine[i - 1].done);
      });
    }
    // The truncation loss's two traces: the full one's forward and backward, then the truncated one's (4T steps).
    expect(calls.filter((c) => c.phase === 'truncation').every((c) => c.total === 12_000)).toBe(true);
    // The spectra: W_hh's radius and norm (done 0), then the stacked norm λ (done 1), of 2 parts.
    const spectra = calls.filter((c) => c.phase === 'spectra');
    expect(spectra.length).toBeGreaterThan(1);
    expect(spectra.every((c) => c.total === 2)).toBe(true);
  });

  it('a Jacobian row in slices equals the row without them', () => {
    const calls: FlowPhase[] = [];
    const a = { ...randomProblem({ cell: 'lstm', H: 48, D: 4, K: 4, T: 300, seed: 8, scale: 0.3 }) };
    const row = jacobianView(a, 300, undefined, (phase) => void calls.push(phase));
    expect(row).toEqual(jacobianView({ ...randomProblem({ cell: 'lstm', H: 48, D: 4, K: 4, T: 300, seed: 8, scale: 0.3 }) }, 300));
    expect(calls.filter((p) => p === 'jacobian').length).toBeGreaterThan(3);
  });

  it('what the hook throws stops the work; asked again, the same problem gives the values of a fresh computation', () => {
    for (const stopAt of ['forward', 'map', 'truncation', 'spectra'] as FlowPhase[]) {
      const a = fresh();
      const stop = new Error(`stopped in ${stopAt}`);
      expect(() => flowData(a, grads(a), undefined, (phase) => {
        if (phase === stopAt) throw stop;
      })).toThrow(stop);
      const b = fresh();
      expect(flowData(a, grads(a)), stopAt).toEqual(flowData(b, grads(b)));
    }
  });
});
