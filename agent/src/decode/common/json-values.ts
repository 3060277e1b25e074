/**
 * OTLP/JSON scalar fields and AnyValue/KeyValue (protobuf JSON mapping with the OTLP exceptions: hex ids,
 * integer enums). Errors are OtlpDecodeErrors whose message starts with the path below the item being read;
 * callers prefix their own path segment when rethrowing, so paths are only built when something is wrong.
 */
import type { Attributes, AttrValue } from '../../model/otlp.js';
import { setAttribute } from '../../model/set-attribute.js';
import { OtlpDecodeError } from './decode-error.js';
import { idFromHex } from './ids.js';
import { capValue } from './limits.js';

export type JsonObject = Record<string, unknown>;

/** AnyValue nesting deeper than this is refused, as in the protobuf decoder. */
const MAX_DEPTH = 32;

/** A wrongly shaped value, with the path to it (e.g. `spans[3].traceId`) kept apart so parents can extend it. */
export class JsonShapeError extends OtlpDecodeError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}

export function fail(path: string, problem: string): never {
  throw new JsonShapeError(path, problem);
}

/** Prefixes a nested error's path with `segment`; other errors pass unchanged. */
export function within(segment: string, error: unknown): unknown {
  if (!(error instanceof JsonShapeError)) return error;
  const path = !error.path ? segment : error.path.startsWith('[') ? segment + error.path : `${segment}.${error.path}`;
  return new JsonShapeError(path, error.problem);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A field by its lowerCamelCase name, or its snake_case proto name (which the spec lets receivers accept); null is
 * absent, as in protobuf's JSON mapping. Given under both names it is one field given twice, which protobuf's JSON
 * parsers refuse: taking either would drop what the other holds.
 */
export function field(obj: JsonObject, camel: string, snake: string): unknown {
  const value = obj[camel];
  const other = obj[snake];
  if (value === undefined || value === null) return other;
  return camel === snake || other === undefined || other === null ? value : fail(camel, `given twice, as ${camel} and as ${snake}`);
}

export function objectAt(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  return isObject(value) ? value : fail(path, 'expected an object');
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : fail(path, 'expected an array');
}

export function stringAt(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? capValue(value) : fail(path, 'expected a string');
}

const INTEGER = /^-?\d+$/;
const UNSIGNED = /^\d+$/;

const TWO_POW_53 = 2 ** 53;

/**
 * int64 as a decimal string or a number: a number from -2^53 to 2^53 - 1, as the protobuf reader gives, else the
 * exact decimal text, since a double no longer holds every integer there.
 */
export function integerAt(value: unknown, path: string): number | string {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) {
    // Digits alone past 2^53 arrive as text (`json-groups.ts`); a number still this large was written with a
    // fraction or an exponent, and has been rounded already.
    if (value >= -TWO_POW_53 && value < TWO_POW_53) return value;
    return fail(path, 'an integer past 2^53 must be written as digits (a decimal string, as OTLP/JSON asks)');
  }
  if (typeof value !== 'string' || !INTEGER.test(value)) return fail(path, 'expected an integer (number or decimal string)');
  // A double holds every integer below 2^53 in size, and rounding never brings a larger one below it.
  const rounded = Number(value);
  return rounded > -TWO_POW_53 && rounded < TWO_POW_53 ? rounded : exactInt64(value, path);
}

function exactInt64(text: string, path: string): number | string {
  // More than 19 digits is past int64 however they go; BigInt of millions of them would take seconds.
  if (text.replace(/^-?0*/, '').length > 19) return fail(path, 'outside the int64 range');
  const exact = BigInt(text);
  if (exact < -(2n ** 63n) || exact >= 2n ** 63n) return fail(path, 'outside the int64 range');
  // -2^53 itself is still exact as a number, and the protobuf reader gives it so.
  return exact === -(2n ** 53n) ? -TWO_POW_53 : exact.toString();
}

/** A *_unix_nano field as float ms; decimal strings are split at the millisecond so no precision is lost. */
export function nanosToMsAt(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string' && UNSIGNED.test(value)) {
    if (value.length <= 15) return Number(value) / 1e6;
    // OTLP/JSON's decimal strings reach past protobuf's fixed64 (year 2554): the year 3000 is a time, taken as
    // sent; a time no date can hold would be stored as none at all (an infinite duration). Compared as digits:
    // BigInt of a string of millions of digits takes seconds.
    if (value.length >= LATEST_NANOS.length && pastLatest(value)) return fail(path, PAST_LATEST);
    const split = value.length - 6;
    return Number(value.slice(0, split)) + Number(value.slice(split)) / 1e6;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value <= Number(LATEST_NANOS) ? value / 1e6 : fail(path, PAST_LATEST);
  return fail(path, 'expected nanoseconds since the epoch (decimal string or number)');
}

/** Whether unsigned decimal digits say a number past `LATEST_NANOS`. */
function pastLatest(digits: string): boolean {
  const significant = digits.replace(/^0+/, '');
  return significant.length > LATEST_NANOS.length || (significant.length === LATEST_NANOS.length && significant > LATEST_NANOS);
}

/** The last nanosecond of the year 9999, the last an ISO 8601 date of four digits writes, as digits. */
const LATEST_NANOS = String(BigInt(Date.UTC(10000, 0, 1)) * 1_000_000n - 1n);
const PAST_LATEST = 'expected nanoseconds since the epoch, before the year 10000';

/** An enum as its integer value or its name (e.g. `SPAN_KIND_SERVER`). */
export function enumAt(value: unknown, names: Readonly<Record<string, number>>, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const known = names[value];
    if (known !== undefined) return known;
    if (INTEGER.test(value)) return Number(value);
  }
  return fail(path, `expected an enum number or name (e.g. ${Object.keys(names)[1]})`);
}

/** A hex id: '' when absent or all zero; throws when it is not `size` bytes of hex. */
export function idAt(value: unknown, size: number, path: string): string {
  const id = idFromHex(stringAt(value, path), size);
  return id ?? fail(path, `expected ${size * 2} hex characters`);
}

const DOUBLE_NAMES: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);
/** A number in JSON's syntax (exponent included), which the proto3 JSON mapping lets a double come as, in a string. */
const DOUBLE_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** double as a number, or a string holding one or naming NaN or ±Infinity (proto3 JSON mapping). */
function doubleAt(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const named = DOUBLE_NAMES.get(value);
    if (named !== undefined) return named;
    if (DOUBLE_TEXT.test(value)) return Number(value);
  }
  return fail('doubleValue', 'expected a number (or a string holding one)');
}

/** AnyValue (oneof; an object with none of the fields is null). Bytes stay base64 text, capped as strings are. */
export function anyValueAt(value: unknown, depth: number): AttrValue {
  if (!isObject(value)) return fail('', 'expected an AnyValue object');
  let v = field(value, 'stringValue', 'string_value');
  if (v !== undefined) return stringAt(v, 'stringValue');
  v = field(value, 'boolValue', 'bool_value');
  if (v !== undefined) return typeof v === 'boolean' ? v : fail('boolValue', 'expected true or false');
  v = field(value, 'intValue', 'int_value');
  if (v !== undefined) return integerAt(v, 'intValue');
  v = field(value, 'doubleValue', 'double_value');
  if (v !== undefined) return doubleAt(v);
  v = field(value, 'arrayValue', 'array_value');
  if (v !== undefined) return arrayValueAt(v, depth + 1);
  v = field(value, 'kvlistValue', 'kvlist_value');
  if (v !== undefined) return kvlistValueAt(v, depth + 1);
  v = field(value, 'bytesValue', 'bytes_value');
  if (v !== undefined) return stringAt(v, 'bytesValue');
  return null;
}

function arrayValueAt(value: unknown, depth: number): AttrValue[] {
  if (depth > MAX_DEPTH) fail('arrayValue', `AnyValue nested deeper than ${MAX_DEPTH} levels`);
  const list = arrayAt(objectAt(value, 'arrayValue')?.values, 'arrayValue.values');
  const values: AttrValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      values[i] = anyValueAt(list[i], depth);
    } catch (error) {
      throw within(`arrayValue.values[${i}]`, error);
    }
  }
  return values;
}

function kvlistValueAt(value: unknown, depth: number): Attributes {
  if (depth > MAX_DEPTH) fail('kvlistValue', `AnyValue nested deeper than ${MAX_DEPTH} levels`);
  try {
    return attributesAt(objectAt(value, 'kvlistValue')?.values, depth);
  } catch (error) {
    throw within('kvlistValue.values', error);
  }
}

function valueAt(value: unknown, depth: number): AttrValue {
  try {
    return anyValueAt(value, depth);
  } catch (error) {
    throw within('value', error);
  }
}

/** A repeated KeyValue list as an attribute object. */
export function attributesAt(value: unknown, depth = 0): Attributes {
  const attributes: Attributes = {};
  if (value === undefined || value === null) return attributes;
  if (!Array.isArray(value)) return fail('', 'expected an array of {key, value}');
  for (let i = 0; i < value.length; i++) {
    const kv = value[i];
    try {
      if (!isObject(kv)) fail('', 'expected a {key, value} object');
      setAttribute(attributes, stringAt(kv.key, 'key'), kv.value === undefined || kv.value === null ? null : valueAt(kv.value, depth));
    } catch (error) {
      throw within(`[${i}]`, error);
    }
  }
  return attributes;
}

/** `attributesAt` for a field named `segment`, which errors' paths start with. */
export function attributesIn(value: unknown, segment: string): Attributes {
  try {
    return attributesAt(value);
  } catch (error) {
    throw within(segment, error);
  }
}
