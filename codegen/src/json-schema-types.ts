import { ValidationError } from '@sift/common';
import { runOpenApiTypeScript } from './adapters/openapi-typescript/run-openapi-typescript';
import { docComment } from './domain/names';

/** A JSON Schema event schema to type, under the TypeScript name it gets. */
export interface JsonSchemaInput {
  typeName: string;
  schema: string;
  references: readonly { name: string; schema: string }[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keywords that only name or identify a schema; OpenAPI documents do not take them. */
const DROPPED = new Set(['$schema', '$id', 'id', 'self']);

function parse(text: string, typeName: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new ValidationError('SIFT_SCHEMA_INVALID', `Invalid JSON schema for ${typeName}`, {
      cause: error,
    });
  }
}

/**
 * Rewrites a schema for a place in `components.schemas`: its `$defs`/`definitions` become
 * components of their own (returned in `defs`), and every `$ref` points into components.
 */
function relocate(
  schema: Json,
  key: string,
  references: Map<string, string>,
  defs: Map<string, Json>,
  top: boolean,
): Json {
  if (Array.isArray(schema))
    return schema.map((item) => relocate(item, key, references, defs, false));
  if (schema === null || typeof schema !== 'object') return schema;
  const result: { [key: string]: Json } = {};
  for (const [name, value] of Object.entries(schema)) {
    if (top && DROPPED.has(name)) continue;
    if ((name === '$defs' || name === 'definitions') && value && typeof value === 'object') {
      for (const [defName, def] of Object.entries(value)) {
        defs.set(`${key}.${defName}`, relocate(def as Json, key, references, defs, false));
      }
      continue;
    }
    if (name === '$ref' && typeof value === 'string') {
      result[name] = rewriteRef(value, key, references);
      continue;
    }
    result[name] = relocate(value as Json, key, references, defs, false);
  }
  return result;
}

function rewriteRef(ref: string, key: string, references: Map<string, string>): string {
  const target = (name: string): string =>
    `#/components/schemas/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const local = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  if (local) return target(`${key}.${decodeURIComponent(local[2] ?? '')}`);
  if (ref === '#') return target(key);
  const referenced = references.get(ref.replace(/#$/, ''));
  if (referenced) return target(referenced);
  if (ref.startsWith('#/')) return target(`${key}${ref.slice(1)}`);
  // Never fetched: codegen reads only the registry or the folder it was given.
  throw new ValidationError(
    'SIFT_SCHEMA_INVALID',
    `The schema of ${key} references ${ref}, which is neither inside it nor one of its registry references`,
  );
}

/**
 * TypeScript types for JSON Schema event schemas through openapi-typescript: each schema (and
 * each of its `$defs`) is placed in an OpenAPI 3.1 document's `components.schemas`, and one
 * exported alias per event type points at its component. Enums become string-literal unions;
 * descriptions become doc comments; a property with a default stays optional.
 */
export async function jsonSchemaTypeScript(inputs: readonly JsonSchemaInput[]): Promise<string> {
  if (inputs.length === 0) return '';
  const components: { [key: string]: Json } = {};
  const aliases: string[] = [];
  for (const input of inputs) {
    const references = new Map<string, string>();
    const defs = new Map<string, Json>();
    input.references.forEach((reference, index) => {
      references.set(reference.name.replace(/#$/, ''), `${input.typeName}.ref${index + 1}`);
    });
    input.references.forEach((reference, index) => {
      const key = `${input.typeName}.ref${index + 1}`;
      components[key] = relocate(
        parse(reference.schema, input.typeName),
        key,
        references,
        defs,
        true,
      );
    });
    const schema = parse(input.schema, input.typeName);
    components[input.typeName] = relocate(schema, input.typeName, references, defs, true);
    for (const [key, def] of defs) components[key] = def;
    const description =
      schema &&
      typeof schema === 'object' &&
      !Array.isArray(schema) &&
      typeof schema['description'] === 'string'
        ? schema['description']
        : undefined;
    aliases.push(
      `${docComment(description)}export type ${input.typeName} = JsonSchemaComponents['schemas']['${input.typeName}'];\n`,
    );
    for (const key of defs.keys()) {
      const defName = key.slice(input.typeName.length + 1);
      const alias =
        `${input.typeName}${defName.charAt(0).toUpperCase()}${defName.slice(1)}`.replace(
          /[^A-Za-z0-9_$]/g,
          '_',
        );
      aliases.push(
        `export type ${alias} = JsonSchemaComponents['schemas'][${JSON.stringify(key)}];\n`,
      );
    }
  }
  const document = {
    openapi: '3.1.0',
    info: { title: 'Sift event schemas', version: '1' },
    paths: {},
    components: { schemas: components },
  };
  const text = await runOpenApiTypeScript(document, { defaultNonNullable: false, silent: true });
  const start = text.indexOf('export interface components {');
  const end = text.indexOf('\n}\n', start);
  if (start < 0 || end < 0)
    throw new Error('openapi-typescript output has no components interface');
  const componentsInterface = text
    .slice(start, end + 2)
    .replace('export interface components {', 'interface JsonSchemaComponents {')
    .replace(/components\["schemas"\]/g, 'JsonSchemaComponents["schemas"]');
  return `${componentsInterface}\n\n${aliases.join('\n')}`;
}
