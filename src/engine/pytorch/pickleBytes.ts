/**
 * The bytes of data.pkl as the unpickler reads them: little-endian integers, strings that must be
 * UTF-8, GLOBAL's short lines, LONG1's two's complement, BINFLOAT's big-endian double; every read
 * bounded by what is left, every refusal naming the byte of the opcode being read (at).
 */
import { fail } from './errors';
import { utf8 } from './tensor';

export class PickleBytes {
  /** The next byte to read. */
  private pos = 0;
  /** Where the opcode being read starts (named in errors). */
  at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next opcode; its position becomes `at`. */
  opcode(): number {
    this.at = this.pos;
    return this.u8();
  }

  /** Takes n bytes; returns where they start. */
  need(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length) fail(`data.pkl is truncated at byte ${this.pos} (needed ${n} more bytes)`);
    const start = this.pos;
    this.pos += n;
    return start;
  }

  u8(): number {
    return this.bytes[this.need(1)];
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }

  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi > 0x1fffff) fail(`data.pkl byte ${this.at}: a length past 2^53`);
    return hi * 2 ** 32 + lo;
  }

  /** BINFLOAT: a big-endian double. */
  f64be(): number {
    return this.view.getFloat64(this.need(8), false);
  }

  /** LONG1: a little-endian two's complement integer of n bytes (n <= 8 here), safe in a double. */
  long1(): number {
    const n = this.u8();
    if (n > 8) fail(`data.pkl byte ${this.at}: an integer of ${n} bytes`);
    const s = this.need(n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.bytes[s + i];
    if (n > 0 && this.bytes[s + n - 1] & 0x80) v -= 2 ** (8 * n);
    if (!Number.isSafeInteger(v)) fail(`data.pkl byte ${this.at}: an integer past 2^53`);
    return v;
  }

  str(n: number): string {
    const s = this.need(n);
    return utf8(this.bytes.subarray(s, s + n)) ?? fail(`data.pkl byte ${this.at}: a string that is not UTF-8`);
  }

  /** A GLOBAL's line (module or name), at most 256 bytes, without its newline. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > 256) fail(`data.pkl byte ${this.at}: GLOBAL without a short line`);
    return this.str(end - this.pos + 1).slice(0, -1);
  }
}
