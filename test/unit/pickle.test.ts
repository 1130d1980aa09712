/**
 * The restricted unpickler's byte reading on hand-assembled pickles (values as Python's
 * pickle.loads gives them), and each refusal naming the byte of the opcode being read.
 */
import { describe, expect, it } from 'vitest';
import { unpickle } from '../../src/engine/pytorch/pickle';

/** Protocol 2 header, the opcodes, STOP. */
const pkl = (...body: number[]): Uint8Array => Uint8Array.from([0x80, 0x02, ...body, 0x2e]);
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

describe('unpickle: reading the bytes', () => {
  it('integers: BININT1, BININT2, BININT (signed), LONG1 (two\'s complement, any length up to 8)', () => {
    expect(unpickle(pkl(0x4b, 0x05))).toBe(5);
    expect(unpickle(pkl(0x4d, 0x34, 0x12))).toBe(0x1234);
    expect(unpickle(pkl(0x4a, 0xfe, 0xff, 0xff, 0xff))).toBe(-2);
    expect(unpickle(pkl(0x8a, 0x02, 0xff, 0xff))).toBe(-1);
    expect(unpickle(pkl(0x8a, 0x01, 0x80))).toBe(-128);
    expect(unpickle(pkl(0x8a, 0x02, 0x80, 0x00))).toBe(128);
    expect(unpickle(pkl(0x8a, 0x00))).toBe(0);
    expect(unpickle(pkl(0x8a, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f))).toBe(2 ** 53 - 1);
  });

  it('BINFLOAT is big-endian; strings are UTF-8 of the length given (1, 4 or 8 bytes)', () => {
    expect(unpickle(pkl(0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0))).toBe(1.5);
    expect(unpickle(pkl(0x8c, 0x03, ...ascii('abc')))).toBe('abc');
    expect(unpickle(pkl(0x58, 0x02, 0, 0, 0, 0xc3, 0xa9))).toBe('é');
    expect(unpickle(pkl(0x8d, 0x01, 0, 0, 0, 0, 0, 0, 0, ...ascii('x')))).toBe('x');
  });

  it('refusals name the byte of the opcode being read', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 0x02, 0x58, 0x05, 0, 0, 0, ...ascii('ab')]))).toThrow('data.pkl is truncated at byte 7 (needed 5 more bytes)');
    expect(() => unpickle(pkl(0x4b, 0x01, 0x69))).toThrow('data.pkl byte 4: refused opcode INST');
    expect(() => unpickle(pkl(0x8c, 0x01, 0xff))).toThrow('data.pkl byte 2: a string that is not UTF-8');
    expect(() => unpickle(pkl(0x95, 0, 0, 0, 0, 0, 0, 0x20, 0))).toThrow('data.pkl byte 2: a length past 2^53');
    expect(() => unpickle(pkl(0x8a, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toThrow('data.pkl byte 2: an integer of 9 bytes');
    expect(() => unpickle(pkl(0x8a, 0x07, 0, 0, 0, 0, 0, 0, 0x20))).toThrow('data.pkl byte 2: an integer past 2^53');
    expect(() => unpickle(pkl(0x63, ...ascii('builtins'), 0x0a, ...ascii('eval')))).toThrow('data.pkl byte 2: GLOBAL without a short line');
  });
});
