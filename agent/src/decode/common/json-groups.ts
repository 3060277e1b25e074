import type { Attributes, Rejected } from '../../model/otlp.js';
import { OtlpDecodeError } from './decode-error.js';
import type { DecodedRequest, ResourceGroup, ScopeGroup } from './groups.js';
import { arrayAt, attributesIn, field, isObject, JsonShapeError, objectAt, stringAt, within, type JsonObject } from './json-values.js';
import { noneRejected, reject } from './rejected.js';

/** The JSON names of one signal's levels, lowerCamelCase then snake_case. */
export interface JsonLevelNames {
  groups: readonly [string, string];
  scopes: readonly [string, string];
  items: readonly [string, string];
}

/**
 * Decodes one item; throws a JsonShapeError (path relative to the item) to drop it into `rejected`, and notes in
 * `adjusted` an item it kept with a value made sane.
 */
export type JsonItemDecoder<T> = (item: JsonObject, resource: Attributes, scopeName: string, adjusted: Rejected) => T;

/**
 * An OTLP/JSON Export…ServiceRequest: `{ resourceSpans|resourceLogs: [{ resource: { attributes },
 * scopeSpans|scopeLogs: [{ scope: { name, version }, spans|logRecords: [...] }] }] }`. Only a top level that is
 * not usable fails the request; a wrongly shaped group or item is dropped into `rejected` with its path.
 */
export function decodeJsonExportRequest<T>(body: Buffer, names: JsonLevelNames, decodeItem: JsonItemDecoder<T>): DecodedRequest<T> {
  const request: DecodedRequest<T> = { groups: [], count: 0, rejected: noneRejected(), adjusted: noneRejected() };
  if (body.length === 0) return request;
  let root: unknown;
  try {
    // Buffer's native UTF-8 slice avoids TextDecoder's per-call overhead.
    root = JSON.parse(exactIntValues(body.utf8Slice(0, body.length)));
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new OtlpDecodeError('invalid OTLP/JSON: expected an object at the top level');
  const groups = arrayAt(field(root, ...names.groups), names.groups[0]);
  for (let g = 0; g < groups.length; g++) {
    try {
      const group = decodeGroup(groups[g], `${names.groups[0]}[${g}]`, names, decodeItem, request);
      if (group.scopes.length > 0) request.groups.push(group);
    } catch (error) {
      const shaped = within(`${names.groups[0]}[${g}]`, error);
      if (!(shaped instanceof JsonShapeError)) throw shaped;
      reject(request.rejected, shaped.message, countItems(groups[g], names));
    }
  }
  return request;
}

/**
 * An `intValue` of 16 digits or more, written as a JSON number where a key may stand (after `{` or `,`; inside a
 * string its quotes would be escaped).
 */
const LONG_INT_VALUE = /([{,]\s*"int(?:Value|_value)"\s*:\s*)(-?[1-9]\d{15,})(?=\s*[,}])/g;
/** Whether the text may hold one (a number with zeros before it is no JSON, and stays refused). */
const MAY_HOLD_LONG_INT = /"int(?:Value|_value)"\s*:\s*-?[1-9]\d{15}/;

/**
 * OTLP/JSON writes an int64 as a decimal string, but some senders write a JSON number, which `JSON.parse` rounds
 * past 2^53 (an id 9007199254740993 would be stored as ...992): such numbers are quoted first, so they decode
 * exactly, as the strings do. (A key written with escapes, `"int\u0056alue"`, is not recognised: such a number is
 * still rounded.)
 */
function exactIntValues(text: string): string {
  return MAY_HOLD_LONG_INT.test(text) ? text.replace(LONG_INT_VALUE, '$1"$2"') : text;
}

function decodeGroup<T>(
  value: unknown,
  groupPath: string,
  names: JsonLevelNames,
  decodeItem: JsonItemDecoder<T>,
  request: DecodedRequest<T>,
): ResourceGroup<T> {
  const group = objectAt(value, '') ?? {};
  const resource = objectAt(group.resource, 'resource');
  const attributes = attributesIn(resource?.attributes, 'resource.attributes');
  const scopes = arrayAt(field(group, ...names.scopes), names.scopes[0]);
  const decoded: ResourceGroup<T> = { resource: attributes, scopes: [] };
  for (let s = 0; s < scopes.length; s++) {
    try {
      const scope = decodeScope(scopes[s], attributes, names, decodeItem, request, groupPath, s);
      request.count += scope.items.length;
      if (scope.items.length > 0) decoded.scopes.push(scope);
    } catch (error) {
      const shaped = within(`${groupPath}.${names.scopes[0]}[${s}]`, error);
      if (!(shaped instanceof JsonShapeError)) throw shaped;
      reject(request.rejected, shaped.message, countScopeItems(scopes[s], names));
    }
  }
  return decoded;
}

function decodeScope<T>(
  value: unknown,
  resource: Attributes,
  names: JsonLevelNames,
  decodeItem: JsonItemDecoder<T>,
  { rejected, adjusted }: DecodedRequest<T>,
  groupPath: string,
  s: number,
): ScopeGroup<T> {
  const scopeGroup = objectAt(value, '') ?? {};
  const scope = objectAt(scopeGroup.scope, 'scope');
  const decoded: ScopeGroup<T> = {
    scopeName: stringAt(scope?.name, 'scope.name'),
    scopeVersion: stringAt(scope?.version, 'scope.version'),
    items: [],
  };
  const items = arrayAt(field(scopeGroup, ...names.items), names.items[0]);
  for (let i = 0; i < items.length; i++) {
    try {
      const item = items[i];
      if (!isObject(item)) throw new JsonShapeError('', 'expected an object');
      decoded.items.push(decodeItem(item, resource, decoded.scopeName, adjusted));
    } catch (error) {
      const shaped = within(`${groupPath}.${names.scopes[0]}[${s}].${names.items[0]}[${i}]`, error);
      if (!(shaped instanceof JsonShapeError)) throw shaped;
      reject(rejected, shaped.message);
    }
  }
  return decoded;
}

/** Either name's value, for counting what a dropped group held: `field` refuses one given twice, which may be why. */
const either = (obj: unknown, [camel, snake]: readonly [string, string]) => (isObject(obj) ? (obj[camel] ?? obj[snake]) : undefined);

/** How many items a dropped group held, as far as its shape tells (at least one). */
function countItems(group: unknown, names: JsonLevelNames): number {
  const scopes = either(group, names.scopes);
  if (!Array.isArray(scopes)) return 1;
  return Math.max(1, scopes.reduce((n: number, scope) => n + countScopeItems(scope, names), 0));
}

function countScopeItems(scope: unknown, names: JsonLevelNames): number {
  const items = either(scope, names.items);
  return Array.isArray(items) ? items.length : 1;
}
