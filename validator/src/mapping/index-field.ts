/**
 * One field of an Elasticsearch mapping: a leaf (`{ type: 'long' }`) or an object with
 * `properties`. Only the settings Sift derives from schemas appear here.
 */
export interface IndexField {
  type: string;
  properties?: Record<string, IndexField>;
  /** Objects only; `false` keeps the value in `_source` without indexing any of it. */
  enabled?: boolean;
  /** Keywords only: longer strings are kept in `_source` but not indexed. */
  ignore_above?: number;
  /** Sub-fields, e.g. a `keyword` beside a `text` field for sorting and aggregations. */
  fields?: Record<string, IndexField>;
  /** Dates only: the accepted formats. */
  format?: string;
  /** Dates and IPs: a value the field cannot parse is left unindexed instead of refusing the document. */
  ignore_malformed?: boolean;
}

/** Strings up to this many characters are indexed as keywords; longer ones only in `_source`. */
export const KEYWORD_IGNORE_ABOVE = 1024;

/** A whole-value string field: exact match, sorting, aggregations. */
export const keywordField = (): IndexField => ({
  type: 'keyword',
  ignore_above: KEYWORD_IGNORE_ABOVE,
});

/** A full-text string field, with a `keyword` sub-field for aggregations. */
export const textField = (): IndexField => ({
  type: 'text',
  fields: { keyword: { type: 'keyword', ignore_above: 256 } },
});

/**
 * A date written as text. A schema's `date-time` admits values Elasticsearch's default parser
 * refuses (a space for `T`, lowercase `t`/`z`, a leap second, over 9 fraction digits): such a
 * value leaves the field unsearchable rather than send the whole event to the bad index.
 */
export const dateTextField = (): IndexField => ({ type: 'date', ignore_malformed: true });

/** An IP address written as text; a value Elasticsearch cannot parse is left unindexed. */
export const ipField = (): IndexField => ({ type: 'ip', ignore_malformed: true });

/** A value of no single shape (mixed unions, recursive types): kept in `_source`, not indexed. */
export const unindexedField = (): IndexField => ({ type: 'object', enabled: false });

/** Free-form objects (Avro maps, JSON objects without declared properties): every leaf a keyword. */
export const flattenedField = (): IndexField => ({ type: 'flattened' });

/** An object with declared fields. */
export const objectField = (properties: Record<string, IndexField>): IndexField => ({
  type: 'object',
  properties,
});

const numeric = new Set(['long', 'double']);
const scalarStrings = new Set(['keyword', 'text', 'date', 'ip']);

function isObjectLike(field: IndexField): boolean {
  return field.type === 'object' || field.type === 'nested' || field.type === 'flattened';
}

function mergeProperties(
  a: Record<string, IndexField> = {},
  b: Record<string, IndexField> = {},
): Record<string, IndexField> {
  const merged: Record<string, IndexField> = { ...a };
  for (const [name, field] of Object.entries(b)) {
    const existing = merged[name];
    merged[name] = existing ? mergeIndexFields(existing, field) : field;
  }
  return merged;
}

/**
 * The field that accepts the values of both fields: the same type stays; long and double
 * widen to double; strings of different kinds (and numbers or booleans beside strings) become
 * keyword (text when one is text); objects merge their properties (nested wins over object);
 * anything else (an object beside a scalar) is kept unindexed. Used for union types and to
 * combine the versions of one event type.
 */
export function mergeIndexFields(a: IndexField, b: IndexField): IndexField {
  if (a.enabled === false || b.enabled === false) return unindexedField();
  if (a.type === b.type && !isObjectLike(a)) {
    return JSON.stringify(a) === JSON.stringify(b) ? a : { ...a, ...b };
  }
  if (numeric.has(a.type) && numeric.has(b.type)) return { type: 'double' };
  if (isObjectLike(a) && isObjectLike(b)) {
    if (a.type === 'flattened' || b.type === 'flattened') return flattenedField();
    const properties = mergeProperties(a.properties, b.properties);
    return a.type === 'nested' || b.type === 'nested'
      ? { type: 'nested', properties }
      : objectField(properties);
  }
  if (isObjectLike(a) || isObjectLike(b)) return unindexedField();
  if (a.type === 'text' || b.type === 'text') return textField();
  if (scalarStrings.has(a.type) || scalarStrings.has(b.type)) return keywordField();
  // Two different scalars that are not strings (a number beside a boolean).
  return keywordField();
}
