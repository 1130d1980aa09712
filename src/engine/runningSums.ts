/**
 * The checkpointed trace's running parameter-gradient sums, Σ_{j=t}^{T} contribution(j): kept at
 * T + 1 and at every sumEvery-th multiple of the stride, sumEvery chosen so the kept ones fit a byte
 * budget; a sum between kept ones is rebuilt on demand from the next kept one above it (the last
 * one rebuilt is kept too).
 */
import type { Params } from './types';
import { cloneParams } from './params';

export class RunningSums {
  /** Sums are kept at every sumEvery-th multiple of the stride. */
  readonly sumEvery: number;
  private readonly kept = new Map<number, Params>();
  private rebuilt: { t: number; sum: Params } | null = null;

  constructor(
    params: Params,
    private readonly T: number,
    private readonly stride: number,
    budgetBytes = 96 * 2 ** 20,
  ) {
    const sumBytes = 8 * Object.values(params).reduce((a, p) => a + p.data.length, 0);
    this.sumEvery = Math.max(1, Math.ceil((Math.floor(T / stride) * sumBytes) / budgetBytes));
  }

  /** Whether the sum at segment start t is kept (T + 1 always is). */
  keeps(t: number): boolean {
    return t === this.T + 1 || (t % this.stride === 0 && (t / this.stride) % this.sumEvery === 0);
  }

  /** Keeps a copy of the sum at t. */
  keep(t: number, sum: Params): void {
    this.kept.set(t, cloneParams(sum));
  }

  /**
   * The sum at c (T + 1 or a multiple of the stride): kept, or rebuilt by addDown(sum, above), which
   * adds into a copy of the kept sum at `above` the steps from above - 1 down to c.
   */
  at(c: number, addDown: (sum: Params, above: number) => void): Params {
    const kept = this.kept.get(c);
    if (kept) return kept;
    if (this.rebuilt?.t === c) return this.rebuilt.sum;
    let above = c + this.stride;
    while (above <= this.T && !this.kept.has(above)) above += this.stride;
    if (above > this.T) above = this.T + 1;
    const sum = cloneParams(this.kept.get(above) as Params);
    addDown(sum, above);
    this.rebuilt = { t: c, sum };
    return sum;
  }
}
