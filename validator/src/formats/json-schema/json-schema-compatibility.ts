import { ValidationError } from '@sift/common';
import type { CompatibilityOptions } from '../../schema-format';
import { pointerSegment } from '../parse-json';
import { compilePattern } from './safe-pattern';

/** A JSON Schema document (object or boolean), already parsed. */
export type JsonSchemaDocument = boolean | Record<string, unknown>;

/**
 * Finds the schema a `$ref` points to, across documents (references to other subjects);
 * undefined when unknown. For `other.json#/definitions/x` it is asked for `other.json` (then
 * for the whole reference if that fails); `from` is the document holding the `$ref`.
 */
export type RefResolver = (ref: string, from: JsonSchemaDocument) => JsonSchemaDocument | undefined;

/**
 * One reason data valid under `writer` may be refused by `reader`. `path` is a JSON pointer
 * into the schemas (the reader's where it gained a constraint, the writer's where it lost a
 * part; `$ref`s are followed without adding a segment); `keyword` is the name of Confluent's
 * `io.confluent.kafka.schemaregistry.json.diff.Difference.Type`, spelled as Confluent spells
 * it (`TYPE_NARROWED`, `MAX_LENGTH_ADDED`, `REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL`, …).
 */
export interface JsonSchemaIncompatibility {
  path: string;
  keyword: string;
  message: string;
}

type JsonObject = Record<string, unknown>;
type Combinator = 'allOf' | 'anyOf' | 'oneOf';

/** A schema and the document its local `$ref`s resolve in. */
interface Located {
  schema: JsonSchemaDocument;
  root: JsonSchemaDocument;
}

/** Names a place below a finding's schema for a message: `"address.zip"`, or a JSON pointer. */
type Describe = (below?: readonly string[]) => string;

/** An incompatibility with its path relative to the pair of schemas compared. */
interface Finding {
  /** The schema the difference is in. */
  at: string[];
  /** The keyword inside it, and the entry of that keyword when it has several. */
  tail: string[];
  keyword: string;
  say(describe: Describe): string;
}

/** Keywords that can refuse data; everything else (title, default, self, …) is an annotation. */
const constraining = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'unevaluatedProperties',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'maxProperties',
  'minProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'maxContains',
  'minContains',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
]);

const combinators: readonly Combinator[] = ['allOf', 'anyOf', 'oneOf'];

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is JsonSchemaDocument {
  return typeof value === 'boolean' || isRecord(value);
}

function constraintKeys(schema: JsonObject): string[] {
  return Object.keys(schema).filter((key) => constraining.has(key));
}

/** Accepts every value: `true`, `{}`, or only annotations. */
function isEmpty(schema: unknown): boolean {
  return schema === true || (isRecord(schema) && constraintKeys(schema).length === 0);
}

function hasRefWithConstraints(schema: JsonObject): boolean {
  return typeof schema['$ref'] === 'string' && constraintKeys(schema).length > 1;
}

/** The one combinator a schema consists of, like everit's CombinedSchema; otherwise undefined. */
function pureCombinator(schema: JsonObject): Combinator | undefined {
  const keys = constraintKeys(schema);
  const only = combinators.find((combinator) => keys.length === 1 && keys[0] === combinator);
  return only !== undefined && branches(schema[only]) !== undefined ? only : undefined;
}

function branches(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

function child(parent: Located, value: unknown): Located {
  return { schema: isSchema(value) ? value : true, root: parent.root };
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A lower limit of 0 (`minLength`, `minItems`, `minProperties`) refuses nothing. */
function lowerLimitOf(value: unknown): number | undefined {
  const limit = numberOf(value);
  return limit === 0 ? undefined : limit;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

function recordOf(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

/** JSON with sorted keys, so that equal values compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function within(prefix: readonly string[], findings: Finding[]): Finding[] {
  if (prefix.length === 0) return findings;
  return findings.map((finding) => ({ ...finding, at: [...prefix, ...finding.at] }));
}

function finding(keyword: string, tail: string[], say: (describe: Describe) => string): Finding {
  return { at: [], tail, keyword, say };
}

function quoted(values: readonly unknown[], joiner = ' or '): string {
  return values.map((value) => JSON.stringify(value)).join(joiner);
}

// ---------------------------------------------------------------------------------------------
// Types

type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean' || typeof value === 'string') return typeof value as JsonType;
  return 'object';
}

function declaredTypes(schema: JsonObject): string[] | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? stringsOf(type) : undefined;
}

/** Whether a `type` list (undefined: no `type`) admits values of one type; integers are numbers. */
function admits(types: readonly string[] | undefined, type: string): boolean {
  if (types === undefined || types.includes(type)) return true;
  return type === 'integer' && types.includes('number');
}

function enumOf(schema: JsonObject): { values: unknown[]; keyword: 'enum' | 'const' } | undefined {
  if (Array.isArray(schema['enum'])) return { values: schema['enum'], keyword: 'enum' };
  if (Object.hasOwn(schema, 'const')) return { values: [schema['const']], keyword: 'const' };
  return undefined;
}

/**
 * The types of the values a writer can produce: its `type`, cut down to the types of its enum
 * values when it has one (so `{"enum": ["a"]}` writes only strings).
 */
function writerTypes(schema: JsonObject): string[] | undefined {
  const declared = declaredTypes(schema);
  const values = enumOf(schema)?.values;
  if (values === undefined) return declared;
  const inferred = [...new Set(values.map(jsonTypeOf))];
  return inferred.filter((type) => admits(declared, type));
}

function formatTypes(types: readonly string[] | undefined): string {
  if (types === undefined) return 'any type';
  return types.length === 1 ? JSON.stringify(types[0]) : JSON.stringify(types);
}

function compareTypes(writer: JsonObject, reader: JsonObject): Finding[] {
  const readerTypes = declaredTypes(reader);
  if (readerTypes === undefined) return [];
  const written = writerTypes(writer);
  const from = formatTypes(declaredTypes(writer) ?? written);
  const to = formatTypes(readerTypes);
  if (written === undefined) {
    return [
      finding(
        'TYPE_NARROWED',
        ['type'],
        (d) =>
          `type of ${d()} narrowed from any type to ${to}: values of other types would be refused`,
      ),
    ];
  }
  const lost = written.filter((type) => !admits(readerTypes, type));
  if (lost.length === 0) return [];
  const narrowed = readerTypes.every((type) => admits(written, type));
  const what = lost
    .map((type) =>
      type === 'number' && readerTypes.includes('integer') ? 'non-integer number' : type,
    )
    .join(' and ');
  return [
    finding(
      narrowed ? 'TYPE_NARROWED' : 'TYPE_CHANGED',
      ['type'],
      (d) =>
        `type of ${d()} ${narrowed ? 'narrowed' : 'changed'} from ${from} to ${to}: ${what} values would be refused`,
    ),
  ];
}

function compareEnums(writer: JsonObject, reader: JsonObject): Finding[] {
  const read = enumOf(reader);
  if (read === undefined) return [];
  const written = enumOf(writer);
  if (written === undefined) {
    return [
      finding(
        'ENUM_ARRAY_NARROWED',
        [read.keyword],
        (d) => `${d()} is now limited to ${quoted(read.values)}: any other value would be refused`,
      ),
    ];
  }
  const readKeys = new Set(read.values.map(canonical));
  const writtenKeys = new Set(written.values.map(canonical));
  const lost = written.values.filter((value) => !readKeys.has(canonical(value)));
  if (lost.length === 0) return [];
  const narrowed = read.values.every((value) => writtenKeys.has(canonical(value)));
  const why =
    read.keyword === 'const'
      ? `it must now be ${quoted(read.values)}`
      : `the enum lost ${lost.length === 1 ? 'that value' : 'those values'}`;
  return [
    finding(
      narrowed ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED',
      [read.keyword],
      (d) => `${d()} can no longer be ${quoted(lost)}: ${why}`,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Limits: maxLength, minimum, maxItems, … (Confluent's *_ADDED / *_DECREASED / *_INCREASED)

interface Limit {
  keyword: string;
  /** Confluent's prefix: `MAX_LENGTH` gives `MAX_LENGTH_ADDED` and `MAX_LENGTH_DECREASED`. */
  type: string;
  upper: boolean;
  /** What the reader refuses at this limit, e.g. `strings longer than 5 characters`. */
  refused(limit: number): string;
}

function compareLimit(
  limit: Limit,
  written: number | undefined,
  read: number | undefined,
): Finding[] {
  if (read === undefined || read === written) return [];
  if (written === undefined) {
    return [
      finding(
        `${limit.type}_ADDED`,
        [limit.keyword],
        (d) => `${d()} gained ${limit.keyword} ${read}: ${limit.refused(read)} would be refused`,
      ),
    ];
  }
  const tighter = limit.upper ? read < written : read > written;
  if (!tighter) return [];
  return [
    finding(
      `${limit.type}_${limit.upper ? 'DECREASED' : 'INCREASED'}`,
      [limit.keyword],
      (d) =>
        `${limit.keyword} of ${d()} ${limit.upper ? 'lowered' : 'raised'} from ${written} to ${read}: ${limit.refused(read)} would be refused`,
    ),
  ];
}

const limits = {
  maxLength: {
    keyword: 'maxLength',
    type: 'MAX_LENGTH',
    upper: true,
    refused: (n) => `strings longer than ${n} characters`,
  },
  minLength: {
    keyword: 'minLength',
    type: 'MIN_LENGTH',
    upper: false,
    refused: (n) => `strings shorter than ${n} characters`,
  },
  maximum: {
    keyword: 'maximum',
    type: 'MAXIMUM',
    upper: true,
    refused: (n) => `numbers above ${n}`,
  },
  minimum: {
    keyword: 'minimum',
    type: 'MINIMUM',
    upper: false,
    refused: (n) => `numbers below ${n}`,
  },
  exclusiveMaximum: {
    keyword: 'exclusiveMaximum',
    type: 'EXCLUSIVE_MAXIMUM',
    upper: true,
    refused: (n) => `numbers of ${n} or more`,
  },
  exclusiveMinimum: {
    keyword: 'exclusiveMinimum',
    type: 'EXCLUSIVE_MINIMUM',
    upper: false,
    refused: (n) => `numbers of ${n} or less`,
  },
  maxItems: {
    keyword: 'maxItems',
    type: 'MAX_ITEMS',
    upper: true,
    refused: (n) => `arrays of more than ${n} items`,
  },
  minItems: {
    keyword: 'minItems',
    type: 'MIN_ITEMS',
    upper: false,
    refused: (n) => `arrays of fewer than ${n} items`,
  },
  maxContains: {
    keyword: 'maxContains',
    type: 'MAX_CONTAINS',
    upper: true,
    refused: (n) => `arrays with more than ${n} matching items`,
  },
  minContains: {
    keyword: 'minContains',
    type: 'MIN_CONTAINS',
    upper: false,
    refused: (n) => `arrays with fewer than ${n} matching items`,
  },
  maxProperties: {
    keyword: 'maxProperties',
    type: 'MAX_PROPERTIES',
    upper: true,
    refused: (n) => `objects with more than ${n} properties`,
  },
  minProperties: {
    keyword: 'minProperties',
    type: 'MIN_PROPERTIES',
    upper: false,
    refused: (n) => `objects with fewer than ${n} properties`,
  },
} satisfies Record<string, Limit>;

function compareStrings(writer: JsonObject, reader: JsonObject): Finding[] {
  const findings = [
    ...compareLimit(limits.maxLength, numberOf(writer['maxLength']), numberOf(reader['maxLength'])),
    ...compareLimit(
      limits.minLength,
      lowerLimitOf(writer['minLength']),
      lowerLimitOf(reader['minLength']),
    ),
  ];
  const from = writer['pattern'];
  const to = reader['pattern'];
  if (typeof to === 'string' && from !== to) {
    findings.push(
      typeof from === 'string'
        ? finding(
            'PATTERN_CHANGED',
            ['pattern'],
            (d) =>
              `pattern of ${d()} changed from ${JSON.stringify(from)} to ${JSON.stringify(to)}: strings matching only the old pattern would be refused`,
          )
        : finding(
            'PATTERN_ADDED',
            ['pattern'],
            (d) =>
              `${d()} must now match the pattern ${JSON.stringify(to)}: other strings would be refused`,
          ),
    );
  }
  return findings;
}

/** Numeric limits, with draft-04's boolean `exclusiveMaximum: true` read as a limit of `maximum`. */
function numberLimits(
  schema: JsonObject,
): Record<'maximum' | 'minimum' | 'exclusiveMaximum' | 'exclusiveMinimum', number | undefined> {
  const result = {
    maximum: numberOf(schema['maximum']),
    minimum: numberOf(schema['minimum']),
    exclusiveMaximum: numberOf(schema['exclusiveMaximum']),
    exclusiveMinimum: numberOf(schema['exclusiveMinimum']),
  };
  if (schema['exclusiveMaximum'] === true && result.maximum !== undefined) {
    result.exclusiveMaximum = result.maximum;
    result.maximum = undefined;
  }
  if (schema['exclusiveMinimum'] === true && result.minimum !== undefined) {
    result.exclusiveMinimum = result.minimum;
    result.minimum = undefined;
  }
  return result;
}

function isMultiple(value: number, of: number): boolean {
  const quotient = value / of;
  return Math.abs(quotient - Math.round(quotient)) < 1e-9;
}

function compareNumbers(writer: JsonObject, reader: JsonObject): Finding[] {
  const written = numberLimits(writer);
  const read = numberLimits(reader);
  const findings = [
    ...compareLimit(limits.maximum, written.maximum, read.maximum),
    ...compareLimit(limits.minimum, written.minimum, read.minimum),
    ...compareLimit(limits.exclusiveMaximum, written.exclusiveMaximum, read.exclusiveMaximum),
    ...compareLimit(limits.exclusiveMinimum, written.exclusiveMinimum, read.exclusiveMinimum),
  ];
  const from = numberOf(writer['multipleOf']);
  const to = numberOf(reader['multipleOf']);
  if (to !== undefined && to !== 0 && from !== to) {
    if (from === undefined) {
      findings.push(
        finding(
          'MULTIPLE_OF_ADDED',
          ['multipleOf'],
          (d) => `${d()} must now be a multiple of ${to}: other numbers would be refused`,
        ),
      );
    } else if (!isMultiple(from, to)) {
      findings.push(
        finding(
          isMultiple(to, from) ? 'MULTIPLE_OF_EXPANDED' : 'MULTIPLE_OF_CHANGED',
          ['multipleOf'],
          (d) =>
            `multipleOf of ${d()} changed from ${from} to ${to}: multiples of ${from} that are not multiples of ${to} would be refused`,
        ),
      );
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Content models: what an object or array allows beyond the properties or items it names

type Slot =
  | { kind: 'open' }
  | { kind: 'closed'; keyword: string[] }
  | { kind: 'partial'; keyword: string[]; schema: Located };

function slotOf(parent: Located, value: unknown, keyword: string[]): Slot {
  if (value === false) return { kind: 'closed', keyword };
  if (isEmpty(value) || !isSchema(value)) return { kind: 'open' };
  return { kind: 'partial', keyword, schema: child(parent, value) };
}

/** Whether a property name matches a `patternProperties` pattern, on RE2 (never backtracking). */
function matches(pattern: string, name: string): boolean {
  try {
    return compilePattern(pattern).test(name);
  } catch {
    // A pattern that cannot compile is refused when its schema is registered.
    return false;
  }
}

/** What an object schema allows for a property it does not name in `properties`. */
function propertySlot(parent: Located, schema: JsonObject, name: string): Slot {
  for (const [pattern, value] of Object.entries(recordOf(schema['patternProperties']))) {
    if (matches(pattern, name)) return slotOf(parent, value, ['patternProperties', pattern]);
  }
  if (schema['additionalProperties'] !== undefined) {
    return slotOf(parent, schema['additionalProperties'], ['additionalProperties']);
  }
  return slotOf(parent, schema['unevaluatedProperties'], ['unevaluatedProperties']);
}

/** An array schema as a tuple of positional item schemas and what it allows after them. */
interface ArrayModel {
  tuple: unknown[];
  tupleKeyword: string;
  rest: Slot;
  /** `items` is one schema for every item (no tuple). */
  single: boolean;
}

function arrayModel(parent: Located, schema: JsonObject): ArrayModel {
  const uneval = (): Slot => slotOf(parent, schema['unevaluatedItems'], ['unevaluatedItems']);
  const restOf = (keyword: string): Slot =>
    schema[keyword] === undefined ? uneval() : slotOf(parent, schema[keyword], [keyword]);
  if (Array.isArray(schema['prefixItems'])) {
    return {
      tuple: schema['prefixItems'],
      tupleKeyword: 'prefixItems',
      rest: restOf('items'),
      single: false,
    };
  }
  if (Array.isArray(schema['items'])) {
    return {
      tuple: schema['items'],
      tupleKeyword: 'items',
      rest: restOf('additionalItems'),
      single: false,
    };
  }
  return { tuple: [], tupleKeyword: 'items', rest: restOf('items'), single: true };
}

interface Dependency {
  keyword: string;
  value: unknown;
}

/** `dependencies` (draft-07) split like 2019-09's `dependentRequired` and `dependentSchemas`. */
function dependenciesOf(schema: JsonObject): {
  required: Map<string, Dependency>;
  schemas: Map<string, Dependency>;
} {
  const required = new Map<string, Dependency>();
  const schemas = new Map<string, Dependency>();
  for (const [name, value] of Object.entries(recordOf(schema['dependencies']))) {
    if (Array.isArray(value)) required.set(name, { keyword: 'dependencies', value });
    else schemas.set(name, { keyword: 'dependencies', value });
  }
  for (const [name, value] of Object.entries(recordOf(schema['dependentRequired']))) {
    const names = [...stringsOf(required.get(name)?.value), ...stringsOf(value)];
    required.set(name, { keyword: 'dependentRequired', value: names });
  }
  for (const [name, value] of Object.entries(recordOf(schema['dependentSchemas']))) {
    schemas.set(name, { keyword: 'dependentSchemas', value });
  }
  return { required, schemas };
}

/** Kuhn's augmenting paths: the size of a maximum matching, and who each left node got. */
function maximumMatching(edges: boolean[][], rightCount: number): (number | undefined)[] {
  const rightMatch: (number | undefined)[] = new Array<number | undefined>(rightCount);
  const augment = (left: number, seen: boolean[]): boolean => {
    for (let right = 0; right < rightCount; right++) {
      if (!edges[left]?.[right] || seen[right]) continue;
      seen[right] = true;
      const previous = rightMatch[right];
      if (previous === undefined || augment(previous, seen)) {
        rightMatch[right] = left;
        return true;
      }
    }
    return false;
  };
  edges.forEach((_, left) => augment(left, new Array<boolean>(rightCount).fill(false)));
  return rightMatch;
}

/** Indexes of the first of each structurally distinct branch (Confluent collapses duplicates). */
function distinctIndexes(list: unknown[]): number[] {
  const seen = new Set<string>();
  const indexes: number[] = [];
  list.forEach((value, index) => {
    const key = canonical(value);
    if (!seen.has(key)) {
      seen.add(key);
      indexes.push(index);
    }
  });
  return indexes;
}

// ---------------------------------------------------------------------------------------------
// The comparison

/** Stands for `true` where a schema object is needed as a key. */
const anything: JsonObject = {};

class Comparison {
  /** Results per (writer, reader) pair of schema objects, paths relative to the pair. */
  private readonly memo = new Map<object, Map<object, Finding[]>>();
  /** Pairs being compared: meeting one again is a recursive cycle, taken as compatible. */
  private readonly active = new Map<object, Set<object>>();
  /** Derived schemas (one type of a union, a `$ref`'s siblings), kept so that keys are stable. */
  private readonly derived = new WeakMap<object, Map<string, JsonObject>>();

  constructor(
    private readonly resolver: RefResolver | undefined,
    private readonly options: CompatibilityOptions = {},
  ) {}

  /** Why data valid under `writer` may be refused by `reader` (Confluent's original → update). */
  compare(writer: Located, reader: Located): Finding[] {
    if (this.sameUnknownRef(writer, reader)) return [];
    const w = this.deref(writer);
    const r = this.deref(reader);
    if (w.schema === false || isEmpty(r.schema)) return [];
    // The very same schema in the same document (a shared metaschema, say) reads itself.
    if (w.schema === r.schema && w.root === r.root) return [];
    if (r.schema === false) {
      return [finding('TYPE_CHANGED', [], (d) => `${d()} became false: it refuses every value`)];
    }
    const ws = w.schema === true ? anything : w.schema;
    const rs = r.schema as JsonObject;
    const cached = this.memo.get(ws)?.get(rs);
    if (cached !== undefined) return cached;
    const active = this.active.get(ws) ?? new Set<object>();
    if (active.has(rs)) return [];
    this.active.set(ws, active.add(rs));
    let findings: Finding[];
    try {
      findings = this.compareObjects({ schema: ws, root: w.root }, ws, r, rs);
    } finally {
      active.delete(rs);
    }
    const byReader = this.memo.get(ws) ?? new Map<object, Finding[]>();
    this.memo.set(ws, byReader.set(rs, findings));
    return findings;
  }

  private compareObjects(w: Located, ws: JsonObject, r: Located, rs: JsonObject): Finding[] {
    // A `$ref` with constraining siblings is the conjunction of both (ajv applies the siblings).
    if (hasRefWithConstraints(rs)) {
      const [target, rest] = this.splitRef(r, rs);
      return [...this.compare(w, target), ...this.compare(w, rest)];
    }
    if (hasRefWithConstraints(ws)) {
      const [target, rest] = this.splitRef(w, ws);
      return this.closest([() => this.compare(target, r), () => this.compare(rest, r)]);
    }
    const writerCombinator = pureCombinator(ws);
    const readerCombinator = pureCombinator(rs);
    if (writerCombinator !== undefined && readerCombinator !== undefined) {
      return this.compareCombined(w, ws, writerCombinator, r, rs, readerCombinator);
    }
    if (writerCombinator === 'anyOf' || writerCombinator === 'oneOf') {
      // Everything the writer writes matches one of its branches: each must be readable.
      return (ws[writerCombinator] as unknown[]).flatMap((branch, index) =>
        within([writerCombinator, String(index)], this.compare(child(w, branch), r)),
      );
    }
    if (writerCombinator === 'allOf') {
      // Everything the writer writes matches every branch: one readable branch is enough.
      return this.closest(
        (ws['allOf'] as unknown[]).map(
          (branch, index) => () =>
            within(['allOf', String(index)], this.compare(child(w, branch), r)),
        ),
      );
    }
    return this.compareKeywords(w, ws, r, rs);
  }

  /**
   * Empty as soon as one alternative is; otherwise the alternative with the fewest findings.
   * An alternative that needs a `$ref` nobody can resolve is skipped, unless all do.
   */
  private closest(alternatives: (() => Finding[])[]): Finding[] {
    let best: Finding[] | undefined;
    let failure: unknown;
    for (const alternative of alternatives) {
      const findings = attempt(alternative, (error) => (failure ??= error));
      if (findings === undefined) continue;
      if (findings.length === 0) return findings;
      if (best === undefined || findings.length < best.length) best = findings;
    }
    if (best === undefined && failure !== undefined) throw failure;
    return best ?? [];
  }

  /** Whether the reader reads all the writer writes, while searching for a pairing. */
  private reads(writer: Located, reader: Located): boolean {
    return (
      attempt(
        () => this.compare(writer, reader),
        () => undefined,
      )?.length === 0
    );
  }

  private compareKeywords(w: Located, ws: JsonObject, r: Located, rs: JsonObject): Finding[] {
    const written = writerTypes(ws);
    const read = declaredTypes(rs);
    const both = (type: string): boolean => admits(written, type) && admits(read, type);
    const findings = [...compareTypes(ws, rs), ...compareEnums(ws, rs)];
    if (both('string')) findings.push(...compareStrings(ws, rs));
    if (both('integer')) findings.push(...compareNumbers(ws, rs));
    if (both('object')) findings.push(...this.compareObjectKeywords(w, ws, r, rs));
    if (both('array')) findings.push(...this.compareArrayKeywords(w, ws, r, rs));
    for (const combinator of combinators) {
      findings.push(...this.compareCombinatorKeyword(w, ws, r, rs, combinator));
    }
    findings.push(...this.compareNot(w, ws, r, rs));
    if (rs['if'] !== undefined && ws['if'] === undefined && !isEmpty(rs['if'])) {
      findings.push(
        finding(
          'TYPE_CHANGED',
          ['if'],
          (d) =>
            `${d()} gained if/then/else rules: data written without them in mind may be refused`,
        ),
      );
    }
    return findings;
  }

  // --- objects (Confluent's ObjectSchemaDiff)

  private compareObjectKeywords(w: Located, ws: JsonObject, r: Located, rs: JsonObject): Finding[] {
    const findings: Finding[] = [];
    const writerProperties = recordOf(ws['properties']);
    const readerProperties = recordOf(rs['properties']);
    const writerRequired = stringsOf(ws['required']);
    const readerRequired = stringsOf(rs['required']);
    // As Confluent, a default excuses a property that became required
    // (REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED); with `strictRequired` it does not, since Sift's
    // validator fills no JSON Schema defaults and data written without it would be refused.
    const withDefault = (name: string): boolean => {
      const schema = readerProperties[name];
      return isRecord(schema) && Object.hasOwn(schema, 'default');
    };
    const excused = (name: string): boolean =>
      this.options.strictRequired !== true && withDefault(name);
    const becameRequired = (name: string): boolean =>
      readerRequired.includes(name) && !writerRequired.includes(name) && !excused(name);
    const despiteDefault = (name: string): string =>
      withDefault(name) ? ' (its default is not filled in: strict required properties)' : '';

    readerRequired.forEach((name, index) => {
      const added = Object.hasOwn(readerProperties, name) && !Object.hasOwn(writerProperties, name);
      // A property new to `properties` is judged with the content model below.
      if (added || !becameRequired(name)) return;
      findings.push(
        finding(
          'REQUIRED_ATTRIBUTE_ADDED',
          ['required', String(index)],
          (d) =>
            `property ${d(['properties', name])} became required: data written without it would be refused${despiteDefault(name)}`,
        ),
      );
    });

    const names = [
      ...Object.keys(writerProperties),
      ...Object.keys(readerProperties).filter((name) => !Object.hasOwn(writerProperties, name)),
    ];
    for (const name of names) {
      const at = ['properties', name];
      const inWriter = Object.hasOwn(writerProperties, name);
      const inReader = Object.hasOwn(readerProperties, name);
      const writerProperty = child(w, writerProperties[name]);
      const readerProperty = child(r, readerProperties[name]);
      if (inWriter && inReader) {
        findings.push(...within(at, this.compare(writerProperty, readerProperty)));
      } else if (inWriter) {
        findings.push(...this.propertyRemoved(name, writerProperty, propertySlot(r, rs, name)));
      } else {
        const slot = propertySlot(w, ws, name);
        findings.push(...this.propertyAdded(name, readerProperty, slot, becameRequired(name)));
      }
    }

    findings.push(...this.compareDependencies(w, ws, r, rs));
    findings.push(...this.compareExtraProperties(w, ws, r, rs, 'additionalProperties'));
    findings.push(...this.compareExtraProperties(w, ws, r, rs, 'unevaluatedProperties'));
    findings.push(
      ...compareLimit(
        limits.maxProperties,
        numberOf(ws['maxProperties']),
        numberOf(rs['maxProperties']),
      ),
      ...compareLimit(
        limits.minProperties,
        lowerLimitOf(ws['minProperties']),
        lowerLimitOf(rs['minProperties']),
      ),
    );
    return findings;
  }

  private propertyRemoved(name: string, written: Located, readerSlot: Slot): Finding[] {
    const at = ['properties', name];
    if (readerSlot.kind === 'open') return [];
    if (readerSlot.kind === 'partial') {
      const reasons = this.compare(written, readerSlot.schema);
      if (reasons.length === 0) return [];
      const where = readerSlot.keyword.join(' ');
      return [
        ...within(readerSlot.keyword, reasons),
        finding(
          'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          at,
          (d) =>
            `property ${d(at)} was removed and the new ${where} schema refuses some of its old values: data written with them would be refused`,
        ),
      ];
    }
    if (written.schema === false) return [];
    return [
      finding(
        'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        (d) =>
          `property ${d(at)} was removed and the new schema allows no other properties (${readerSlot.keyword.join(' ')}: false): data written with it would be refused`,
      ),
    ];
  }

  private propertyAdded(
    name: string,
    read: Located,
    writerSlot: Slot,
    required: boolean,
  ): Finding[] {
    const at = ['properties', name];
    if (writerSlot.kind === 'open') {
      if (required) {
        return [
          finding(
            'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
            at,
            (d) =>
              `property ${d(at)} was added as required: data written without it would be refused`,
          ),
        ];
      }
      if (isEmpty(this.deref(read).schema)) return [];
      return [
        finding(
          'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
          at,
          (d) =>
            `property ${d(at)} was added, but the old schema allowed any other property: data written with another kind of ${d(at)} would be refused`,
        ),
      ];
    }
    const findings: Finding[] = [];
    if (writerSlot.kind === 'partial') {
      const reasons = this.compare(writerSlot.schema, read);
      if (reasons.length > 0) {
        const where = writerSlot.keyword.join(' ');
        findings.push(
          ...within(at, reasons),
          finding(
            'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            at,
            (d) =>
              `property ${d(at)} was added, but the old ${where} schema allowed values for it that the new schema refuses`,
          ),
        );
      }
    }
    if (required) {
      findings.push(
        finding(
          'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
          at,
          (d) =>
            `property ${d(at)} was added as required: data written without it would be refused`,
        ),
      );
    }
    return findings;
  }

  private compareDependencies(w: Located, ws: JsonObject, r: Located, rs: JsonObject): Finding[] {
    const findings: Finding[] = [];
    const written = dependenciesOf(ws);
    const read = dependenciesOf(rs);
    for (const [name, dependency] of read.required) {
      const before = written.required.get(name);
      const after = stringsOf(dependency.value);
      const missing = after.filter((other) => !stringsOf(before?.value).includes(other));
      if (missing.length === 0) continue;
      const kept = before === undefined ? [] : stringsOf(before.value);
      const type =
        before === undefined
          ? 'DEPENDENCY_ARRAY_ADDED'
          : kept.every((other) => after.includes(other))
            ? 'DEPENDENCY_ARRAY_EXTENDED'
            : 'DEPENDENCY_ARRAY_CHANGED';
      findings.push(
        finding(
          type,
          [dependency.keyword, name],
          (d) =>
            `when ${d(['properties', name])} is present, ${quoted(missing, ' and ')} must now be present too: data written without ${missing.length === 1 ? 'it' : 'them'} would be refused`,
        ),
      );
    }
    for (const [name, dependency] of read.schemas) {
      const before = written.schemas.get(name);
      const at = [dependency.keyword, name];
      if (before === undefined) {
        if (isEmpty(dependency.value)) continue;
        findings.push(
          finding(
            'DEPENDENCY_SCHEMA_ADDED',
            at,
            (d) =>
              `${d()} gained a schema that applies when ${d(['properties', name])} is present: data written with it may be refused`,
          ),
        );
      } else {
        findings.push(
          ...within(at, this.compare(child(w, before.value), child(r, dependency.value))),
        );
      }
    }
    return findings;
  }

  /**
   * `additionalProperties`, or 2019-09's `unevaluatedProperties`, as Confluent compares them;
   * `true` and `{}` count as absent.
   */
  private compareExtraProperties(
    w: Located,
    ws: JsonObject,
    r: Located,
    rs: JsonObject,
    keyword: 'additionalProperties' | 'unevaluatedProperties',
  ): Finding[] {
    const from = ws[keyword];
    const to = rs[keyword];
    if (from === false || to === undefined || isEmpty(to)) return [];
    const type = keyword === 'additionalProperties' ? 'ADDITIONAL' : 'UNEVALUATED';
    const others =
      keyword === 'additionalProperties'
        ? 'properties it does not name'
        : 'properties its other keywords do not cover';
    if (to === false) {
      return [
        finding(
          `${type}_PROPERTIES_REMOVED`,
          [keyword],
          (d) => `${d()} no longer allows ${others}: data written with them would be refused`,
        ),
      ];
    }
    if (from === undefined || isEmpty(from)) {
      return [
        finding(
          `${type}_PROPERTIES_NARROWED`,
          [keyword],
          (d) =>
            `${d()} now constrains ${others} with a schema: data written with other kinds of them would be refused`,
        ),
      ];
    }
    return within([keyword], this.compare(child(w, from), child(r, to)));
  }

  // --- arrays (Confluent's ArraySchemaDiff)

  private compareArrayKeywords(w: Located, ws: JsonObject, r: Located, rs: JsonObject): Finding[] {
    const findings: Finding[] = [];
    const written = arrayModel(w, ws);
    const read = arrayModel(r, rs);
    const shared = Math.min(written.tuple.length, read.tuple.length);
    for (let index = 0; index < shared; index++) {
      const at = [read.tupleKeyword, String(index)];
      findings.push(
        ...within(at, this.compare(child(w, written.tuple[index]), child(r, read.tuple[index]))),
      );
    }
    for (let index = shared; index < written.tuple.length; index++) {
      findings.push(
        ...this.itemRemoved(
          [written.tupleKeyword, String(index)],
          child(w, written.tuple[index]),
          read.rest,
        ),
      );
    }
    // Like Confluent, items added to a tuple are judged by what the old schema allowed beyond
    // its tuple (additionalItems), not by a single old `items` schema: `items` changed from one
    // schema to a tuple is ITEM_ADDED_TO_OPEN_CONTENT_MODEL unless additionalItems closed it.
    const writtenBeyond = written.single ? this.beyondTuple(w, ws) : written.rest;
    for (let index = shared; index < read.tuple.length; index++) {
      findings.push(
        ...this.itemAdded(
          [read.tupleKeyword, String(index)],
          child(r, read.tuple[index]),
          writtenBeyond,
        ),
      );
    }
    findings.push(...this.compareRest(written, read));
    if (read.single) findings.push(...this.compareAdditionalItems(w, ws, r, rs));
    findings.push(
      ...compareLimit(limits.maxItems, numberOf(ws['maxItems']), numberOf(rs['maxItems'])),
      ...compareLimit(limits.minItems, lowerLimitOf(ws['minItems']), lowerLimitOf(rs['minItems'])),
      ...compareLimit(limits.maxContains, numberOf(ws['maxContains']), numberOf(rs['maxContains'])),
      ...compareLimit(limits.minContains, numberOf(ws['minContains']), numberOf(rs['minContains'])),
    );
    if (rs['uniqueItems'] === true && ws['uniqueItems'] !== true) {
      findings.push(
        finding(
          'UNIQUE_ITEMS_ADDED',
          ['uniqueItems'],
          (d) => `${d()} now requires unique items: arrays with duplicates would be refused`,
        ),
      );
    }
    return findings;
  }

  /** What an array schema without a tuple allows beyond a tuple, as Confluent reads it. */
  private beyondTuple(w: Located, ws: JsonObject): Slot {
    if (ws['additionalItems'] !== undefined) {
      return slotOf(w, ws['additionalItems'], ['additionalItems']);
    }
    return slotOf(w, ws['unevaluatedItems'], ['unevaluatedItems']);
  }

  /**
   * `additionalItems` beside a single `items` schema (or none), compared as Confluent's
   * ArraySchemaDiff does whatever `items` is: made false, it is ADDITIONAL_ITEMS_REMOVED;
   * given a schema where there was none, ADDITIONAL_ITEMS_NARROWED.
   */
  private compareAdditionalItems(
    w: Located,
    ws: JsonObject,
    r: Located,
    rs: JsonObject,
  ): Finding[] {
    const from = ws['additionalItems'];
    const to = rs['additionalItems'];
    if (from === false || to === undefined || isEmpty(to)) return [];
    if (to === false) {
      return [
        finding(
          'ADDITIONAL_ITEMS_REMOVED',
          ['additionalItems'],
          (d) =>
            `${d()} gained additionalItems: false: it no longer allows additional items, which the old schema allowed`,
        ),
      ];
    }
    if (from === undefined || isEmpty(from)) {
      return [
        finding(
          'ADDITIONAL_ITEMS_NARROWED',
          ['additionalItems'],
          (d) =>
            `additional items of ${d()} must now match a schema: the old schema allowed any additional item`,
        ),
      ];
    }
    return within(['additionalItems'], this.compare(child(w, from), child(r, to)));
  }

  private itemRemoved(at: string[], written: Located, readerRest: Slot): Finding[] {
    if (readerRest.kind === 'open') return [];
    if (readerRest.kind === 'partial') {
      const reasons = this.compare(written, readerRest.schema);
      if (reasons.length === 0) return [];
      return [
        ...within(readerRest.keyword, reasons),
        finding(
          'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          at,
          (d) =>
            `item ${d(at)} was removed and the new ${readerRest.keyword.join(' ')} schema refuses some of its old values`,
        ),
      ];
    }
    if (written.schema === false) return [];
    return [
      finding(
        'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        (d) =>
          `item ${d(at)} was removed and the new schema allows no further items (${readerRest.keyword.join(' ')}: false): arrays written with it would be refused`,
      ),
    ];
  }

  private itemAdded(at: string[], read: Located, writerRest: Slot): Finding[] {
    if (writerRest.kind === 'closed') return [];
    if (writerRest.kind === 'open') {
      if (isEmpty(this.deref(read).schema)) return [];
      return [
        finding(
          'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
          at,
          (d) =>
            `item ${d(at)} was added to ${d()}, but the old schema allowed any item there: arrays written with another kind of item would be refused`,
        ),
      ];
    }
    const reasons = this.compare(writerRest.schema, read);
    if (reasons.length === 0) return [];
    return [
      ...within(at, reasons),
      finding(
        'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
        at,
        (d) =>
          `item ${d(at)} was added, but the old ${writerRest.keyword.join(' ')} schema allowed values there that the new schema refuses`,
      ),
    ];
  }

  /** `items` (one schema), `additionalItems`, 2020-12 `items` after `prefixItems`, `unevaluatedItems`. */
  private compareRest(written: ArrayModel, read: ArrayModel): Finding[] {
    const from = written.rest;
    const to = read.rest;
    if (from.kind === 'closed' || to.kind === 'open') return [];
    const uneval = to.keyword[0] === 'unevaluatedItems';
    if (to.kind === 'closed') {
      return [
        finding(
          uneval ? 'UNEVALUATED_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_REMOVED',
          to.keyword,
          (d) =>
            `${d()} no longer allows items beyond the ${read.tuple.length} it lists: longer arrays would be refused`,
        ),
      ];
    }
    if (from.kind === 'partial') return within(to.keyword, this.compare(from.schema, to.schema));
    const type = read.single
      ? 'SCHEMA_ADDED'
      : uneval
        ? 'UNEVALUATED_ITEMS_NARROWED'
        : 'ADDITIONAL_ITEMS_NARROWED';
    return [
      finding(
        type,
        to.keyword,
        (d) =>
          `${read.single ? 'items' : 'further items'} of ${d()} must now match a schema: the old schema allowed any item`,
      ),
    ];
  }

  // --- combined schemas (Confluent's CombinedSchemaDiff) and not (NotSchemaDiff)

  private compareCombinatorKeyword(
    w: Located,
    ws: JsonObject,
    r: Located,
    rs: JsonObject,
    combinator: Combinator,
  ): Finding[] {
    const read = branches(rs[combinator]);
    if (read === undefined) return [];
    if (branches(ws[combinator]) !== undefined) {
      return this.compareCombined(w, ws, combinator, r, rs, combinator);
    }
    if (combinator === 'allOf' || read.length === 1) {
      // The writer alone must satisfy each new branch.
      return read.flatMap((branch, index) =>
        within([combinator, String(index)], this.compare(w, child(r, branch))),
      );
    }
    const unread = this.byType(w, ws).filter((part) =>
      read.every((branch) => !this.reads(part.located, child(r, branch))),
    );
    if (unread.length === 0) return [];
    const which = unread.every((part) => part.type !== undefined)
      ? `its old ${unread.map((part) => part.type).join(' and ')} values`
      : 'everything the old schema allowed';
    return [
      finding(
        'TYPE_CHANGED',
        [combinator],
        (d) =>
          `${d()} must now match one of its ${combinator} branches, and no branch accepts ${which}`,
      ),
    ];
  }

  /** The writer split by type (`["string","null"]` into two), as everit loads a type union. */
  private byType(w: Located, ws: JsonObject): { located: Located; type?: string }[] {
    const types = writerTypes(ws);
    if (types === undefined || types.length < 2) return [{ located: w }];
    return types.map((type) => ({
      located: { schema: this.derive(ws, `type:${type}`, () => ({ ...ws, type })), root: w.root },
      type,
    }));
  }

  private compareCombined(
    w: Located,
    ws: JsonObject,
    from: Combinator,
    r: Located,
    rs: JsonObject,
    to: Combinator,
  ): Finding[] {
    const written = ws[from] as unknown[];
    const read = rs[to] as unknown[];
    if (from !== to) {
      const single = (list: unknown[]): boolean => list.length === 1;
      const allowed =
        to === 'anyOf' ||
        (to === 'oneOf' && single(written)) ||
        (to === 'allOf' && single(written) && single(read));
      if (!allowed) {
        const why =
          to === 'oneOf'
            ? 'values matching more than one branch would be refused'
            : 'values must now match every branch';
        return [
          finding(
            'COMBINED_TYPE_CHANGED',
            [to],
            (d) => `${d()} changed from ${from} to ${to}: ${why}`,
          ),
        ];
      }
    }
    const findings: Finding[] = [];
    const writtenIndexes = distinctIndexes(written);
    const readIndexes = distinctIndexes(read);
    if (writtenIndexes.length < readIndexes.length && to === 'allOf') {
      findings.push(
        finding(
          'PRODUCT_TYPE_EXTENDED',
          [to],
          (d) => `${d()} gained an allOf branch: data must now match one more schema`,
        ),
      );
    }
    if (writtenIndexes.length > readIndexes.length && to !== 'allOf') {
      findings.push(
        finding(
          'SUM_TYPE_NARROWED',
          [to],
          (d) =>
            `${d()} lost a ${to} branch: data matching only the removed branch would be refused`,
        ),
      );
    }
    const edges = writtenIndexes.map((i) =>
      readIndexes.map((j) => this.reads(child(w, written[i]), child(r, read[j]))),
    );
    const readerMatch = maximumMatching(edges, readIndexes.length);
    const matched = readerMatch.filter((left) => left !== undefined).length;
    if (matched >= Math.min(writtenIndexes.length, readIndexes.length)) return findings;
    if (writtenIndexes.length <= readIndexes.length) {
      const taken = new Set(readerMatch);
      writtenIndexes.forEach((index, left) => {
        if (taken.has(left)) return;
        const at = [from, String(index)];
        findings.push(
          finding(
            'COMBINED_TYPE_SUBSCHEMAS_CHANGED',
            at,
            (d) =>
              `${from} branch ${index} of ${d()} has no counterpart in the new ${to} that accepts all its values: data matching it may be refused`,
          ),
        );
      });
    } else {
      readIndexes.forEach((index, right) => {
        if (readerMatch[right] !== undefined) return;
        const at = [to, String(index)];
        findings.push(
          finding(
            'COMBINED_TYPE_SUBSCHEMAS_CHANGED',
            at,
            (d) =>
              `${to} branch ${index} of ${d()} accepts less than any old ${from} branch: data written under the old branches may be refused`,
          ),
        );
      });
    }
    return findings;
  }

  private compareNot(w: Located, ws: JsonObject, r: Located, rs: JsonObject): Finding[] {
    const read = rs['not'];
    if (read === undefined || read === false) return [];
    const written = ws['not'];
    // The reader refuses more when its `not` accepts more: compare the other way round.
    if (written !== undefined && this.compare(child(r, read), child(w, written)).length === 0) {
      return [];
    }
    return [
      finding(
        'NOT_TYPE_EXTENDED',
        ['not'],
        (d) =>
          `${d()} now refuses values matching ${written === undefined ? 'a new' : 'a wider'} "not" schema: data written before may be refused`,
      ),
    ];
  }

  // --- references

  /** Follows `$ref`s that carry no other constraint. */
  private deref(located: Located): Located {
    let current = located;
    const seen = new Set<JsonSchemaDocument>();
    while (
      isRecord(current.schema) &&
      typeof current.schema['$ref'] === 'string' &&
      !hasRefWithConstraints(current.schema)
    ) {
      if (seen.has(current.schema)) {
        throw invalid(`$ref "${current.schema['$ref']}" refers only to itself`);
      }
      seen.add(current.schema);
      current = this.resolve(current.schema['$ref'], current.root);
    }
    return current;
  }

  private splitRef(located: Located, schema: JsonObject): [Located, Located] {
    const target = this.resolve(schema['$ref'] as string, located.root);
    const rest = this.derive(schema, 'without $ref', () => {
      const { $ref: _ref, ...siblings } = schema;
      return siblings;
    });
    return [target, { schema: rest, root: located.root }];
  }

  private derive(schema: JsonObject, key: string, make: () => JsonObject): JsonObject {
    const byKey = this.derived.get(schema) ?? new Map<string, JsonObject>();
    this.derived.set(schema, byKey);
    const existing = byKey.get(key);
    if (existing !== undefined) return existing;
    const made = make();
    byKey.set(key, made);
    return made;
  }

  private resolve(ref: string, root: JsonSchemaDocument): Located {
    const target = this.locate(ref, root);
    if (target === undefined) throw invalid(`cannot resolve $ref "${ref}"`);
    return target;
  }

  /**
   * Two schemas that are the same `$ref` to another document, which the resolver does not
   * know: equal whatever it holds.
   */
  private sameUnknownRef(writer: Located, reader: Located): boolean {
    const ref = isRecord(writer.schema) ? writer.schema['$ref'] : undefined;
    if (typeof ref !== 'string' || ref.startsWith('#')) return false;
    if (canonical(writer.schema) !== canonical(reader.schema)) return false;
    return (
      this.locate(ref, writer.root) === undefined && this.locate(ref, reader.root) === undefined
    );
  }

  private locate(ref: string, root: JsonSchemaDocument): Located | undefined {
    const hash = ref.indexOf('#');
    const base = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    const ownId = isRecord(root) ? (root['$id'] ?? root['id']) : undefined;
    if (base === '' || base === ownId) return this.inDocument(ref, fragment, root);
    const document = this.resolver?.(base, root);
    if (document !== undefined) return this.inDocument(ref, fragment, document);
    const target = fragment === '' ? undefined : this.resolver?.(ref, root);
    return target === undefined ? undefined : { schema: target, root: target };
  }

  private inDocument(ref: string, fragment: string, document: JsonSchemaDocument): Located {
    const target =
      fragment.startsWith('/') || fragment === ''
        ? pointerTarget(document, fragment)
        : anchorTarget(document, decodeURIComponent(fragment));
    if (!isSchema(target)) throw invalid(`cannot resolve $ref "${ref}"`);
    return { schema: target, root: document };
  }
}

/**
 * Runs a comparison made while searching for a pairing (combinator branches): one that needs a
 * `$ref` nobody can resolve is no pairing, and gives undefined after telling `failed`.
 */
function attempt(
  compare: () => Finding[],
  failed: (error: unknown) => void,
): Finding[] | undefined {
  try {
    return compare();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    failed(error);
    return undefined;
  }
}

function invalid(reason: string): ValidationError {
  return new ValidationError('SIFT_SCHEMA_INVALID', `Invalid JSON schema: ${reason}`);
}

function pointerTarget(document: unknown, pointer: string): unknown {
  let current = document;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

/** A subschema named by `$anchor` (2019-09+) or a plain-name `$id`/`id` (draft-07 and earlier). */
function anchorTarget(document: unknown, name: string): unknown {
  if (Array.isArray(document)) {
    for (const item of document) {
      const found = anchorTarget(item, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(document)) return undefined;
  const id = document['$id'] ?? document['id'];
  if (document['$anchor'] === name || id === `#${name}`) return document;
  for (const value of Object.values(document)) {
    const found = anchorTarget(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function pointer(segments: readonly string[]): string {
  return segments.map((segment) => `/${pointerSegment(segment)}`).join('');
}

/** `the root schema`, `"address.zip"`, `"tags[]"`, or the JSON pointer when it is not a plain path. */
function label(segments: readonly string[]): string {
  if (segments.length === 0) return 'the root schema';
  let name = '';
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    const next = segments[index + 1];
    if (segment === 'properties' && next !== undefined) {
      name += name === '' ? next : `.${next}`;
      index++;
    } else if ((segment === 'items' || segment === 'prefixItems') && /^\d+$/.test(next ?? '')) {
      name += `[${next}]`;
      index++;
    } else if (segment === 'items') {
      name += '[]';
    } else {
      return pointer(segments);
    }
  }
  return JSON.stringify(name);
}

/**
 * Every reason data written under `writer` may not be readable under `reader` (Confluent's
 * STRICT policy); empty when compatible. BACKWARD checks (reader = new, writer = old).
 * Follows Confluent's `SchemaDiff` with original = writer and update = reader, reporting the
 * differences outside its compatible-changes set. `options.strictRequired` refuses a property
 * that became required even with a default. Throws a ValidationError (`SIFT_SCHEMA_INVALID`)
 * when a `$ref` cannot be resolved.
 */
export function jsonSchemaReaderIncompatibilities(
  reader: JsonSchemaDocument,
  writer: JsonSchemaDocument,
  resolve?: RefResolver,
  options: CompatibilityOptions = {},
): JsonSchemaIncompatibility[] {
  const findings = new Comparison(resolve, options).compare(
    { schema: writer, root: writer },
    { schema: reader, root: reader },
  );
  const seen = new Set<string>();
  const result: JsonSchemaIncompatibility[] = [];
  for (const found of findings) {
    const path = pointer([...found.at, ...found.tail]);
    const message = found.say((below = []) => label([...found.at, ...below]));
    const key = `${path}\n${found.keyword}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ path, keyword: found.keyword, message });
  }
  return result;
}
