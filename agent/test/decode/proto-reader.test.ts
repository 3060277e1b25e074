/** The protobuf reader against protobufjs' writer: varint sizes, 64-bit values, truncation, wire types. */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../src/decode/common/decode-error.js';
import { ProtoReader } from '../../src/decode/common/proto-reader.js';

const Writer = protobuf.Writer;
const bytes = (write: (w: protobuf.Writer) => void) => {
  const w = Writer.create();
  write(w);
  return w.finish();
};

describe('ProtoReader', () => {
  it('reads uint32 varints at every size boundary', () => {
    const values = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1];
    const r = new ProtoReader(bytes((w) => values.forEach((v) => w.uint32(v))));
    expect(values.map(() => r.uint32())).toEqual(values);
    expect(r.pos).toBe(r.len);
  });

  it('reads the same values bounds-checked near the end of the buffer', () => {
    for (const v of [0, 300, 2 ** 28, 2 ** 32 - 1]) expect(new ProtoReader(bytes((w) => w.uint32(v))).uint32()).toBe(v);
  });

  it('reads negative int32 written as ten-byte varints', () => {
    const values = [-1, -2, -(2 ** 31), 2 ** 31 - 1];
    const r = new ProtoReader(bytes((w) => values.forEach((v) => w.int32(v))));
    expect(values.map(() => r.int32())).toEqual(values);
  });

  it('reads int64 varints around 2^32 and 2^53, and negative ones', () => {
    const values = [0, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 7, 2 ** 53 - 1, -1, -(2 ** 32), -(2 ** 53 - 1)];
    const r = new ProtoReader(bytes((w) => values.forEach((v) => w.int64(v))));
    expect(values.map(() => r.int64())).toEqual(values);
  });

  it('reads int64 varints past 2^53 as their exact decimal text, -2^53 still as a number', () => {
    const values = [2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 53n), -(2n ** 53n) - 1n, -(2n ** 63n)];
    const r = new ProtoReader(bytes((w) => values.forEach((v) => w.int64(v.toString()))));
    expect(values.map(() => r.int64())).toEqual(['9007199254740992', '9007199254740993', '9223372036854775807', -(2 ** 53), '-9007199254740993', '-9223372036854775808']);
    expect(r.pos).toBe(r.len);
  });

  it('converts fixed64 nanoseconds past 2^53 to milliseconds without float summing errors', () => {
    const nanos = [0n, 999_999n, 1_000_000n, 2n ** 32n, 2n ** 53n + 1n, 1_767_225_600_123_456_789n, 18_446_744_073_709_551_615n];
    const buf = Buffer.alloc(nanos.length * 8);
    nanos.forEach((n, i) => buf.writeBigUInt64LE(n, i * 8));
    const r = new ProtoReader(buf);
    for (const n of nanos) {
      // The exact value rounded once: whole milliseconds plus the sub-millisecond remainder.
      expect(r.fixed64Ms()).toBe(Number(n / 1_000_000n) + Number(n % 1_000_000n) / 1e6);
    }
    expect(new ProtoReader(Buffer.from('15cd55f551728618', 'hex')).fixed64Ms()).toBe(1_767_225_600_123.4568);
  });

  it('reads doubles, strings (ASCII, cached, multi-byte, long) and length-delimited ends', () => {
    const long = 'x'.repeat(100) + 'é';
    const r = new ProtoReader(bytes((w) => w.double(-1.5).string('key').string('key').string('Zürich 東京 🚀').string(long).bytes(new Uint8Array([1, 2, 3]))));
    expect([r.double(), r.string(), r.string(), r.string(), r.string()]).toEqual([-1.5, 'key', 'key', 'Zürich 東京 🚀', long]);
    const end = r.lengthEnd();
    expect(end - r.pos).toBe(3);
  });

  it('skips every wire type and rejects groups and invalid wire types', () => {
    const r = new ProtoReader(bytes((w) => w.uint32(8).int64(-1).uint32(17).fixed64(5).uint32(26).string('abc').uint32(45).fixed32(9).uint32(48).uint32(7)));
    for (let i = 0; i < 4; i++) r.skip(r.tag() & 7);
    expect(r.tag()).toBe(48);
    expect(r.uint32()).toBe(7);
    for (const wire of [3, 4]) expect(() => new ProtoReader(new Uint8Array([(1 << 3) | wire])).skip(wire)).toThrow('group wire type not supported');
    for (const wire of [6, 7]) expect(() => new ProtoReader(new Uint8Array([0])).skip(wire)).toThrow(`invalid wire type ${wire}`);
    expect(() => new ProtoReader(new Uint8Array([0x00])).tag()).toThrow('field number 0');
  });

  it('throws OtlpDecodeError with the offset on truncation', () => {
    const cases: [Uint8Array, (r: ProtoReader) => unknown, string][] = [
      [new Uint8Array([0x80]), (r) => r.uint32(), 'truncated varint at offset 0'],
      [new Uint8Array([0xff, 0xff]), (r) => r.int64(), 'truncated varint at offset 0'],
      [new Uint8Array(11).fill(0xff), (r) => r.uint32(), 'varint longer than 10 bytes at offset 0'],
      [new Uint8Array([1, 2, 3]), (r) => r.double(), 'truncated double at offset 0'],
      [new Uint8Array([1, 2, 3, 4, 5, 6, 7]), (r) => r.fixed64Ms(), 'truncated fixed64 at offset 0'],
      [new Uint8Array([0x05, 0x61]), (r) => r.string(), 'length 5 past the end of the buffer at offset 0'],
      [new Uint8Array([0x01, 0x02]), (r) => (r.pos++, r.skip(1)), 'truncated 64-bit value at offset 1'],
      [new Uint8Array([0x01]), (r) => r.skip(5), 'truncated 32-bit value at offset 0'],
      [new Uint8Array([0x80, 0x80]), (r) => r.skip(0), 'truncated varint at offset 0'],
    ];
    for (const [input, read, message] of cases) {
      const r = new ProtoReader(input);
      expect(() => read(r)).toThrow(OtlpDecodeError);
      expect(() => read(new ProtoReader(input))).toThrow(`invalid protobuf: ${message}`);
    }
  });

  it('checks that an embedded message ends where its length says', () => {
    const r = new ProtoReader(new Uint8Array([0x08, 0x96, 0x01]));
    r.tag();
    r.uint32();
    expect(() => r.assertEnd(2, 'Span')).toThrow('invalid protobuf: Span field runs past the end of the message at offset 2');
  });
});
