import { Type } from 'avsc';
import type { Schema, types } from 'avsc';
import { ValidationError } from '@sift/common';
import type { ValidationIssue } from '@sift/common';
import type {
  CompiledSchema,
  Incompatibility,
  SchemaFormat,
  SchemaText,
} from '../../schema-format';
import { cappedValue, parseSchemaJson, sortKeys, toJsonPath, toPointer } from '../parse-json';
import type { PathSegment } from '../parse-json';
import { avroReaderIncompatibilities } from './avro-compatibility';
import {
  describeType,
  naturalPath,
  toAvroValue,
  toNaturalValue,
  undeclaredFields,
} from './avro-values';
import type { UndeclaredField } from './avro-values';

/**
 * Parses Avro schema text, with the named types of its references registered first. Every
 * union is wrapped (`{"int": 5}`): `wrapUnions: 'never'` refuses unions such as
 * `["int", "long"]` or two records, and `'auto'` would give two shapes to one kind of value;
 * `toAvroValue` and `toNaturalValue` turn natural JSON into this form and back.
 */
function toType(
  { schema, references = [] }: SchemaText,
  wrapUnions: 'always' | 'auto' = 'always',
): Type {
  const registry: Record<string, Type> = {};
  const parse = (text: string, what: string): Type => {
    const parsed = parseSchemaJson(text, 'AVRO') as Schema;
    try {
      return Type.forSchema(parsed, { wrapUnions, registry });
    } catch (error) {
      throw new ValidationError(
        'SIFT_SCHEMA_INVALID',
        `Invalid AVRO schema${what}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  };
  for (const reference of references) parse(reference.schema, ` (reference ${reference.name})`);
  return parse(schema, '');
}

function quoted(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

/** The issue of one value avsc refused; `path` is in the natural JSON, `found` avsc's form. */
function issueAt(path: PathSegment[], found: unknown, type: Type): ValidationIssue {
  const pointer = toPointer(path);
  const where = pointer === '' ? 'the event' : pointer;
  const at = { path: pointer, jsonPath: toJsonPath(path) };
  if (found === undefined) {
    return {
      ...at,
      keyword: 'required',
      message: `${where} is required (${describeType(type)})`,
      expected: describeType(type),
    };
  }
  const value = toNaturalValue(type, found);
  if (type.typeName === 'enum') {
    const symbols = quoted((type as types.EnumType).symbols);
    return {
      ...at,
      keyword: 'enum',
      message: `${where} must be one of ${symbols}`,
      expected: `one of ${symbols}`,
      value: cappedValue(value),
    };
  }
  return {
    ...at,
    keyword: 'type',
    message: `${where} must be ${describeType(type)}, got ${JSON.stringify(value)?.slice(0, 80) ?? String(value)}`,
    expected: describeType(type),
    value: cappedValue(value),
  };
}

function undeclaredIssue({ path, record, value }: UndeclaredField): ValidationIssue {
  const pointer = toPointer(path);
  const fields = record.fields.map((field) => field.name);
  return {
    path: pointer,
    jsonPath: toJsonPath(path),
    keyword: 'additionalProperties',
    message: `${pointer} is not a field of record ${record.name ?? ''}`.trimEnd(),
    expected: `only the fields ${quoted(fields)} of ${describeType(record)}`,
    ...(value === undefined ? {} : { value: cappedValue(value) }),
  };
}

class CompiledAvroSchema implements CompiledSchema {
  readonly schemaType = 'AVRO' as const;

  /**
   * @param type the schema with every union wrapped: takes any data, natural or Avro-JSON.
   * @param natural the same schema with avsc's unions left bare where their branches take
   *   different kinds of value: it checks and encodes natural JSON as it is, with no
   *   conversion, and writes the same bytes as `type`.
   */
  constructor(
    private readonly type: Type,
    private readonly natural: Type,
  ) {}

  validate(data: unknown): { value: unknown; issues: ValidationIssue[] } {
    const avro = toAvroValue(this.type, data);
    const issues = this.issuesOf(avro);
    return { value: toNaturalValue(this.type, avro, { keepBranches: true }), issues };
  }

  encode(value: unknown): Buffer {
    return this.type.toBuffer(toAvroValue(this.type, value));
  }

  validateAndEncode(data: unknown): { issues: ValidationIssue[]; encoded?: Buffer } {
    // Most events are natural JSON that fits as is; the conversion below handles the rest
    // (Avro's JSON encoding of unions, bytes as text) and finds the issues of invalid data.
    if (this.natural.isValid(data, { noUndeclaredFields: true })) {
      return { issues: [], encoded: this.natural.toBuffer(data) };
    }
    const avro = toAvroValue(this.type, data);
    const issues = this.issuesOf(avro);
    return issues.length > 0 ? { issues } : { issues, encoded: this.type.toBuffer(avro) };
  }

  /** Every issue of a value in avsc's form; none for valid data. */
  private issuesOf(avro: unknown): ValidationIssue[] {
    // Fast path for the common case; the detailed walk below runs only for invalid data.
    if (this.type.isValid(avro, { noUndeclaredFields: true })) return [];
    const issues = undeclaredFields(this.type, avro).map(undeclaredIssue);
    this.type.isValid(avro, {
      errorHook: (path: string[], found: unknown, type: Type) =>
        issues.push(issueAt(naturalPath(this.type, path), found, type)),
    });
    return issues;
  }

  decode(bytes: Buffer): unknown {
    return toNaturalValue(this.type, this.type.fromBuffer(bytes));
  }
}

/**
 * Avro schemas, through avsc. Event data arrives as natural JSON or with unions in Avro's JSON
 * encoding, and decodes to natural JSON.
 */
export const avroFormat: SchemaFormat = {
  schemaType: 'AVRO',
  canonicalize(schema: SchemaText, options: { normalize?: boolean } = {}): string {
    const type = toType(schema);
    // Normalized: the schema as avsc resolves it (full names, no whitespace), keys sorted.
    return options.normalize
      ? JSON.stringify(sortKeys(type.schema({ exportAttrs: true })))
      : JSON.stringify(JSON.parse(schema.schema));
  },
  compile(schema: SchemaText): CompiledSchema {
    return new CompiledAvroSchema(toType(schema), toType(schema, 'auto'));
  },
  readerIncompatibilities(reader: SchemaText, writer: SchemaText): Incompatibility[] {
    return avroReaderIncompatibilities(toType(reader), toType(writer)).map(({ path, message }) => ({
      path,
      keyword: 'AVRO_SCHEMA_RESOLUTION',
      message,
    }));
  },
};
