/**
 * Vectors of one length carved from shared chunks. V8 gives each `new Float64Array(n)` past a few
 * elements its own off-heap buffer, which cost ~0.5-1 µs apiece in a trace's hot loop (a profile
 * of the T=100,000 build put a quarter of the LSTM step's own time there); a view onto a chunk
 * costs ~0.1 µs. Every vector is fresh (zeros) and never handed out twice, except through a
 * RecycleScope. A view keeps its whole chunk alive, so a caller that keeps one vector in many (a
 * checkpoint's state) copies it.
 */
export class VecPool {
  private chunk: ArrayBuffer | null = null;
  private offset = 0;
  private left = 0;
  /** Chunks handed back by a RecycleScope, zeroed, taken before new ones. */
  private readonly spare: ArrayBuffer[] = [];

  /** Vectors of n f64s, `per` to a chunk. */
  constructor(
    readonly n: number,
    readonly per = 16,
  ) {}

  take(): Float64Array {
    if (this.left === 0) {
      this.chunk = this.spare.pop() ?? new ArrayBuffer(8 * this.n * this.per);
      this.offset = 0;
      this.left = this.per;
      open?.chunks.push([this, this.chunk]);
    }
    const v = new Float64Array(this.chunk as ArrayBuffer, this.offset, this.n);
    this.offset += 8 * this.n;
    this.left--;
    return v;
  }

  /** Takes back a chunk this pool handed out (RecycleScope.recycle). */
  private reuse(chunk: ArrayBuffer): void {
    new Uint8Array(chunk).fill(0);
    if (this.chunk === chunk) {
      this.chunk = null;
      this.left = 0;
    }
    this.spare.push(chunk);
    spared.add(this);
  }

  /** Lets every pool's spare chunks go (a build that recycled is done: they would stay allocated). */
  static dropSpares(): void {
    for (const pool of spared) pool.spare.length = 0;
    spared.clear();
  }

  /**
   * Opens a scope recording every chunk any pool starts while it is open, or null while another is
   * open. Its recycle() hands them back to their pools for the vectors to come: only for a caller
   * that knows no vector taken in the scope is reachable any more (a checkpointed trace's build, done
   * with a segment). Chunks started before the scope, and the vectors taken from them, stay as they are.
   */
  static scope(): RecycleScope | null {
    if (open) return null;
    return (open = new RecycleScope((pool, chunk) => pool.reuse(chunk)));
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

/** See VecPool.scope. */
export class RecycleScope {
  readonly chunks: [VecPool, ArrayBuffer][] = [];

  constructor(private readonly give: (pool: VecPool, chunk: ArrayBuffer) => void) {}

  /** Closes the scope and hands its chunks back, zeroed: every vector taken from them must be garbage. */
  recycle(): void {
    this.close();
    for (const [pool, chunk] of this.chunks) this.give(pool, chunk);
    this.chunks.length = 0;
  }

  /** Closes the scope, its chunks staying in use. */
  close(): void {
    if (open === this) open = null;
  }
}

let open: RecycleScope | null = null;
/** Pools holding spare chunks. */
const spared = new Set<VecPool>();
