/**
 * Vectors of one length carved from shared chunks. V8 gives each `new Float64Array(n)` past a few
 * elements its own off-heap buffer, which cost ~0.5-1 µs apiece in a trace's hot loop (a profile
 * of the T=100,000 build put a quarter of the LSTM step's own time there); a view onto a chunk
 * costs ~0.1 µs. Every vector is fresh (zeros) and never handed out twice. A view keeps its whole
 * chunk alive, so a caller that keeps one vector in many (a checkpoint's state) copies it.
 */
export class VecPool {
  private chunk: ArrayBuffer | null = null;
  private offset = 0;
  private left = 0;

  /** Vectors of n f64s, `per` to a chunk. */
  constructor(
    readonly n: number,
    readonly per = 16,
  ) {}

  take(): Float64Array {
    if (this.left === 0) {
      this.chunk = new ArrayBuffer(8 * this.n * this.per);
      this.offset = 0;
      this.left = this.per;
    }
    const v = new Float64Array(this.chunk as ArrayBuffer, this.offset, this.n);
    this.offset += 8 * this.n;
    this.left--;
    return v;
  }
}

/** fresh(n): a vector of n f64s from this function's own pool of that length (`per` vectors to a chunk). */
export function pooledByLength(per = 32): (n: number) => Float64Array {
  const pools = new Map<number, VecPool>();
  return (n) => {
    let pool = pools.get(n);
    if (!pool) pools.set(n, (pool = new VecPool(n, per)));
    return pool.take();
  };
}
