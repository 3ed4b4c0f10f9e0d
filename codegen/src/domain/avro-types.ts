import { ValidationError } from '@sift/common';
import { docComment, pascalCase, propertyKey } from './names';

/** An Avro schema as parsed JSON. */
export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

type AvroObject = { [key: string]: unknown };

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

function isObject(value: unknown): value is AvroObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(message: string): ValidationError {
  return new ValidationError('SIFT_SCHEMA_INVALID', `Invalid Avro schema: ${message}`);
}

/** A named Avro type (record, enum, fixed) with its TypeScript name. */
export interface NamedAvroType {
  fullName: string;
  tsName: string;
  schema: AvroObject;
}

/**
 * The named types of an Avro schema and the schemas it references, by full name, so that a
 * type used by name anywhere resolves. `rootName` names the top-level type; the others get
 * `rootName` + their own name, so two event types' `Address` records never collide.
 */
export class AvroNames {
  readonly byFullName = new Map<string, NamedAvroType>();

  constructor(private readonly rootName: string) {}

  private uniqueName(root: boolean, shortName: string): string {
    if (root) return this.rootName;
    const taken = new Set([...this.byFullName.values()].map((named) => named.tsName));
    const base = `${this.rootName}${pascalCase(shortName)}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    return name;
  }

  /** Walks a schema, recording every named type it defines. */
  collect(schema: AvroSchema, namespace: string | undefined, root: boolean): void {
    if (Array.isArray(schema)) {
      for (const branch of schema) this.collect(branch, namespace, false);
      return;
    }
    if (!isObject(schema)) return;
    const type = schema['type'];
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      const name = schema['name'];
      if (typeof name !== 'string') throw invalid(`a ${String(type)} needs a name`);
      const fullName = declaredFullName(schema, namespace);
      const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
      if (!this.byFullName.has(fullName)) {
        this.byFullName.set(fullName, {
          fullName,
          tsName: this.uniqueName(root, shortName),
          schema,
        });
      }
      const inner = fullName.includes('.')
        ? fullName.slice(0, fullName.lastIndexOf('.'))
        : undefined;
      if (Array.isArray(schema['fields'])) {
        for (const field of schema['fields'] as unknown[]) {
          if (isObject(field)) this.collect(field['type'] as AvroSchema, inner, false);
        }
      }
      return;
    }
    if (type === 'array') this.collect(schema['items'] as AvroSchema, namespace, false);
    else if (type === 'map') this.collect(schema['values'] as AvroSchema, namespace, false);
    else if (isObject(type) || Array.isArray(type))
      this.collect(type as AvroSchema, namespace, root);
  }

  /** The named type a name refers to from inside `namespace`. */
  resolve(name: string, namespace: string | undefined): NamedAvroType {
    const found =
      (namespace && !name.includes('.')
        ? this.byFullName.get(`${namespace}.${name}`)
        : undefined) ?? this.byFullName.get(name);
    if (!found) throw invalid(`unknown type "${name}"`);
    return found;
  }
}

/** The full name a named type declaration gives itself. */
export function declaredFullName(
  schema: { [key: string]: unknown },
  namespace: string | undefined,
): string {
  const name = String(schema['name']);
  const own = typeof schema['namespace'] === 'string' ? (schema['namespace'] as string) : namespace;
  return name.includes('.') || !own ? name : `${own}.${name}`;
}

/** The namespace names inside a named type resolve against. */
export function namespaceOf(named: NamedAvroType): string | undefined {
  const index = named.fullName.lastIndexOf('.');
  return index < 0 ? undefined : named.fullName.slice(0, index);
}

/** The TypeScript type of a (non-declaration) Avro schema. */
function typeExpression(
  schema: AvroSchema,
  names: AvroNames,
  namespace: string | undefined,
): string {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return primitiveType(schema);
    return names.resolve(schema, namespace).tsName;
  }
  if (Array.isArray(schema)) {
    const branches = schema.map((branch) => typeExpression(branch, names, namespace));
    return [...new Set(branches)].join(' | ') || 'never';
  }
  const type = schema['type'];
  switch (type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed': {
      return names.resolve(declaredFullName(schema, namespace), undefined).tsName;
    }
    case 'array':
      return `Array<${typeExpression(schema['items'] as AvroSchema, names, namespace)}>`;
    case 'map':
      return `Record<string, ${typeExpression(schema['values'] as AvroSchema, names, namespace)}>`;
    default:
      if (typeof type === 'string' && PRIMITIVES.has(type)) return primitiveType(type);
      if (typeof type === 'string') return names.resolve(type, namespace).tsName;
      if (isObject(type) || Array.isArray(type)) return typeExpression(type, names, namespace);
      throw invalid(`cannot read type ${JSON.stringify(schema)}`);
  }
}

function primitiveType(name: string): string {
  switch (name) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    default:
      // bytes and string; bytes travel in JSON as strings.
      return 'string';
  }
}

/** A note on a logical type, for the doc comment: what the number or string means. */
function logicalNote(schema: unknown): string | undefined {
  if (!isObject(schema)) return undefined;
  switch (schema['logicalType']) {
    case 'timestamp-millis':
    case 'local-timestamp-millis':
      return 'Milliseconds since the Unix epoch (timestamp-millis).';
    case 'timestamp-micros':
    case 'local-timestamp-micros':
      return 'Microseconds since the Unix epoch (timestamp-micros).';
    case 'date':
      return 'Days since 1970-01-01 (date).';
    case 'time-millis':
      return 'Milliseconds after midnight (time-millis).';
    case 'time-micros':
      return 'Microseconds after midnight (time-micros).';
    case 'decimal':
      return `Decimal (precision ${String(schema['precision'])}, scale ${String(schema['scale'] ?? 0)}).`;
    case 'uuid':
      return 'A UUID.';
    default:
      return undefined;
  }
}

function joinDocs(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.filter((part): part is string => typeof part === 'string' && part !== '');
  return kept.length > 0 ? kept.join('\n') : undefined;
}

/** The declaration of one named type. */
function declaration(named: NamedAvroType, names: AvroNames): string {
  const { schema, tsName } = named;
  const doc = typeof schema['doc'] === 'string' ? schema['doc'] : undefined;
  const namespace = namespaceOf(named);
  switch (schema['type']) {
    case 'enum': {
      const symbols = Array.isArray(schema['symbols']) ? (schema['symbols'] as unknown[]) : [];
      const union = symbols.map((symbol) => JSON.stringify(String(symbol))).join(' | ') || 'never';
      return `${docComment(doc)}export type ${tsName} = ${union};\n`;
    }
    case 'fixed':
      return `${docComment(joinDocs(doc, `Fixed, ${String(schema['size'])} bytes.`))}export type ${tsName} = string;\n`;
    default: {
      const fields = Array.isArray(schema['fields']) ? (schema['fields'] as unknown[]) : [];
      const members = fields.filter(isObject).map((field) => {
        const name = String(field['name']);
        const optional = 'default' in field;
        const fieldDoc = joinDocs(
          typeof field['doc'] === 'string' ? field['doc'] : undefined,
          logicalNote(field['type']),
          optional ? `@default ${JSON.stringify(field['default'])}` : undefined,
        );
        const type = typeExpression(field['type'] as AvroSchema, names, namespace);
        return `${docComment(fieldDoc, '  ')}  ${propertyKey(name)}${optional ? '?' : ''}: ${type};\n`;
      });
      return `${docComment(doc)}export interface ${tsName} {\n${members.join('')}}\n`;
    }
  }
}

/**
 * TypeScript declarations for an Avro event schema: the top-level type as `rootName`, each
 * other named type after it. Records become interfaces (a field with a default is optional,
 * as the collector fills it in), enums string-literal unions, unions unions, logical types
 * numbers or strings with a note.
 */
export function avroTypeScript(
  rootName: string,
  schemaText: string,
  references: readonly { schema: string }[] = [],
): string {
  const names = new AvroNames(rootName);
  const parse = (text: string): AvroSchema => {
    try {
      return JSON.parse(text) as AvroSchema;
    } catch {
      // A bare name such as "string" is valid Avro schema text too.
      return text.trim();
    }
  };
  const referenced = references.map((reference) => parse(reference.schema));
  const root = parse(schemaText);
  names.collect(root, undefined, true);
  // Referenced types are declared too, named after the referencing event type.
  for (const schema of referenced) names.collect(schema, undefined, false);
  const parts: string[] = [];
  const isNamedRoot =
    isObject(root) && ['record', 'error', 'enum', 'fixed'].includes(String(root['type']));
  if (!isNamedRoot) {
    parts.push(`export type ${rootName} = ${typeExpression(root, names, undefined)};\n`);
  }
  for (const named of names.byFullName.values()) parts.push(declaration(named, names));
  return parts.join('\n');
}
