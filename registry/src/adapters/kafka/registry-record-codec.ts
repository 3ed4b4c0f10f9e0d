import type {
  CompatibilityLevel,
  ConfigValue,
  DeleteSubjectValue,
  Mode,
  ModeValue,
  RegistryRecord,
  SchemaReference,
  SchemaValue,
} from '../../ports';

/** A registry record as Kafka message key and value (null value: tombstone). */
export interface EncodedRecord {
  key: string;
  value: string | null;
}

/** A decoded record, or why a message was skipped (`debug`: expected, `warn`: damaged). */
export type DecodeResult =
  { ok: true; record: RegistryRecord } | { ok: false; level: 'debug' | 'warn'; reason: string };

const compatibilityLevels: readonly CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];
const modes: readonly Mode[] = ['READWRITE', 'READONLY', 'IMPORT'];

/**
 * Encodes a record the way Confluent's `_schemas` topic does: key `{"keytype", subject?,
 * version?, "magic"}` (magic 1 for SCHEMA, 0 otherwise), value JSON or null.
 */
export function encodeRecord(record: RegistryRecord): EncodedRecord {
  // Compaction matches keys byte for byte, so the field order here is fixed.
  let key: Record<string, unknown>;
  switch (record.key.keytype) {
    case 'SCHEMA':
      key = {
        keytype: 'SCHEMA',
        subject: record.key.subject,
        version: record.key.version,
        magic: 1,
      };
      break;
    case 'CONFIG':
    case 'MODE':
    case 'DELETE_SUBJECT':
      key = { keytype: record.key.keytype, subject: record.key.subject, magic: 0 };
      break;
    case 'NOOP':
      key = { keytype: 'NOOP', magic: 0 };
      break;
  }
  return {
    key: JSON.stringify(key),
    value: record.value === null ? null : JSON.stringify(record.value),
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function skip(level: 'debug' | 'warn', reason: string): DecodeResult {
  return { ok: false, level, reason };
}

function decodeReferences(raw: unknown): SchemaReference[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return undefined;
  const references: SchemaReference[] = [];
  for (const item of raw) {
    if (
      !isObject(item) ||
      typeof item.name !== 'string' ||
      typeof item.subject !== 'string' ||
      typeof item.version !== 'number'
    ) {
      return undefined;
    }
    references.push({ name: item.name, subject: item.subject, version: item.version });
  }
  return references;
}

function decodeSchemaValue(
  raw: Json,
  subject: string,
  version: number,
  timestamp: number,
): SchemaValue | string {
  const schemaType = raw.schemaType ?? 'AVRO';
  if (schemaType !== 'AVRO' && schemaType !== 'JSON') {
    return `schema type ${String(schemaType)} is not supported`;
  }
  if (typeof raw.id !== 'number' || typeof raw.schema !== 'string') {
    return 'SCHEMA value lacks a numeric id or a schema string';
  }
  const references = decodeReferences(raw.references);
  if (references === undefined) return 'SCHEMA value has malformed references';
  return {
    subject: typeof raw.subject === 'string' ? raw.subject : subject,
    version: typeof raw.version === 'number' ? raw.version : version,
    id: raw.id,
    schemaType,
    schema: raw.schema,
    references,
    deleted: raw.deleted === true,
    ts: typeof raw.ts === 'number' ? raw.ts : timestamp,
  };
}

function decodeConfigValue(raw: Json): ConfigValue {
  const value: ConfigValue = {};
  const level = raw.compatibilityLevel;
  if (compatibilityLevels.includes(level as CompatibilityLevel)) {
    value.compatibilityLevel = level as CompatibilityLevel;
  }
  if (typeof raw.normalize === 'boolean') value.normalize = raw.normalize;
  return value;
}

/**
 * Decodes one message of the topic. Tolerant of what Confluent Schema Registry writes:
 * `magic` is dropped, missing `schemaType` means AVRO, missing `references` means none,
 * missing `ts` takes the message timestamp; key types Sift does not use are skipped.
 */
export function decodeRecord(
  keyBytes: Buffer | null,
  valueBytes: Buffer | null,
  timestamp: number,
): DecodeResult {
  const key = keyBytes === null ? undefined : parseJson(keyBytes.toString('utf8'));
  if (!isObject(key) || typeof key.keytype !== 'string') {
    return skip('warn', 'key is not a JSON object with a keytype');
  }
  let value: unknown = null;
  if (valueBytes !== null) {
    value = parseJson(valueBytes.toString('utf8'));
    if (value !== null && !isObject(value)) return skip('warn', 'value is not a JSON object');
  }
  const fields = value as Json | null;
  const subject = key.subject;

  switch (key.keytype) {
    case 'SCHEMA': {
      if (typeof subject !== 'string' || typeof key.version !== 'number') {
        return skip('warn', 'SCHEMA key lacks a subject or a version');
      }
      const recordKey = { keytype: 'SCHEMA' as const, subject, version: key.version };
      if (fields === null) return { ok: true, record: { key: recordKey, value: null } };
      const decoded = decodeSchemaValue(fields, subject, key.version, timestamp);
      if (typeof decoded === 'string') return skip('warn', decoded);
      return { ok: true, record: { key: recordKey, value: decoded } };
    }
    case 'CONFIG': {
      if (subject !== undefined && subject !== null && typeof subject !== 'string') {
        return skip('warn', 'CONFIG key has a malformed subject');
      }
      const recordKey = { keytype: 'CONFIG' as const, subject: subject ?? null };
      const decoded = fields === null ? null : decodeConfigValue(fields);
      return { ok: true, record: { key: recordKey, value: decoded } };
    }
    case 'MODE': {
      if (subject !== undefined && subject !== null && typeof subject !== 'string') {
        return skip('warn', 'MODE key has a malformed subject');
      }
      const recordKey = { keytype: 'MODE' as const, subject: subject ?? null };
      if (fields === null) return { ok: true, record: { key: recordKey, value: null } };
      if (!modes.includes(fields.mode as Mode)) {
        return skip('warn', `mode ${String(fields.mode)} is not supported`);
      }
      const decoded: ModeValue = { mode: fields.mode as Mode };
      return { ok: true, record: { key: recordKey, value: decoded } };
    }
    case 'DELETE_SUBJECT': {
      if (typeof subject !== 'string') return skip('warn', 'DELETE_SUBJECT key lacks a subject');
      const recordKey = { keytype: 'DELETE_SUBJECT' as const, subject };
      if (fields === null) return { ok: true, record: { key: recordKey, value: null } };
      if (typeof fields.version !== 'number') {
        return skip('warn', 'DELETE_SUBJECT value lacks a version');
      }
      const decoded: DeleteSubjectValue = {
        subject: typeof fields.subject === 'string' ? fields.subject : subject,
        version: fields.version,
      };
      return { ok: true, record: { key: recordKey, value: decoded } };
    }
    case 'NOOP':
      return { ok: true, record: { key: { keytype: 'NOOP' }, value: null } };
    default:
      return skip('debug', `key type ${key.keytype} is not used by Sift`);
  }
}
