import { Type } from 'avsc';
import type { Schema } from 'avsc';
import { ValidationError } from '@sift/common';
import type { ValidationIssue } from '@sift/common';
import type { CompiledSchema, SchemaFormat } from '../../schema-format';
import { parseSchemaJson, pointerSegment } from '../parse-json';
import { applyDefaults, describeType } from './avro-values';

function toType(text: string): Type {
  const schema = parseSchemaJson(text, 'AVRO') as Schema;
  try {
    return Type.forSchema(schema, { wrapUnions: 'auto' });
  } catch (error) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `Invalid AVRO schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
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
  canonicalize(text: string): string {
    return JSON.stringify(toType(text).schema({ exportAttrs: true }));
  },
  compile(text: string): CompiledSchema {
    return new CompiledAvroSchema(toType(text));
  },
};
