/**
 * The memory the WebAssembly kernels' operands live in (see wasm.ts): matrices that many products
 * share (the parameters during a pass) are copied in once and stay while `pin`ned, a stack; every
 * other operand is copied into a scratch area above them for one call, and its result copied back.
 * The call-frame methods (begin, slot, scratch, back) are public so that a cell's own wrappers in
 * their own files (wasmLstm.ts) place operands as wasm.ts does.
 */

/** The part of the WebAssembly API's memory used here (the engine's lib has no DOM typings). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 65536;
/** Operands are placed at multiples of 16 bytes (one v128). */
export const align = (bytes: number): number => (bytes + 15) & ~15;

export class WasmArena {
  f64: Float64Array;
  /** End of the pinned (resident) arrays: a stack, scratch above. */
  protected top = 0;
  private readonly resident = new Map<Float64Array, { at: number; count: number }>();
  /** Pinned arrays in pinning order, to release a stack frame. */
  private readonly stack: Float64Array[] = [];

  constructor(private readonly memory: WasmMemory) {
    this.f64 = new Float64Array(memory.buffer);
  }

  /** Makes the memory at least `bytes` long, refreshing the view (growing detaches the old buffer). */
  protected reserve(bytes: number): void {
    if (bytes <= this.f64.byteLength) return;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.f64 = new Float64Array(this.memory.buffer);
  }

  /** The byte offset of a pinned array, or undefined. */
  residentAt(a: Float64Array): number | undefined {
    return this.resident.get(a)?.at;
  }

  /** Copies the arrays into wasm memory until the matching release(mark); returns the mark. */
  pin(arrays: Float64Array[]): number {
    const mark = this.stack.length;
    for (const a of arrays) {
      const r = this.resident.get(a);
      if (r) r.count++;
      else {
        const at = this.top;
        this.reserve(at + a.byteLength);
        this.f64.set(a, at / 8);
        this.resident.set(a, { at, count: 1 });
        this.top = align(at + a.byteLength);
      }
      this.stack.push(a);
    }
    return mark;
  }

  /** Releases what was pinned since `mark` (pins nest as a stack). */
  release(mark: number): void {
    while (this.stack.length > mark) {
      const a = this.stack.pop() as Float64Array;
      const r = this.resident.get(a) as { at: number; count: number };
      if (--r.count === 0) {
        this.resident.delete(a);
        if (r.at + a.byteLength <= this.top) this.top = r.at;
      }
    }
  }

  /** Next free byte of the scratch area during one call. */
  protected cursor = 0;

  /** Starts a call whose copied operands take at most `bytes`: scratch begins above the pinned arrays. */
  begin(bytes: number): void {
    this.reserve(this.top + bytes + 16 * 8);
    this.cursor = this.top;
  }

  /** The byte offset of an operand: where it is resident, else a fresh copy in scratch. */
  slot(a: Float64Array): number {
    const r = this.resident.get(a);
    if (r !== undefined) return r.at;
    const at = this.cursor;
    this.f64.set(a, at >> 3);
    this.cursor = align(at + a.byteLength);
    return at;
  }

  /** Copies a written operand back from wasm memory. */
  back(a: Float64Array, at: number): void {
    a.set(this.f64.subarray(at >> 3, (at >> 3) + a.length));
  }

  /** `n` f64s of scratch during one call (contents undefined). */
  scratch(n: number): number {
    const at = this.cursor;
    this.cursor = align(at + 8 * n);
    return at;
  }
}
