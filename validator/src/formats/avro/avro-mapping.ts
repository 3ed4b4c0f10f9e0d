import { ValidationError } from '@sift/common';
import type { SchemaText } from '../../schema-format';
import {
  flattenedField,
  keywordField,
  mergeIndexFields,
  objectField,
  textField,
  unindexedField,
} from '../../mapping/index-field';
import type { IndexField } from '../../mapping/index-field';
import { parseSchemaJson } from '../parse-json';

/** Field attribute that asks for full-text indexing of a string: `"sift.index": "text"`. */
export const AVRO_INDEX_ATTRIBUTE = 'sift.index';

type AvroNode = string | AvroNode[] | { [key: string]: unknown };

const primitives = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** Named types (records, enums, fixed) by full name, collected while walking. */
class Names {
  private readonly byName = new Map<string, { [key: string]: unknown }>();

  fullName(name: string, namespace: string | undefined): string {
    return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
  }

  define(node: { [key: string]: unknown }, namespace: string | undefined): string | undefined {
    const name = node['name'];
    if (typeof name !== 'string') return undefined;
    const own = typeof node['namespace'] === 'string' ? node['namespace'] : namespace;
    const full = this.fullName(name, own || undefined);
    this.byName.set(full, node);
    return full;
  }

  resolve(
    name: string,
    namespace: string | undefined,
  ): { full: string; node: { [key: string]: unknown } } | undefined {
    for (const full of [this.fullName(name, namespace), name]) {
      const node = this.byName.get(full);
      if (node) return { full, node };
    }
    return undefined;
  }
}

function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot > 0 ? fullName.slice(0, dot) : undefined;
}

/** Walks an Avro schema as JSON; `visiting` holds the records being walked, to stop at recursion. */
function mapNode(
  node: AvroNode,
  names: Names,
  namespace: string | undefined,
  visiting: Set<string>,
  textHint: boolean,
): IndexField | undefined {
  if (typeof node === 'string') {
    if (primitives.has(node)) return mapPrimitive(node, undefined, textHint);
    const named = names.resolve(node, namespace);
    if (!named) {
      throw new ValidationError('SIFT_SCHEMA_INVALID', `Avro type ${node} is not defined`);
    }
    if (visiting.has(named.full)) return unindexedField();
    return mapComplex(named.node, names, namespace, visiting, textHint, named.full);
  }
  if (Array.isArray(node)) {
    let merged: IndexField | undefined;
    for (const branch of node) {
      if (branch === 'null') continue;
      const field = mapNode(branch, names, namespace, visiting, textHint);
      if (field) merged = merged ? mergeIndexFields(merged, field) : field;
    }
    return merged;
  }
  return mapComplex(node, names, namespace, visiting, textHint, undefined);
}

function mapPrimitive(
  type: string,
  logicalType: unknown,
  textHint: boolean,
): IndexField | undefined {
  switch (type) {
    case 'null':
      return undefined;
    case 'boolean':
      return { type: 'boolean' };
    case 'int':
      // `date` counts days and `time-millis` ms of a day: neither is an instant.
      return { type: 'long' };
    case 'long':
      // A date's default formats take epoch milliseconds (and ISO text in queries); there is
      // no epoch-microseconds format, so timestamp-micros stays a long.
      return logicalType === 'timestamp-millis' || logicalType === 'local-timestamp-millis'
        ? { type: 'date' }
        : { type: 'long' };
    case 'float':
    case 'double':
      return { type: 'double' };
    case 'bytes':
      // Bytes reach the index as base64 text.
      return { type: 'binary' };
    default:
      return textHint && logicalType !== 'uuid' ? textField() : keywordField();
  }
}

function mapComplex(
  node: { [key: string]: unknown },
  names: Names,
  namespace: string | undefined,
  visiting: Set<string>,
  textHint: boolean,
  /** The full name of a named type met again by name; undefined where it is defined. */
  definedAs: string | undefined,
): IndexField | undefined {
  const type = node['type'];
  const logicalType = node['logicalType'];
  switch (type) {
    case 'record':
    case 'error': {
      const full = definedAs ?? names.define(node, namespace);
      const inner = full ? (namespaceOf(full) ?? namespace) : namespace;
      const seen = new Set(visiting);
      if (full) seen.add(full);
      const properties: Record<string, IndexField> = {};
      for (const field of (node['fields'] as { [key: string]: unknown }[] | undefined) ?? []) {
        const name = field['name'];
        if (typeof name !== 'string') continue;
        const mapped = mapNode(
          field['type'] as AvroNode,
          names,
          inner,
          seen,
          field[AVRO_INDEX_ATTRIBUTE] === 'text',
        );
        if (mapped) properties[name] = mapped;
      }
      return objectField(properties);
    }
    case 'enum':
      if (!definedAs) names.define(node, namespace);
      return keywordField();
    case 'fixed':
      if (!definedAs) names.define(node, namespace);
      return { type: 'binary' };
    case 'array': {
      const items = mapNode(node['items'] as AvroNode, names, namespace, visiting, textHint);
      if (!items) return undefined;
      return items.type === 'object' && items.properties
        ? { type: 'nested', properties: items.properties }
        : items;
    }
    case 'map':
      // Keys are data, not schema: one flattened field takes any of them.
      return flattenedField();
    default:
      if (typeof type === 'string' && primitives.has(type)) {
        return mapPrimitive(type, logicalType, textHint || node[AVRO_INDEX_ATTRIBUTE] === 'text');
      }
      return mapNode(type as AvroNode, names, namespace, visiting, textHint);
  }
}

/**
 * The Elasticsearch field for data of an Avro schema: records become objects (arrays of
 * records `nested`), `int`/`long` long, `float`/`double` double, `timestamp-millis` date,
 * strings and enums keyword (text when the field says `"sift.index": "text"`), bytes and
 * fixed binary, maps flattened, unions the merge of their branches. Undefined when the
 * data holds nothing to index (`null`).
 */
export function avroIndexField({ schema, references = [] }: SchemaText): IndexField | undefined {
  const names = new Names();
  for (const reference of references) {
    mapNode(
      parseSchemaJson(reference.schema, 'AVRO') as AvroNode,
      names,
      undefined,
      new Set(),
      false,
    );
  }
  return mapNode(parseSchemaJson(schema, 'AVRO') as AvroNode, names, undefined, new Set(), false);
}
