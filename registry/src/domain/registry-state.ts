import type { ConfigValue, Mode, RegistryRecord, SchemaReference, SchemaValue } from '../ports';
import { formatSchemaVer, igluSelfOfText } from './iglu';
import type { IgluSelf } from './iglu';

/** The identity of a schema: its type, canonical text and references. One id per identity. */
export function schemaIdentity(
  value: Pick<SchemaValue, 'schemaType' | 'schema' | 'references'>,
): string {
  return JSON.stringify([value.schemaType, value.schema, value.references]);
}

/**
 * The registry's state, built only by applying log records in log order. Applying is
 * deterministic and refuses a record that would give one id to two schemas, or one
 * (subject, version) to two ids: every instance refuses the same records, so even two
 * writers racing cannot make ids ambiguous.
 */
export class RegistryState {
  private readonly subjects = new Map<string, Map<number, SchemaValue>>();
  private readonly byId = new Map<number, SchemaValue>();
  private readonly identityById = new Map<number, string>();
  private readonly idByIdentity = new Map<string, number>();
  private readonly idUses = new Map<number, number>();
  /** Iglu schemas: subject → SchemaVer (`M-R-A`) → version; derived from the stored schemas. */
  private readonly schemaVers = new Map<string, Map<string, number>>();
  readonly configs = new Map<string | null, ConfigValue>();
  readonly modes = new Map<string | null, Mode>();
  private maxId = 0;

  /** Applies one record; returns false when it conflicts with the state and was refused. */
  apply(record: RegistryRecord): boolean {
    switch (record.key.keytype) {
      case 'SCHEMA': {
        const { subject, version } = record.key;
        const value = record.value as SchemaValue | null;
        return value === null ? this.removeVersion(subject, version) : this.putVersion(value);
      }
      case 'CONFIG': {
        const value = record.value as ConfigValue | null;
        if (value === null) this.configs.delete(record.key.subject);
        else this.configs.set(record.key.subject, value);
        return true;
      }
      case 'MODE': {
        const value = record.value as { mode: Mode } | null;
        if (value === null) this.modes.delete(record.key.subject);
        else this.modes.set(record.key.subject, value.mode);
        return true;
      }
      case 'DELETE_SUBJECT': {
        const value = record.value as { version: number } | null;
        const versions = this.subjects.get(record.key.subject);
        if (value === null || !versions) return true;
        for (const [number, stored] of versions) {
          if (number <= value.version) versions.set(number, { ...stored, deleted: true });
        }
        return true;
      }
      case 'NOOP':
        return true;
    }
  }

  private putVersion(value: SchemaValue): boolean {
    const identity = schemaIdentity(value);
    const knownIdentity = this.identityById.get(value.id);
    if (knownIdentity !== undefined && knownIdentity !== identity) return false;
    const knownId = this.idByIdentity.get(identity);
    if (knownId !== undefined && knownId !== value.id) return false;
    const versions = this.subjects.get(value.subject) ?? new Map<number, SchemaValue>();
    const existing = versions.get(value.version);
    if (existing && existing.id !== value.id) return false;

    versions.set(value.version, value);
    this.subjects.set(value.subject, versions);
    this.indexSchemaVer(value);
    if (!existing) this.idUses.set(value.id, (this.idUses.get(value.id) ?? 0) + 1);
    if (!this.byId.has(value.id) || this.byId.get(value.id)?.deleted)
      this.byId.set(value.id, value);
    this.identityById.set(value.id, identity);
    this.idByIdentity.set(identity, value.id);
    this.maxId = Math.max(this.maxId, value.id);
    return true;
  }

  private removeVersion(subject: string, version: number): boolean {
    const versions = this.subjects.get(subject);
    const existing = versions?.get(version);
    if (!versions || !existing) return true;
    versions.delete(version);
    if (versions.size === 0) this.subjects.delete(subject);
    const self = igluSelfSafe(existing);
    const index = self ? this.schemaVers.get(subject) : undefined;
    if (self && index?.get(formatSchemaVer(self.version)) === version) {
      index.delete(formatSchemaVer(self.version));
    }
    const uses = (this.idUses.get(existing.id) ?? 1) - 1;
    if (uses > 0) {
      this.idUses.set(existing.id, uses);
      if (this.byId.get(existing.id) === existing) {
        this.byId.set(existing.id, this.versionsWithId(existing.id)[0] as SchemaValue);
      }
      return true;
    }
    this.idUses.delete(existing.id);
    this.byId.delete(existing.id);
    const identity = this.identityById.get(existing.id);
    this.identityById.delete(existing.id);
    if (identity !== undefined) this.idByIdentity.delete(identity);
    return true;
  }

  private indexSchemaVer(value: SchemaValue): void {
    const self = igluSelfSafe(value);
    if (!self) return;
    const index = this.schemaVers.get(value.subject) ?? new Map<string, number>();
    const key = formatSchemaVer(self.version);
    const current = index.get(key);
    const held = current === undefined ? undefined : this.subjects.get(value.subject)?.get(current);
    // A live version keeps its SchemaVer (registering refuses a second); a soft-deleted one frees it.
    if (!held || held.deleted || held.version === value.version) index.set(key, value.version);
    this.schemaVers.set(value.subject, index);
  }

  /** The stored version (soft-deleted ones included) holding an Iglu SchemaVer (`M-R-A`). */
  versionOfSchemaVer(subject: string, schemaVer: string): SchemaValue | undefined {
    const version = this.schemaVers.get(subject)?.get(schemaVer);
    return version === undefined ? undefined : this.subjects.get(subject)?.get(version);
  }

  /** Every stored version of a subject, soft-deleted ones included, oldest first. */
  versions(subject: string): SchemaValue[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version);
  }

  /** The versions of a subject that are not soft-deleted, oldest first. */
  liveVersions(subject: string): SchemaValue[] {
    return this.versions(subject).filter((value) => !value.deleted);
  }

  /** Every subject that has stored versions. */
  subjectNames(): string[] {
    return [...this.subjects.keys()].sort();
  }

  /** A stored row of a schema id, preferring a live one. */
  schemaById(id: number): SchemaValue | undefined {
    return this.byId.get(id);
  }

  /** Every stored (subject, version) that holds a schema id. */
  versionsWithId(id: number): SchemaValue[] {
    const found: SchemaValue[] = [];
    for (const versions of this.subjects.values()) {
      for (const value of versions.values()) if (value.id === id) found.push(value);
    }
    return found.sort(
      (a, b) =>
        Number(a.deleted) - Number(b.deleted) ||
        a.subject.localeCompare(b.subject) ||
        a.version - b.version,
    );
  }

  /** The id already given to a schema identity. */
  idOf(identity: string): number | undefined {
    return this.idByIdentity.get(identity);
  }

  /** The identity a schema id stands for. */
  identityOf(id: number): string | undefined {
    return this.identityById.get(id);
  }

  /** The id the next new schema gets. */
  nextId(): number {
    return this.maxId + 1;
  }

  /** The next version number of a subject: soft-deleted numbers are never reused. */
  nextVersion(subject: string): number {
    return (this.versions(subject).at(-1)?.version ?? 0) + 1;
  }

  /** Ids of stored schemas that reference a subject version (soft-deleted referrers with `deleted`). */
  referencedBy(subject: string, version: number, includeDeleted = false): number[] {
    const ids = new Set<number>();
    for (const versions of this.subjects.values()) {
      for (const value of versions.values()) {
        if (value.deleted && !includeDeleted) continue;
        if (
          value.references.some(
            (ref: SchemaReference) => ref.subject === subject && ref.version === version,
          )
        ) {
          ids.add(value.id);
        }
      }
    }
    return [...ids].sort((a, b) => a - b);
  }
}

/** The `self` block of a stored JSON schema; undefined for others and for malformed ones. */
export function igluSelfSafe(
  value: Pick<SchemaValue, 'schemaType' | 'schema'>,
): IgluSelf | undefined {
  if (value.schemaType !== 'JSON') return undefined;
  try {
    return igluSelfOfText(value.schema);
  } catch {
    return undefined;
  }
}
