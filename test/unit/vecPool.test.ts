/**
 * VecPool's recycling (a checkpointed trace's build hands a swept segment's chunks back): a scope
 * hands back exactly the chunks started inside it, zeroed, to the pool that started them; vectors
 * from chunks started before it are never handed out again; one scope at a time.
 */
import { describe, expect, it } from 'vitest';
import { VecPool } from '../../src/engine/vecPool';
import { CheckpointedTrace } from '../../src/engine/checkpointedTrace';
import { randomProblem } from './helpers/randomProblem';

describe('VecPool.scope', () => {
  it('hands back the chunks started inside it, zeroed, and only those', () => {
    const pool = new VecPool(3, 2), other = new VecPool(5, 4);
    const before = pool.take(); // starts chunk A (one vector left in it)
    before.fill(7);
    const scope = VecPool.scope()!;
    expect(scope).not.toBeNull();
    expect(VecPool.scope()).toBeNull(); // one at a time
    const inA = pool.take(); // the last of chunk A: not recycled
    const inB = [pool.take(), pool.take()]; // chunk B, started in the scope
    const o = other.take(); // other's chunk C
    inA.fill(1);
    inB.forEach((v) => v.fill(2));
    o.fill(3);
    scope.recycle();
    expect(Array.from(before)).toEqual([7, 7, 7]);
    expect(Array.from(inA)).toEqual([1, 1, 1]);
    expect(inB.map((v) => Array.from(v))).toEqual([[0, 0, 0], [0, 0, 0]]); // zeroed
    // The pool's next vectors come from B again, fresh; A's are never handed out twice.
    const again = [pool.take(), pool.take()];
    expect(again.map((v) => v.buffer)).toEqual([inB[0].buffer, inB[1].buffer]);
    expect(again.map((v) => v.byteOffset)).toEqual([inB[0].byteOffset, inB[1].byteOffset]);
    expect(again[0].buffer).not.toBe(before.buffer);
    expect(other.take().buffer).toBe(o.buffer); // each chunk back to the pool that started it
    expect(Array.from(o)).toEqual([0, 0, 0, 0, 0]);
    // A closed scope keeps its chunks in use; then a new scope can open.
    const kept = VecPool.scope()!;
    const v = pool.take();
    v.fill(4);
    kept.close();
    pool.take().fill(5);
    pool.take().fill(6);
    expect(Array.from(v)).toEqual([4, 4, 4]);
    VecPool.dropSpares();
    expect(VecPool.scope()).not.toBeNull();
  });

  it("a checkpointed trace's build recycles and still equals one built with no recycling (a cache of every segment)", () => {
    const problem = randomProblem({ cell: 'lstm', H: 48, D: 64, K: 9, T: 150, seed: 2, scale: 0.5, nullRate: 0.1 });
    const recycled = new CheckpointedTrace(problem, problem.params, { cacheSegments: 1 });
    const kept = new CheckpointedTrace(problem, problem.params, { cacheSegments: 1000 });
    expect(recycled.loss).toBe(kept.loss);
    for (const k of Object.keys(kept.grads)) expect(Array.from(recycled.grads[k].data), k).toEqual(Array.from(kept.grads[k].data));
    expect(recycled.dhNorms()).toEqual(kept.dhNorms());
    for (const t of [150, 1, 77, 140, 13]) {
      expect(Array.from(recycled.forward(t).h)).toEqual(Array.from(kept.forward(t).h));
      expect(Array.from(recycled.backward(t).dh)).toEqual(Array.from(kept.backward(t).dh));
      const a = recycled.accumulated(t), b = kept.accumulated(t);
      for (const k of Object.keys(b)) expect(Array.from(a[k].data), `${k} at ${t}`).toEqual(Array.from(b[k].data));
    }
  });
});
