import { OtlpDecodeError } from './decode-error.js';
import { capValue, MAX_VALUE_CHARS } from './limits.js';

/** Protobuf wire types; the group types (3, 4) are deprecated and rejected. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

const TWO_POW_32 = 4294967296;
/** The high word of 2^53, from where on a double no longer holds every integer. */
const HI_OF_2_POW_53 = 0x200000;

/** A direct-mapped cache of short ASCII strings, shared by all readers (see `utf8`). */
const MAX_CACHED = 32;
const CACHE_BITS = 12;
const stringCache: string[] = new Array<string>(1 << CACHE_BITS).fill('');

// Node's native slicers behind `buf.toString(encoding, start, end)`, present on every Buffer, called directly
// to skip its argument handling on the hot path.
declare global {
  interface Buffer {
    utf8Slice(start: number, end: number): string;
    hexSlice(start: number, end: number): string;
    base64Slice(start: number, end: number): string;
    latin1Slice(start: number, end: number): string;
  }
}

/**
 * A minimal forward reader over one protobuf buffer (the shape of OTel JS's protobuf-reader.ts, with the
 * speed tricks of protobufjs' reader.js). Every read checks bounds against the buffer end; decode functions
 * check their own message end with `assertEnd`.
 */
export class ProtoReader {
  readonly buf: Buffer;
  readonly len: number;
  pos = 0;

  constructor(bytes: Uint8Array) {
    // A Buffer view (no copy) gives access to the native UTF-8 and hex slicers.
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.len = this.buf.length;
  }

  fail(what: string, at = this.pos): never {
    throw new OtlpDecodeError(`invalid protobuf: ${what} at offset ${at}`);
  }

  /** A varint of up to 32 bits, unrolled for the 1–5 byte forms; longer (negative int32) forms are consumed. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos + 10 > this.len) return this.uint32Slow();
    let b = buf[pos++]!;
    let value = b & 0x7f;
    if (b < 0x80) return (this.pos = pos), value;
    b = buf[pos++]!;
    value |= (b & 0x7f) << 7;
    if (b < 0x80) return (this.pos = pos), value;
    b = buf[pos++]!;
    value |= (b & 0x7f) << 14;
    if (b < 0x80) return (this.pos = pos), value;
    b = buf[pos++]!;
    value |= (b & 0x7f) << 21;
    if (b < 0x80) return (this.pos = pos), value;
    b = buf[pos++]!;
    value = (value | ((b & 0x0f) << 28)) >>> 0;
    if (b < 0x80) return (this.pos = pos), value;
    // Bits beyond 32 (a sign-extended int32 or an oversized value): up to five more bytes.
    for (let i = 0; i < 5; i++) if (buf[pos++]! < 0x80) return (this.pos = pos), value;
    return this.fail('varint longer than 10 bytes', this.pos);
  }

  /** The same as `uint32` near the end of the buffer, where every byte read is bounds-checked. */
  private uint32Slow(): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.len) return this.fail('truncated varint', start);
      const b = this.buf[this.pos++]!;
      if (i < 5) value = i < 4 ? value | ((b & 0x7f) << (7 * i)) : (value | ((b & 0x0f) << 28)) >>> 0;
      if (b < 0x80) return value;
    }
    return this.fail('varint longer than 10 bytes', start);
  }

  /** A field tag; field number 0 is invalid. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) this.fail('field number 0', this.pos - 1);
    return tag;
  }

  int32(): number {
    return this.uint32() | 0;
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  /**
   * An int64 varint: a number from -2^53 to 2^53 - 1 (the high word alone tells, so the common case stays one
   * comparison), else its exact decimal text, since a double no longer holds every integer there.
   */
  int64(): number | string {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.len) return this.fail('truncated varint', start);
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        if (hi >= -HI_OF_2_POW_53 && hi < HI_OF_2_POW_53) return hi < 0 ? -((~hi >>> 0) * TWO_POW_32 + (~lo >>> 0) + 1) : hi * TWO_POW_32 + (lo >>> 0);
        return ((BigInt(hi) << 32n) + BigInt(lo >>> 0)).toString();
      }
    }
    return this.fail('varint longer than 10 bytes', start);
  }

  double(): number {
    if (this.pos + 8 > this.len) this.fail('truncated double');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /**
   * A fixed64 count of nanoseconds since the epoch as float milliseconds. The value passes 2^53, so it is read
   * as two 32-bit halves and split exactly at the millisecond (2^32 = 4294 × 10^6 + 967296) before the one
   * rounding step.
   */
  fixed64Ms(): number {
    const pos = this.pos;
    if (pos + 8 > this.len) this.fail('truncated fixed64');
    const buf = this.buf;
    const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16)) + buf[pos + 3]! * 0x1000000;
    const hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16)) + buf[pos + 7]! * 0x1000000;
    this.pos = pos + 8;
    const rest = hi * 967296 + lo;
    const subMs = rest % 1e6;
    return hi * 4294 + (rest - subMs) / 1e6 + subMs / 1e6;
  }

  /** Reads a length prefix and returns the end offset of the bytes that follow (the reader stays at their start). */
  lengthEnd(): number {
    const start = this.pos;
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.len) this.fail(`length ${length} past the end of the buffer`, start);
    return end;
  }

  /** A length-delimited UTF-8 string, cut past `MAX_VALUE_CHARS` (no field of OTLP needs more). */
  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    const text = this.utf8(start, end);
    return end - start > MAX_VALUE_CHARS ? capValue(text) : text;
  }

  /**
   * UTF-8 text between two offsets. Short ASCII strings (attribute keys, step names, statuses) repeat from item
   * to item: they come from a small cache of already-made strings, which skips both the allocation and V8's
   * internalising of fresh strings used as property keys. The rest uses Buffer's native UTF-8 slice, faster
   * than TextDecoder or a JS loop.
   */
  utf8(start: number, end: number): string {
    const length = end - start;
    const buf = this.buf;
    if (length > MAX_CACHED || length === 0) return length === 0 ? '' : buf.utf8Slice(start, end);
    // The slot comes from the length and three bytes only; the full comparison below settles collisions.
    const mixed = length ^ (buf[start]! << 8) ^ (buf[start + (length >> 1)]! << 16) ^ (buf[end - 1]! << 24);
    const slot = Math.imul(mixed, 0x9e3779b1) >>> (32 - CACHE_BITS);
    const cached = stringCache[slot]!;
    if (cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) return cached;
    }
    for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return buf.utf8Slice(start, end);
    return (stringCache[slot] = buf.latin1Slice(start, end));
  }

  /** Skips a field's value by wire type, checking for truncation. */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.int64Skip();
        return;
      case I64:
        this.advance(8);
        return;
      case LEN:
        this.pos = this.lengthEnd();
        return;
      case I32:
        this.advance(4);
        return;
      default:
        this.fail(wireType === 3 || wireType === 4 ? 'group wire type not supported' : `invalid wire type ${wireType}`);
    }
  }

  private int64Skip(): void {
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.len) this.fail('truncated varint', start);
      if (this.buf[this.pos++]! < 0x80) return;
    }
    this.fail('varint longer than 10 bytes', start);
  }

  private advance(n: number): void {
    if (this.pos + n > this.len) this.fail(`truncated ${n * 8}-bit value`);
    this.pos += n;
  }

  /** Called at the end of each embedded message: a field must not run past its enclosing message. */
  assertEnd(end: number, message: string): void {
    if (this.pos !== end) this.fail(`${message} field runs past the end of the message`, end);
  }
}
