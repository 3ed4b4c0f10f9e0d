import { Type } from 'avsc';
import type { Schema } from 'avsc';
import { ValidationError } from '@sift/common';
import type { ValidationIssue } from '@sift/common';
import type {
  CompiledSchema,
  Incompatibility,
  SchemaFormat,
  SchemaText,
} from '../../schema-format';
import { parseSchemaJson, pointerSegment, sortKeys } from '../parse-json';
import { avroReaderIncompatibilities } from './avro-compatibility';
import { applyDefaults, describeType } from './avro-values';

/** Parses Avro schema text, with the named types of its references registered first. */
function toType({ schema, references = [] }: SchemaText): Type {
  const registry: Record<string, Type> = {};
  const parse = (text: string, what: string): Type => {
    const parsed = parseSchemaJson(text, 'AVRO') as Schema;
    try {
      return Type.forSchema(parsed, { wrapUnions: 'auto', registry });
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

function issueAt(path: string[], value: unknown, type: Type): ValidationIssue {
  const pointer = path
    .map(pointerSegment)
    .map((segment) => `/${segment}`)
    .join('');
  const where = pointer === '' ? 'the event' : pointer;
  if (value === undefined) {
    return {
      path: pointer,
      keyword: 'required',
      message: `${where} is required (${describeType(type)})`,
    };
  }
  if (type.typeName === 'enum') {
    const symbols = (type as unknown as { symbols: string[] }).symbols;
    return {
      path: pointer,
      keyword: 'enum',
      message: `${where} must be one of ${symbols.map((s) => JSON.stringify(s)).join(', ')}`,
    };
  }
  return {
    path: pointer,
    keyword: 'type',
    message: `${where} must be ${describeType(type)}, got ${JSON.stringify(value)?.slice(0, 80) ?? String(value)}`,
  };
}

/** Lists fields the data has but the record does not declare, at every depth. */
function undeclaredFields(
  type: Type,
  value: unknown,
  path: string[],
  issues: ValidationIssue[],
): void {
  if (
    type.typeName === 'record' &&
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value)
  ) {
    const fields = (type as unknown as { fields: { name: string; type: Type }[] }).fields;
    const names = new Set(fields.map((field) => field.name));
    for (const key of Object.keys(value)) {
      if (!names.has(key)) {
        const pointer = [...path, key].map((s) => `/${pointerSegment(s)}`).join('');
        issues.push({
          path: pointer,
          keyword: 'additionalProperties',
          message: `${pointer} is not a field of record ${type.name ?? ''}`.trimEnd(),
        });
      }
    }
    for (const field of fields) {
      undeclaredFields(
        field.type,
        (value as Record<string, unknown>)[field.name],
        [...path, field.name],
        issues,
      );
    }
  } else if (type.typeName === 'array' && Array.isArray(value)) {
    const items = (type as unknown as { itemsType: Type }).itemsType;
    value.forEach((item, index) => undeclaredFields(items, item, [...path, String(index)], issues));
  }
}

class CompiledAvroSchema implements CompiledSchema {
  readonly schemaType = 'AVRO' as const;

  constructor(private readonly type: Type) {}

  validate(data: unknown): { value: unknown; issues: ValidationIssue[] } {
    const value = applyDefaults(this.type, data);
    const issues: ValidationIssue[] = [];
    undeclaredFields(this.type, value, [], issues);
    this.type.isValid(value, {
      errorHook: (path: string[], found: unknown, type: Type) =>
        issues.push(issueAt(path, found, type)),
    });
    return { value, issues };
  }

  encode(value: unknown): Buffer {
    return this.type.toBuffer(value);
  }

  decode(bytes: Buffer): unknown {
    return this.type.fromBuffer(bytes);
  }
}

/** Avro schemas, through avsc; event data arrives as natural JSON (unions unwrapped). */
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
    return new CompiledAvroSchema(toType(schema));
  },
  readerIncompatibilities(reader: SchemaText, writer: SchemaText): Incompatibility[] {
    return avroReaderIncompatibilities(toType(reader), toType(writer)).map(({ path, message }) => ({
      path,
      keyword: 'AVRO_SCHEMA_RESOLUTION',
      message,
    }));
  },
};
