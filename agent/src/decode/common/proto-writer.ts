import { LEN, VARINT } from './proto-reader.js';

/**
 * Just enough protobuf writing for the receivers' small replies (Export…ServiceResponse, google.rpc.Status):
 * each field is written into its own Buffer and concatenated, which is plenty for messages of a few bytes.
 */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
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
