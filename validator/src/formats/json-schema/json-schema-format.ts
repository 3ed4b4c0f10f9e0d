import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '@sift/common';
import type { ValidationIssue } from '@sift/common';
import type { CompiledSchema, SchemaFormat } from '../../schema-format';
import { parseSchemaJson, pointerSegment } from '../parse-json';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

function createAjv<T extends Ajv>(AjvClass: new (options: object) => T): T {
  const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  // Iglu's self-describing schemas name themselves in `self`; it constrains nothing.
  ajv.addKeyword({ keyword: 'self', schemaType: 'object' });
  return ajv;
}

const ajv07 = createAjv(Ajv);
const ajv2020 = createAjv(Ajv2020);

/** Picks the dialect from `$schema`: 2020-12 when it says so, draft-07 otherwise. */
function prepare(schema: Record<string, unknown>): { ajv: Ajv; schema: Record<string, unknown> } {
  const dialect = schema['$schema'];
  if (typeof dialect === 'string' && dialect.replace(/#$/, '') === DRAFT_2020) {
    return { ajv: ajv2020, schema };
  }
  if (dialect === undefined || (typeof dialect === 'string' && DRAFT_07.test(dialect))) {
    return { ajv: ajv07, schema };
  }
  // Another meta-schema (for example Iglu's self-describing one): validate as draft-07.
  const { $schema: _ignored, ...rest } = schema;
  return { ajv: ajv07, schema: rest };
}

function compileValidator(text: string): ValidateFunction {
  const parsed = parseSchemaJson(text, 'JSON');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    if (typeof parsed !== 'boolean') {
      throw new ValidationError(
        'SIFT_SCHEMA_INVALID',
        'Invalid JSON schema: must be an object or a boolean',
      );
    }
  }
  const prepared =
    typeof parsed === 'boolean'
      ? { ajv: ajv07, schema: parsed }
      : prepare(parsed as Record<string, unknown>);
  try {
    // Compiled once per schema id by ValidatorCache; ajv's own cache keys on the object.
    return prepared.ajv.compile(prepared.schema as object);
  } catch (error) {
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

/** JSON Schema (draft-07 and 2020-12), through ajv with formats. */
export const jsonSchemaFormat: SchemaFormat = {
  schemaType: 'JSON',
  canonicalize(text: string): string {
    compileValidator(text);
    return JSON.stringify(JSON.parse(text));
  },
  compile(text: string): CompiledSchema {
    return new CompiledJsonSchema(compileValidator(text));
  },
};
