import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '@sift/common';
import type { ValidationIssue } from '@sift/common';
import type {
  CompatibilityOptions,
  CompiledSchema,
  Incompatibility,
  SchemaFormat,
  SchemaText,
} from '../../schema-format';
import {
  cappedValue,
  parseSchemaJson,
  pointerSegments,
  sortKeys,
  toJsonPath,
  toPointer,
} from '../parse-json';
import type { PathSegment } from '../parse-json';
import { jsonSchemaReaderIncompatibilities } from './json-schema-compatibility';
import type { JsonSchemaDocument, RefResolver } from './json-schema-compatibility';
import { metaschemaAt, metaschemasNamedIn, withoutFragment } from './metaschemas';
import { checkPatterns, safeRegExpEngine } from './safe-pattern';

const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;
const DRAFT_2019 = /^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/;

type AjvClass = new (options: object) => Ajv;

/** A fresh ajv of a dialect: every compile gets its own, so `$id`s and references never collide. */
function createAjv(dialect: AjvClass): Ajv {
  // `verbose` puts the failing schema and data on each error, for `expected` and `value`.
  // Patterns run on RE2 (linear time): a schema's pattern cannot stall the event loop.
  const ajv = new dialect({
    allErrors: true,
    strict: false,
    validateFormats: true,
    verbose: true,
    code: { regExp: safeRegExpEngine },
    // Unknown formats (Iglu's `strict-uri`) are ignored quietly: services log through pino only.
    logger: false,
  });
  addFormats(ajv);
  // Iglu's self-describing schemas name themselves in `self`; it constrains nothing.
  ajv.addKeyword({ keyword: 'self', schemaType: 'object' });
  return ajv;
}

/** Parses schema text into a JSON Schema document (an object or a boolean). */
function parseDocument(text: string, what = ''): JsonSchemaDocument {
  const parsed = parseSchemaJson(text, 'JSON');
  if (
    typeof parsed === 'boolean' ||
    (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
  ) {
    return parsed as JsonSchemaDocument;
  }
  throw new ValidationError(
    'SIFT_SCHEMA_INVALID',
    `Invalid JSON schema${what}: must be an object or a boolean`,
  );
}

/** The dialect `$schema` names: 2020-12 or 2019-09 when it says so, draft-07 otherwise. */
function dialectOf(document: JsonSchemaDocument): AjvClass {
  const dialect = typeof document === 'object' ? document['$schema'] : undefined;
  if (typeof dialect !== 'string') return Ajv;
  if (DRAFT_2020.test(dialect)) return Ajv2020;
  return DRAFT_2019.test(dialect) ? Ajv2019 : Ajv;
}

/** Whether an ajv of a dialect knows a `$schema` value, as spelt, as its own metaschema. */
function knowsDialect(dialect: AjvClass, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const url = value.replace(/#$/, '');
  if (dialect === Ajv2020) return url === 'https://json-schema.org/draft/2020-12/schema';
  if (dialect === Ajv2019) return url === 'https://json-schema.org/draft/2019-09/schema';
  return url === 'http://json-schema.org/draft-07/schema';
}

/**
 * Drops a `$schema` the ajv of a dialect does not know as its own (Iglu's self-describing one,
 * draft-04, …): the document validates in that dialect.
 */
function withKnownDialect(document: JsonSchemaDocument, dialect: AjvClass): JsonSchemaDocument {
  if (typeof document !== 'object') return document;
  const value = document['$schema'];
  if (value === undefined || knowsDialect(dialect, value)) return document;
  const { $schema: _ignored, ...rest } = document;
  return rest;
}

/**
 * Adds the well-known metaschemas the texts name (draft-04 to 2020-12, Iglu's self-describing
 * ones) from the project's copies, so `$ref`s to them resolve without the network. Those of
 * another dialect than the ajv's validate with the ajv's keywords.
 */
function addMetaschemas(ajv: Ajv, dialect: AjvClass, texts: readonly string[]): void {
  const known = (url: string): boolean =>
    ajv.refs[url] !== undefined || ajv.schemas[url] !== undefined;
  const { documents, aliases } = metaschemasNamedIn(texts);
  for (const { url, document } of documents) {
    if (known(url)) continue;
    // Draft-04 names itself with `id`, which ajv refuses; the URL is given as the key.
    const { id: _id, ...named } = withKnownDialect(document, dialect) as Record<string, unknown>;
    ajv.addSchema(named, url, undefined, false);
  }
  for (const [alias, canonical] of aliases) {
    if (!known(alias)) ajv.addSchema({ $ref: `${canonical}#` }, alias, undefined, false);
  }
}

function compileValidator({ schema, references = [] }: SchemaText): ValidateFunction {
  const document = parseDocument(schema);
  const dialect = dialectOf(document);
  const ajv = createAjv(dialect);
  try {
    checkPatterns(document);
    for (const reference of references) {
      const referenced = parseDocument(reference.schema, ` (reference ${reference.name})`);
      checkPatterns(referenced, ` (reference ${reference.name})`);
      ajv.addSchema(withKnownDialect(referenced, dialect) as object, reference.name);
    }
    addMetaschemas(ajv, dialect, [schema, ...references.map((reference) => reference.schema)]);
    return ajv.compile(withKnownDialect(document, dialect) as object);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `Invalid JSON schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** The segments of a pointer into `data`: indices of arrays as numbers, names as strings. */
function segmentsIn(data: unknown, pointer: string): PathSegment[] {
  let current: unknown = data;
  return pointerSegments(pointer).map((segment) => {
    const inArray = Array.isArray(current) && /^(0|[1-9]\d*)$/.test(segment);
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[segment]
        : undefined;
    return inArray ? Number(segment) : segment;
  });
}

function json(value: unknown): string {
  return String(cappedValue(JSON.stringify(value)));
}

function listed(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** The property a keyword names below the failing object, if any: the missing or extra one. */
function namedProperty({ keyword, params }: ErrorObject): string | undefined {
  const name =
    keyword === 'required'
      ? params['missingProperty']
      : keyword === 'additionalProperties'
        ? params['additionalProperty']
        : keyword === 'unevaluatedProperties'
          ? params['unevaluatedProperty']
          : undefined;
  return name === undefined ? undefined : String(name);
}

/** The constraint an ajv error (with `verbose`) reports, in words or schema terms. */
function expectedOf(error: ErrorObject, property: string | undefined): string {
  const { keyword, params } = error;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (keyword) {
    case 'required': {
      const properties = parent['properties'] as Record<string, unknown> | undefined;
      const schema = property === undefined ? undefined : properties?.[property];
      return schema === undefined || schema === true ? 'present' : json(schema);
    }
    case 'additionalProperties': {
      const names = Object.keys((parent['properties'] as object | undefined) ?? {});
      const patterns = Object.keys((parent['patternProperties'] as object | undefined) ?? {});
      const allowed = [
        ...names.map((name) => JSON.stringify(name)),
        ...patterns.map((p) => `/${p}/`),
      ];
      return allowed.length === 0 ? 'no properties' : `only ${allowed.join(', ')}`;
    }
    case 'unevaluatedProperties':
      return 'no unevaluated properties';
    case 'enum':
      return `one of ${listed(params['allowedValues'] as unknown[])}`;
    case 'const':
      return `equal to ${json(params['allowedValue'])}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${String(params['comparison'])} ${String(params['limit'])}`;
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return `${keyword} ${String(params['limit'])}`;
    case 'format':
      return `format ${String(params['format'])}`;
    case 'pattern':
      return `pattern ${String(params['pattern'])}`;
    case 'multipleOf':
      return `multiple of ${String(params['multipleOf'])}`;
    case 'dependentRequired':
    case 'dependencies':
      return `${JSON.stringify(params['missingProperty'])} when ${JSON.stringify(params['property'])} is present`;
    default:
      return `${JSON.stringify(keyword)}: ${json(error.schema)}`;
  }
}

function toIssue(error: ErrorObject, data: unknown): ValidationIssue {
  const property = namedProperty(error);
  const segments = segmentsIn(data, error.instancePath);
  if (property !== undefined) segments.push(property);
  const path = toPointer(segments);
  const where = path === '' ? 'the event' : path;
  const offending =
    property === undefined
      ? error.data
      : (error.data as Record<string, unknown> | undefined)?.[property];
  const fields = {
    path,
    jsonPath: toJsonPath(segments),
    keyword: error.keyword,
    expected: expectedOf(error, property),
    ...(offending === undefined ? {} : { value: cappedValue(offending) }),
  };
  if (error.keyword === 'required') return { ...fields, message: `${path} is required` };
  if (error.keyword === 'additionalProperties') {
    return { ...fields, message: `${path} is not an allowed property` };
  }
  const allowed =
    error.keyword === 'enum' ? `: ${listed(error.params['allowedValues'] as unknown[])}` : '';
  return { ...fields, message: `${where} ${error.message ?? 'is invalid'}${allowed}` };
}

class CompiledJsonSchema implements CompiledSchema {
  readonly schemaType = 'JSON' as const;

  constructor(private readonly validateFn: ValidateFunction) {}

  validate(data: unknown): { value: unknown; issues: ValidationIssue[] } {
    const valid = this.validateFn(data);
    const errors = valid ? [] : (this.validateFn.errors ?? []);
    return { value: data, issues: errors.map((error) => toIssue(error, data)) };
  }

  encode(value: unknown): Buffer {
    return Buffer.from(JSON.stringify(value), 'utf8');
  }

  validateAndEncode(data: unknown): { issues: ValidationIssue[]; encoded?: Buffer } {
    if (this.validateFn(data)) return { issues: [], encoded: this.encode(data) };
    return { issues: (this.validateFn.errors ?? []).map((error) => toIssue(error, data)) };
  }

  decode(bytes: Buffer): unknown {
    return JSON.parse(bytes.toString('utf8'));
  }
}

/** Finds `$ref` targets among a schema's references, by the name the reference gives. */
function referenceResolver(...schemas: SchemaText[]): RefResolver {
  const byName = new Map<string, JsonSchemaDocument>();
  for (const { references = [] } of schemas) {
    for (const reference of references) byName.set(reference.name, parseDocument(reference.schema));
  }
  return (ref, from) => {
    const named = byName.get(ref) ?? byName.get(withoutFragment(ref));
    if (named !== undefined) return named;
    // A metaschema's own relative `$ref`s (`meta/core`) resolve against its `$id`.
    const base = typeof from === 'object' ? from['$id'] : undefined;
    let absolute = ref;
    if (typeof base === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      try {
        absolute = new URL(ref, base).href;
      } catch {
        return undefined;
      }
    }
    return metaschemaAt(absolute)?.document;
  };
}

/** JSON Schema (draft-07, 2019-09 and 2020-12), through ajv with formats and RE2 patterns. */
export const jsonSchemaFormat: SchemaFormat = {
  schemaType: 'JSON',
  canonicalize(schema: SchemaText, options: { normalize?: boolean } = {}): string {
    compileValidator(schema);
    const document: unknown = JSON.parse(schema.schema);
    return JSON.stringify(options.normalize ? sortKeys(document) : document);
  },
  compile(schema: SchemaText): CompiledSchema {
    return new CompiledJsonSchema(compileValidator(schema));
  },
  readerIncompatibilities(
    reader: SchemaText,
    writer: SchemaText,
    options: CompatibilityOptions = {},
  ): Incompatibility[] {
    return jsonSchemaReaderIncompatibilities(
      parseDocument(reader.schema),
      parseDocument(writer.schema),
      referenceResolver(reader, writer),
      options,
    );
  },
};
