import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '@sift/common';
import type { ValidationIssue } from '@sift/common';
import type {
  CompiledSchema,
  Incompatibility,
  SchemaFormat,
  SchemaText,
} from '../../schema-format';
import { parseSchemaJson, pointerSegment, sortKeys } from '../parse-json';
import { jsonSchemaReaderIncompatibilities } from './json-schema-compatibility';
import type { JsonSchemaDocument, RefResolver } from './json-schema-compatibility';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

type AjvClass = new (options: object) => Ajv;

/** A fresh ajv of a dialect: every compile gets its own, so `$id`s and references never collide. */
function createAjv(dialect: AjvClass): Ajv {
  const ajv = new dialect({ allErrors: true, strict: false, validateFormats: true });
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

/** The dialect `$schema` names: 2020-12 when it says so, draft-07 otherwise. */
function dialectOf(document: JsonSchemaDocument): AjvClass {
  const dialect = typeof document === 'object' ? document['$schema'] : undefined;
  return typeof dialect === 'string' && dialect.replace(/#$/, '') === DRAFT_2020 ? Ajv2020 : Ajv;
}

/** Drops a `$schema` ajv does not know (for example Iglu's self-describing one): it validates as draft-07. */
function withKnownDialect(document: JsonSchemaDocument): JsonSchemaDocument {
  if (typeof document !== 'object') return document;
  const dialect = document['$schema'];
  if (
    dialect === undefined ||
    (typeof dialect === 'string' &&
      (DRAFT_07.test(dialect) || dialect.replace(/#$/, '') === DRAFT_2020))
  ) {
    return document;
  }
  const { $schema: _ignored, ...rest } = document;
  return rest;
}

function compileValidator({ schema, references = [] }: SchemaText): ValidateFunction {
  const document = parseDocument(schema);
  const ajv = createAjv(dialectOf(document));
  try {
    for (const reference of references) {
      ajv.addSchema(
        withKnownDialect(
          parseDocument(reference.schema, ` (reference ${reference.name})`),
        ) as object,
        reference.name,
      );
    }
    return ajv.compile(withKnownDialect(document) as object);
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

function toIssue(error: ErrorObject): ValidationIssue {
  let path = error.instancePath;
  if (error.keyword === 'required') {
    path += `/${pointerSegment(String(error.params['missingProperty']))}`;
    return { path, keyword: 'required', message: `${path} is required` };
  }
  if (error.keyword === 'additionalProperties') {
    path += `/${pointerSegment(String(error.params['additionalProperty']))}`;
    return { path, keyword: error.keyword, message: `${path} is not an allowed property` };
  }
  const where = path === '' ? 'the event' : path;
  const allowed =
    error.keyword === 'enum'
      ? `: ${(error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
      : '';
  return {
    path,
    keyword: error.keyword,
    message: `${where} ${error.message ?? 'is invalid'}${allowed}`,
  };
}

class CompiledJsonSchema implements CompiledSchema {
  readonly schemaType = 'JSON' as const;

  constructor(private readonly validateFn: ValidateFunction) {}

  validate(data: unknown): { value: unknown; issues: ValidationIssue[] } {
    const valid = this.validateFn(data);
    return { value: data, issues: valid ? [] : (this.validateFn.errors ?? []).map(toIssue) };
  }

  encode(value: unknown): Buffer {
    return Buffer.from(JSON.stringify(value), 'utf8');
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
  return (ref) => byName.get(ref) ?? byName.get(ref.replace(/#.*$/, ''));
}

/** JSON Schema (draft-07 and 2020-12), through ajv with formats. */
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
  readerIncompatibilities(reader: SchemaText, writer: SchemaText): Incompatibility[] {
    return jsonSchemaReaderIncompatibilities(
      parseDocument(reader.schema),
      parseDocument(writer.schema),
      referenceResolver(reader, writer),
    );
  },
};
