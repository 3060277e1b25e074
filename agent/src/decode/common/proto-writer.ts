import { LEN, VARINT } from './proto-reader.js';

/**
 * Just enough protobuf writing for the receivers' small replies (Export…ServiceResponse, google.rpc.Status),
 * each field in its own Buffer, and the varints the store writes in place into span chunks.
 */

/** Bytes a varint of `value` (a non-negative integer) takes. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/** Writes the varint of `value` at `at`; returns the offset after it. */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}

function varint(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(varintSize(value));
  writeVarint(bytes, 0, value);
  return bytes;
}

/** A varint field (non-negative integers only); zero is the default and is left out. */
export function varintField(field: number, value: number): Buffer {
  return value === 0 ? Buffer.alloc(0) : Buffer.concat([varint((field << 3) | VARINT), varint(value)]);
}

/** A length-delimited field (string, bytes or embedded message); empty values are left out. */
export function lenField(field: number, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return bytes.length === 0 ? bytes : Buffer.concat([varint((field << 3) | LEN), varint(bytes.length), bytes]);
}

export function message(...fields: Buffer[]): Buffer {
  return Buffer.concat(fields);
}
