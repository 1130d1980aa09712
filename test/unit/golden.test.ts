/**
 * Golden fixtures: the engine against an independent PyTorch (autograd, float64) implementation.
 * The fixtures are written by scripts/golden.py; each holds a spec with every parameter explicit,
 * and the expected loss, forward and backward records and parameter gradients.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrace } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';

const DIR = join(__dirname, '..', 'fixtures', 'golden');
const TOL = 1e-10;

type Nested = number | Nested[];

interface Golden {
  about: string;
  spec: Record<string, unknown>;
  expected: {
    loss: number;
    forward: { h: number[]; c?: number[]; y: number[]; z: number[]; gates: Record<string, number[]>; loss: number | null }[];
    backward: { dh: number[]; dh_from_output: number[]; dh_from_future: number[]; dc?: number[]; dz: number[] }[];
    grads: Record<string, Nested>;
  };
}

function flat(v: Nested): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

function shapeOf(v: Nested): number[] {
  return Array.isArray(v) ? [v.length, ...(v.length && Array.isArray(v[0]) ? shapeOf(v[0]) : [])] : [];
}

/** Every entry within TOL, relative to the larger magnitude or absolute below 1. */
function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e) / Math.max(1, Math.abs(a), Math.abs(e));
    if (!(err <= TOL)) expect.fail(`${what}[${i}]: got ${a}, expected ${e} (error ${err})`);
  }
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('golden fixtures (PyTorch autograd)', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    const g = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Golden;
    it(`${file}: ${g.about.split('.')[0]}`, () => {
      const { problem, diagnostics } = loadSpec(JSON.stringify(g.spec), { format: 'json', file });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(problem).not.toBeNull();
      const trace = runTrace(problem!);
      const ex = g.expected;
      expect(trace.T).toBe(ex.forward.length);
      close([trace.loss], [ex.loss], 'loss');

      for (let t = 1; t <= trace.T; t++) {
        const f = trace.forward(t);
        const ef = ex.forward[t - 1];
        close(f.h, ef.h, `forward(${t}).h`);
        if (ef.c) close(f.c ?? [], ef.c, `forward(${t}).c`);
        else expect(f.c, `forward(${t}).c`).toBeUndefined();
        close(f.z, ef.z, `forward(${t}).z`);
        close(f.y, ef.y, `forward(${t}).y`);
        expect(Object.keys(f.gates).sort(), `forward(${t}).gates`).toEqual(Object.keys(ef.gates).sort());
        for (const [q, v] of Object.entries(ef.gates)) close(f.gates[q], v, `forward(${t}).gates.${q}`);
        if (ef.loss === null) expect(f.loss, `forward(${t}).loss`).toBeNull();
        else close([f.loss as number], [ef.loss], `forward(${t}).loss`);

        const b = trace.backward(t);
        const eb = ex.backward[t - 1];
        close(b.dh, eb.dh, `backward(${t}).dh`);
        close(b.dh_from_output, eb.dh_from_output, `backward(${t}).dh_from_output`);
        close(b.dh_from_future, eb.dh_from_future, `backward(${t}).dh_from_future`);
        close(b.dz, eb.dz, `backward(${t}).dz`);
        if (eb.dc) close(b.dc ?? [], eb.dc, `backward(${t}).dc`);
        else expect(b.dc, `backward(${t}).dc`).toBeUndefined();
      }

      expect(Object.keys(trace.grads).sort()).toEqual(Object.keys(ex.grads).sort());
      for (const [name, v] of Object.entries(ex.grads)) {
        const shape = shapeOf(v);
        expect(trace.grads[name].shape, `grads.${name}.shape`).toEqual(shape);
        close(trace.grads[name].data, flat(v), `grads.${name}`);
      }
      // The running sum at t = 1 is the whole gradient.
      const acc = trace.accumulated(1);
      for (const [name, v] of Object.entries(ex.grads)) close(acc[name].data, flat(v), `accumulated(1).${name}`);
    });
  }
});
