import { ValidationError } from '@sift/common';

/** A SchemaVer, `MODEL-REVISION-ADDITION`: Iglu's version of a self-describing schema. */
export interface SchemaVer {
  model: number;
  revision: number;
  addition: number;
}

/** What a SchemaVer bump declares: ADDITION compatible, REVISION may break some data, MODEL breaks. */
export type SchemaVerBump = 'ADDITION' | 'REVISION' | 'MODEL';

/** The `self` block of an Iglu self-describing JSON Schema. */
export interface IgluSelf {
  vendor: string;
  name: string;
  format: 'jsonschema';
  version: SchemaVer;
}

/** Iglu's self-describing metaschema, the `$schema` of every Iglu JSON Schema. */
export const IGLU_SELF_DESC_METASCHEMA =
  'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#';

const SCHEMAVER = /^([1-9]\d{0,8})-(0|[1-9]\d{0,8})-(0|[1-9]\d{0,8})$/;
const VENDOR = /^[a-zA-Z0-9_.-]+$/;
const NAME = /^[a-zA-Z0-9_-]+$/;
const IGLU_URI = /^iglu:([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_-]+)\/jsonschema\/(\d+-\d+-\d+)$/;

/** Parses `M-R-A` (model from 1, no leading zeros); undefined when it is not a SchemaVer. */
export function parseSchemaVer(text: string): SchemaVer | undefined {
  const match = SCHEMAVER.exec(text);
  if (!match) return undefined;
  return { model: Number(match[1]), revision: Number(match[2]), addition: Number(match[3]) };
}

/** `M-R-A`. */
export function formatSchemaVer(version: SchemaVer): string {
  return `${version.model}-${version.revision}-${version.addition}`;
}

/** Orders SchemaVers: negative when `a` comes first. */
export function compareSchemaVer(a: SchemaVer, b: SchemaVer): number {
  return a.model - b.model || a.revision - b.revision || a.addition - b.addition;
}

/** The bump from one SchemaVer to a later one; undefined when `next` is not later. */
export function schemaVerBump(previous: SchemaVer, next: SchemaVer): SchemaVerBump | undefined {
  if (compareSchemaVer(next, previous) <= 0) return undefined;
  if (next.model !== previous.model) return 'MODEL';
  return next.revision !== previous.revision ? 'REVISION' : 'ADDITION';
}

/** The registry subject (event type) of an Iglu schema: `<vendor>.<name>`. */
export function igluSubject(vendor: string, name: string): string {
  return `${vendor}.${name}`;
}

/** `iglu:<vendor>/<name>/jsonschema/<M-R-A>`. */
export function igluUri(vendor: string, name: string, version: SchemaVer): string {
  return `iglu:${vendor}/${name}/jsonschema/${formatSchemaVer(version)}`;
}

/** Parses `iglu:<vendor>/<name>/jsonschema/<M-R-A>`; undefined when it is not one. */
export function parseIgluUri(
  uri: string,
): { vendor: string; name: string; version: SchemaVer } | undefined {
  const match = IGLU_URI.exec(uri);
  const version = match ? parseSchemaVer(match[3] as string) : undefined;
  if (!match || !version) return undefined;
  return { vendor: match[1] as string, name: match[2] as string, version };
}

function invalid(message: string): ValidationError {
  return new ValidationError('SIFT_SCHEMA_INVALID', `Invalid Iglu schema: ${message}`);
}

/**
 * The `self` block of a JSON Schema document, when it is an Iglu schema (it has a `self`
 * object, or Iglu's metaschema as `$schema`); undefined for any other schema. Throws a
 * ValidationError when it claims to be an Iglu schema but its `self` block is malformed.
 */
export function igluSelfOf(document: unknown): IgluSelf | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return undefined;
  }
  const { self, $schema } = document as { self?: unknown; $schema?: unknown };
  if (self === undefined && $schema !== IGLU_SELF_DESC_METASCHEMA) return undefined;
  if (self === null || typeof self !== 'object' || Array.isArray(self)) {
    throw invalid('"self" must be an object {vendor, name, format, version}');
  }
  const { vendor, name, format, version } = self as Record<string, unknown>;
  if (typeof vendor !== 'string' || !VENDOR.test(vendor)) {
    throw invalid('"self.vendor" must be a reverse domain name such as "com.acme"');
  }
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid('"self.name" must be letters, digits, "_" or "-"');
  }
  if (format !== 'jsonschema') throw invalid('"self.format" must be "jsonschema"');
  const parsed = typeof version === 'string' ? parseSchemaVer(version) : undefined;
  if (!parsed) {
    throw invalid('"self.version" must be a SchemaVer MODEL-REVISION-ADDITION such as "1-0-0"');
  }
  return { vendor, name, format, version: parsed };
}

/** `igluSelfOf` over schema text; undefined when the text is not a JSON object. */
export function igluSelfOfText(text: string): IgluSelf | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  return igluSelfOf(document);
}
