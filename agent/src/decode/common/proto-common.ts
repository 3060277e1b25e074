import type { Attributes, AttrValue } from '../../model/otlp.js';
import { setAttribute } from '../../model/set-attribute.js';
import { OtlpDecodeError } from './decode-error.js';
import { capValue } from './limits.js';
import { I64, LEN, VARINT, type ProtoReader } from './proto-reader.js';

/** AnyValue nesting deeper than this is refused (protobufjs' recursion limit is the same idea). */
const MAX_DEPTH = 32;

/**
 * opentelemetry.proto.common.v1.KeyValue, decoded into `target`:
 *   1 key   string   LEN
 *   2 value AnyValue LEN
 */
function decodeKeyValueInto(r: ProtoReader, end: number, target: Attributes, depth: number): void {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        key = r.string();
        break;
      case (2 << 3) | LEN:
        value = decodeAnyValue(r, r.lengthEnd(), depth);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'KeyValue');
  setAttribute(target, key, value);
}

/** Reads one length-delimited KeyValue (a repeated `attributes` field) into `target`. */
export function readAttribute(r: ProtoReader, target: Attributes): void {
  decodeKeyValueInto(r, r.lengthEnd(), target, 0);
}

/**
 * opentelemetry.proto.common.v1.AnyValue (oneof; an empty AnyValue is null):
 *   1 string_value string        LEN
 *   2 bool_value   bool          VARINT
 *   3 int_value    int64         VARINT  → number, or decimal text past 2^53
 *   4 double_value double        I64
 *   5 array_value  ArrayValue    LEN
 *   6 kvlist_value KeyValueList  LEN
 *   7 bytes_value  bytes         LEN     → base64 text, as in OTLP/JSON (capped as strings are)
 */
export function decodeAnyValue(r: ProtoReader, end: number, depth: number): AttrValue {
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        value = r.string();
        break;
      case (2 << 3) | VARINT:
        value = r.bool();
        break;
      case (3 << 3) | VARINT:
        value = r.int64();
        break;
      case (4 << 3) | I64:
        value = r.double();
        break;
      case (5 << 3) | LEN:
        value = decodeArrayValue(r, r.lengthEnd(), depth + 1);
        break;
      case (6 << 3) | LEN:
        value = decodeKeyValueList(r, r.lengthEnd(), depth + 1);
        break;
      case (7 << 3) | LEN: {
        const bytesEnd = r.lengthEnd();
        value = capValue(r.buf.base64Slice(r.pos, bytesEnd));
        r.pos = bytesEnd;
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'AnyValue');
  return value;
}

/**
 * The structure around a too-deep value is intact (every length is known), so the decoder drops only the span or
 * log record holding it (or, in a resource, that resource's items), as the JSON decoder does, instead of the whole
 * request.
 */
export class NestingTooDeepError extends OtlpDecodeError {}

function checkDepth(r: ProtoReader, depth: number): void {
  if (depth > MAX_DEPTH) throw new NestingTooDeepError(`AnyValue nested deeper than ${MAX_DEPTH} levels at offset ${r.pos}`);
}

/**
 * opentelemetry.proto.common.v1.ArrayValue:
 *   1 values repeated AnyValue LEN
 */
function decodeArrayValue(r: ProtoReader, end: number, depth: number): AttrValue[] {
  checkDepth(r, depth);
  const values: AttrValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) values.push(decodeAnyValue(r, r.lengthEnd(), depth));
    else r.skip(tag & 7);
  }
  r.assertEnd(end, 'ArrayValue');
  return values;
}

/**
 * opentelemetry.proto.common.v1.KeyValueList:
 *   1 values repeated KeyValue LEN
 */
function decodeKeyValueList(r: ProtoReader, end: number, depth: number): Attributes {
  checkDepth(r, depth);
  const values: Attributes = {};
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) decodeKeyValueInto(r, r.lengthEnd(), values, depth);
    else r.skip(tag & 7);
  }
  r.assertEnd(end, 'KeyValueList');
  return values;
}

/**
 * opentelemetry.proto.resource.v1.Resource (only the attributes), decoded into the group's shared object
 * (items decoded before it on the wire already point at that object):
 *   1 attributes               repeated KeyValue LEN
 *   2 dropped_attributes_count uint32            VARINT (skipped)
 */
export function decodeResourceInto(r: ProtoReader, end: number, attributes: Attributes): void {
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) readAttribute(r, attributes);
    else r.skip(tag & 7);
  }
  r.assertEnd(end, 'Resource');
}

export interface Scope {
  name: string;
  version: string;
}

/**
 * opentelemetry.proto.common.v1.InstrumentationScope (name and version):
 *   1 name    string LEN
 *   2 version string LEN
 *   3 attributes, 4 dropped_attributes_count (skipped)
 */
export function decodeScope(r: ProtoReader, end: number): Scope {
  const scope = { name: '', version: '' };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        scope.name = r.string();
        break;
      case (2 << 3) | LEN:
        scope.version = r.string();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.assertEnd(end, 'InstrumentationScope');
  return scope;
}
