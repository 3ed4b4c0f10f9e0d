import type { SchemaText } from '../../schema-format';
import {
  dateTextField,
  flattenedField,
  ipField,
  keywordField,
  mergeIndexFields,
  objectField,
  textField,
  unindexedField,
} from '../../mapping/index-field';
import type { IndexField } from '../../mapping/index-field';
import { parseSchemaJson, pointerSegments } from '../parse-json';

/** Keyword that asks for full-text indexing of a string: `"x-sift-index": "text"`. */
export const JSON_SCHEMA_INDEX_KEYWORD = 'x-sift-index';

/** Strings whose `maxLength` allows more than this are prose: indexed as text. */
const TEXT_MIN_LENGTH = 256;

type Node = boolean | { [key: string]: unknown };

interface Context {
  /** The document `#` pointers resolve in. */
  document: Node;
  /** Referenced documents by the name their reference gives. */
  references: Map<string, Node>;
  /** `$ref`s being walked, to stop at recursion. */
  visiting: Set<string>;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function at(document: Node, pointer: string): Node | undefined {
  let current: unknown = document;
  for (const segment of pointerSegments(pointer)) {
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'boolean' || isObject(current) ? current : undefined;
}

function merged(fields: (IndexField | undefined)[]): IndexField | undefined {
  let result: IndexField | undefined;
  for (const field of fields) {
    if (field) result = result ? mergeIndexFields(result, field) : field;
  }
  return result;
}

function resolveRef(ref: string, context: Context): { node: Node; document: Node } | undefined {
  const hash = ref.indexOf('#');
  const base = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : decodeURIComponent(ref.slice(hash + 1));
  const document = base === '' ? context.document : context.references.get(base);
  if (document === undefined || (fragment !== '' && !fragment.startsWith('/'))) return undefined;
  const node = at(document, fragment);
  return node === undefined ? undefined : { node, document };
}

function stringField(node: { [key: string]: unknown }): IndexField {
  const format = node['format'];
  if (format === 'date-time' || format === 'date') return dateTextField();
  if (format === 'ipv4' || format === 'ipv6') return ipField();
  const maxLength = node['maxLength'];
  const prose =
    node[JSON_SCHEMA_INDEX_KEYWORD] === 'text' ||
    (node[JSON_SCHEMA_INDEX_KEYWORD] !== 'keyword' &&
      typeof maxLength === 'number' &&
      maxLength > TEXT_MIN_LENGTH);
  return prose ? textField() : keywordField();
}

function valueField(value: unknown): IndexField | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'long' : 'double' };
  if (typeof value === 'string') return keywordField();
  return unindexedField();
}

/** The JSON types a schema node allows, from `type` or, without it, from the keywords it uses. */
function typesOf(node: { [key: string]: unknown }): string[] {
  const type = node['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  const inferred: string[] = [];
  if (isObject(node['properties']) || isObject(node['additionalProperties'])) {
    inferred.push('object');
  }
  if (node['items'] !== undefined || node['prefixItems'] !== undefined) inferred.push('array');
  if (typeof node['format'] === 'string' || typeof node['pattern'] === 'string') {
    inferred.push('string');
  }
  return inferred;
}

function arrayField(node: { [key: string]: unknown }, context: Context): IndexField | undefined {
  const items = node['items'];
  const candidates: unknown[] = Array.isArray(items) ? items : [items];
  if (Array.isArray(node['prefixItems'])) candidates.push(...(node['prefixItems'] as unknown[]));
  const item = merged(
    candidates
      .filter(
        (candidate): candidate is Node => typeof candidate === 'boolean' || isObject(candidate),
      )
      .map((candidate) => mapNode(candidate, context)),
  );
  if (!item) return undefined;
  return item.type === 'object' && item.properties
    ? { type: 'nested', properties: item.properties }
    : item;
}

function objectFieldOf(node: { [key: string]: unknown }, context: Context): IndexField {
  const properties = isObject(node['properties']) ? node['properties'] : {};
  const mapped: Record<string, IndexField> = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (typeof schema !== 'boolean' && !isObject(schema)) continue;
    const field = mapNode(schema, context);
    if (field) mapped[name] = field;
  }
  const closed = node['additionalProperties'] === false || node['unevaluatedProperties'] === false;
  if (Object.keys(properties).length === 0 && !closed) {
    // No declared properties: the keys are data, so one flattened field takes any of them.
    return flattenedField();
  }
  return objectField(mapped);
}

function mapNode(node: Node, context: Context): IndexField | undefined {
  if (typeof node === 'boolean') return undefined;
  const parts: (IndexField | undefined)[] = [];
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const target = resolveRef(ref, context);
    if (!target || context.visiting.has(ref)) {
      parts.push(unindexedField());
    } else {
      const visiting = new Set(context.visiting).add(ref);
      parts.push(mapNode(target.node, { ...context, document: target.document, visiting }));
    }
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const branches = node[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      if (typeof branch === 'boolean' || isObject(branch)) parts.push(mapNode(branch, context));
    }
  }
  for (const keyword of ['then', 'else']) {
    const branch = node[keyword];
    if (isObject(branch)) parts.push(mapNode(branch, context));
  }
  for (const type of typesOf(node)) {
    if (type === 'string') parts.push(stringField(node));
    else if (type === 'integer') parts.push({ type: 'long' });
    else if (type === 'number') parts.push({ type: 'double' });
    else if (type === 'boolean') parts.push({ type: 'boolean' });
    else if (type === 'object') parts.push(objectFieldOf(node, context));
    else if (type === 'array') parts.push(arrayField(node, context));
  }
  if (node['type'] === undefined) {
    if (Array.isArray(node['enum'])) parts.push(...(node['enum'] as unknown[]).map(valueField));
    if ('const' in node) parts.push(valueField(node['const']));
  }
  return merged(parts);
}

/**
 * The Elasticsearch field for data of a JSON Schema (draft-07 or 2020-12): objects with
 * properties become objects (arrays of them `nested`), objects without flattened,
 * `integer` long, `number` double, `date-time` and `date` strings date, `ipv4`/`ipv6` ip
 * (both with `ignore_malformed`, as the formats admit values Elasticsearch does not parse),
 * other strings keyword (text with `"x-sift-index": "text"` or a `maxLength` over 256);
 * `$ref` (local or to a reference), `allOf`, `anyOf` and `oneOf` are followed and merged.
 * Undefined when the schema constrains nothing to index.
 */
export function jsonSchemaIndexField({
  schema,
  references = [],
}: SchemaText): IndexField | undefined {
  const byName = new Map<string, Node>();
  for (const reference of references) {
    byName.set(reference.name, parseSchemaJson(reference.schema, 'JSON') as Node);
  }
  const document = parseSchemaJson(schema, 'JSON') as Node;
  return mapNode(document, { document, references: byName, visiting: new Set() });
}
