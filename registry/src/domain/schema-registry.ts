import { NotFoundError, ValidationError } from '@sift/common';
import { schemaFormat } from '@sift/validator';
import type { SchemaType } from '@sift/validator';
import type { SchemaRecord, SchemaStore } from '../ports';

/** What a client sends to register a schema. */
export interface SchemaInput {
  schema: string;
  schemaType?: string;
}

/** A schema version as the API returns it. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  schema: string;
}

/** A schema by id. */
export interface SchemaById {
  schema: string;
  schemaType: SchemaType;
}

/** A version reference as the API takes it: a number, `latest`, or -1 (latest). */
export function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest';
  if (/^\d+$/.test(text)) {
    const version = Number(text);
    if (version >= 1 && version <= 2 ** 31 - 1) return version;
  }
  throw new ValidationError(
    'SIFT_REGISTRY_VERSION_INVALID',
    `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
}

/**
 * The registry's state and rules: global ids, per-subject versions, one id per distinct
 * schema. State lives in memory, rebuilt from the store at start; writes are serialized so
 * two concurrent registrations never get the same id or version.
 */
export class SchemaRegistry {
  private readonly subjects = new Map<string, SchemaRecord[]>();
  private readonly byId = new Map<number, SchemaRecord>();
  private readonly idByIdentity = new Map<string, number>();
  private nextId = 1;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: SchemaStore) {}

  /** Opens a registry over a store, replaying everything the store holds. */
  static async open(store: SchemaStore): Promise<SchemaRegistry> {
    const registry = new SchemaRegistry(store);
    for (const record of await store.load()) registry.apply(record);
    return registry;
  }

  private apply(record: SchemaRecord): void {
    const versions = this.subjects.get(record.subject) ?? [];
    const at = versions.findIndex((existing) => existing.version === record.version);
    if (at >= 0) versions[at] = record;
    else versions.push(record);
    versions.sort((a, b) => a.version - b.version);
    this.subjects.set(record.subject, versions);
    if (!this.byId.has(record.id)) this.byId.set(record.id, record);
    this.idByIdentity.set(identity(record.schemaType, record.canonical), record.id);
    this.nextId = Math.max(this.nextId, record.id + 1);
  }

  /** Registers a schema under a subject; the same schema again returns its existing version. */
  register(subject: string, input: SchemaInput): Promise<SubjectVersion> {
    const result = this.writes.then(() => this.registerNow(subject, input));
    this.writes = result.catch(() => undefined);
    return result;
  }

  private async registerNow(subject: string, input: SchemaInput): Promise<SubjectVersion> {
    if (typeof input.schema !== 'string' || input.schema.trim() === '') {
      throw new ValidationError('SIFT_SCHEMA_INVALID', 'Empty schema');
    }
    const format = schemaFormat(input.schemaType);
    const canonical = format.canonicalize(input.schema);
    const live = this.liveVersions(subject);
    const existing = live.find(
      (record) => record.schemaType === format.schemaType && record.canonical === canonical,
    );
    if (existing) return toSubjectVersion(existing);

    const id = this.idByIdentity.get(identity(format.schemaType, canonical)) ?? this.nextId;
    const all = this.subjects.get(subject) ?? [];
    const record: SchemaRecord = {
      subject,
      version: (all.at(-1)?.version ?? 0) + 1,
      id,
      schemaType: format.schemaType,
      schema: input.schema,
      canonical,
      deleted: false,
      ts: Date.now(),
    };
    await this.store.append(record);
    this.apply(record);
    return toSubjectVersion(record);
  }

  /** The schema with a global id. */
  schemaById(id: number): SchemaById {
    const record = this.byId.get(id);
    if (!record)
      throw new NotFoundError('SIFT_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${id} not found`);
    return { schema: record.schema, schemaType: record.schemaType };
  }

  /** One version of a subject, or its latest. */
  version(subject: string, version: number | 'latest'): SubjectVersion {
    const live = this.liveVersions(subject);
    if (live.length === 0) {
      throw new NotFoundError('SIFT_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
    }
    const record = version === 'latest' ? live.at(-1) : live.find((r) => r.version === version);
    if (!record) {
      throw new NotFoundError('SIFT_REGISTRY_VERSION_NOT_FOUND', `Version ${version} not found.`);
    }
    return toSubjectVersion(record);
  }

  /** Subjects that have at least one live version, sorted. */
  subjectNames(): string[] {
    return [...this.subjects.keys()].filter((s) => this.liveVersions(s).length > 0).sort();
  }

  /** The live version numbers of a subject. */
  versions(subject: string): number[] {
    const live = this.liveVersions(subject);
    if (live.length === 0) {
      throw new NotFoundError('SIFT_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
    }
    return live.map((record) => record.version);
  }

  private liveVersions(subject: string): SchemaRecord[] {
    return (this.subjects.get(subject) ?? []).filter((record) => !record.deleted);
  }
}

function identity(schemaType: SchemaType, canonical: string): string {
  return `${schemaType}:${canonical}`;
}

function toSubjectVersion(record: SchemaRecord): SubjectVersion {
  return {
    subject: record.subject,
    version: record.version,
    id: record.id,
    schemaType: record.schemaType,
    schema: record.schema,
  };
}
