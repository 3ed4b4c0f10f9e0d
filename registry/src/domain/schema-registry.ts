import { ConflictError, NotFoundError, SiftError, ValidationError } from '@sift/common';
import { compatibilityLevels, compatibilityMessages, schemaFormat } from '@sift/validator';
import type {
  CompatibilityOptions,
  ReferencedSchema,
  SchemaFormat,
  SchemaText,
  SchemaType,
} from '@sift/validator';
import type {
  CompatibilityLevel,
  ConfigValue,
  Mode,
  SchemaReference,
  SchemaStore,
  SchemaValue,
} from '../ports';
import { compareSchemaVer, formatSchemaVer, igluSelfOf, igluSubject, igluUri } from './iglu';
import type { IgluSelf } from './iglu';
import { igluSelfSafe, RegistryState, schemaIdentity } from './registry-state';
import { checkSubject } from './versions';
import type { VersionRef } from './versions';

/** What a client sends to register, look up or test a schema. */
export interface SchemaInput {
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
  /** Only in IMPORT mode: the id to register under. */
  id?: number;
  /** Only in IMPORT mode: the version to register as. */
  version?: number;
}

/** A subject version as the API returns it. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
  deleted?: boolean;
}

/** Options of the registry itself. */
export interface RegistryOptions {
  /** The level used when neither the subject nor the global config sets one; default BACKWARD. */
  defaultCompatibility?: CompatibilityLevel;
  /** JSON Schema: a default does not excuse a property that became required; default false. */
  jsonStrictRequired?: boolean;
}

const modes: readonly Mode[] = ['READWRITE', 'READONLY', 'IMPORT'];
const WRITE_ATTEMPTS = 5;

/**
 * The earlier versions a new one is checked against. An Iglu schema is checked only against
 * the Iglu versions of its own MODEL-REVISION (and any non-Iglu versions): its SchemaVer
 * declares a REVISION or MODEL bump as breaking, and Iglu data is always read with exactly
 * the SchemaVer it names, so the level guards ADDITION bumps only.
 */
function compatibilityScope(previous: SchemaValue[], self: IgluSelf | undefined): SchemaValue[] {
  if (!self) return previous;
  return previous.filter((value) => {
    const other = igluSelfSafe(value);
    return (
      !other ||
      (other.version.model === self.version.model &&
        other.version.revision === self.version.revision)
    );
  });
}

function toSubjectVersion(value: SchemaValue): SubjectVersion {
  const { subject, version, id, schemaType, schema, references, deleted } = value;
  return { subject, version, id, schemaType, schema, references, ...(deleted ? { deleted } : {}) };
}

function notFoundSubject(subject: string): NotFoundError {
  return new NotFoundError('SIFT_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
}

function notFoundVersion(subject: string, version: VersionRef): NotFoundError {
  return new NotFoundError(
    'SIFT_REGISTRY_VERSION_NOT_FOUND',
    `Version ${version} not found for subject '${subject}'.`,
  );
}

/**
 * The schema registry: Confluent Schema Registry's rules over a log. Reads come from the
 * in-memory state; writes are serialized, catch up with the log first, and check after
 * appending that their record won (another writer may have raced them).
 */
export class SchemaRegistry {
  private readonly state = new RegistryState();
  private writes: Promise<unknown> = Promise.resolve();
  private readonly defaultCompatibility: CompatibilityLevel;
  private readonly compatibilityOptions: CompatibilityOptions;

  private constructor(
    private readonly store: SchemaStore,
    options: RegistryOptions,
  ) {
    this.defaultCompatibility = options.defaultCompatibility ?? 'BACKWARD';
    this.compatibilityOptions = { strictRequired: options.jsonStrictRequired ?? false };
  }

  /** Opens a registry over a store, replaying the store's log and following it. */
  static async open(store: SchemaStore, options: RegistryOptions = {}): Promise<SchemaRegistry> {
    const registry = new SchemaRegistry(store, options);
    await store.start((record) => registry.state.apply(record));
    return registry;
  }

  /** Runs one write at a time, after catching up with everything already in the log. */
  private exclusive<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(async () => {
      await this.store.sync();
      return write();
    });
    this.writes = result.catch(() => undefined);
    return result;
  }

  // ---- schemas and references ----

  /** Every schema a reference list needs, transitively, each after its own references. */
  private resolveReferences(
    references: SchemaReference[],
    seen = new Set<string>(),
  ): ReferencedSchema[] {
    const resolved: ReferencedSchema[] = [];
    for (const reference of references) {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const target = this.state
        .versions(reference.subject)
        .find((v) => v.version === reference.version);
      if (!target) {
        throw new ValidationError(
          'SIFT_SCHEMA_INVALID',
          `Invalid schema: reference "${reference.name}" points to ${reference.subject} version ${reference.version}, which does not exist`,
        );
      }
      resolved.push(...this.resolveReferences(target.references, seen), {
        name: reference.name,
        schema: target.schema,
      });
    }
    return resolved;
  }

  private checkReferences(references: unknown): SchemaReference[] {
    if (references === undefined || references === null) return [];
    if (
      !Array.isArray(references) ||
      !references.every(
        (r: Partial<SchemaReference>) =>
          typeof r?.name === 'string' &&
          typeof r.subject === 'string' &&
          Number.isInteger(r.version),
      )
    ) {
      throw new ValidationError(
        'SIFT_SCHEMA_INVALID',
        'Invalid schema: references must be [{"name", "subject", "version"}]',
      );
    }
    return (references as SchemaReference[]).map(({ name, subject, version }) => ({
      name,
      subject,
      version,
    }));
  }

  /** Parses input into what the log stores: canonical text, type and references. */
  private prepare(
    input: SchemaInput,
    normalize: boolean,
  ): {
    format: SchemaFormat;
    text: SchemaText;
    value: Pick<SchemaValue, 'schemaType' | 'schema' | 'references'>;
  } {
    if (typeof input.schema !== 'string' || input.schema.trim() === '') {
      throw new ValidationError('SIFT_SCHEMA_INVALID', 'Empty schema');
    }
    const format = schemaFormat(input.schemaType);
    let references = this.checkReferences(input.references);
    if (normalize) {
      const unique = new Map(
        references.map((r) => [`${r.name}\u0000${r.subject}\u0000${r.version}`, r]),
      );
      references = [...unique.values()].sort((a, b) => a.name.localeCompare(b.name));
    }
    const text: SchemaText = {
      schema: input.schema,
      references: this.resolveReferences(references),
    };
    const schema = format.canonicalize(text, { normalize });
    return {
      format,
      text: { ...text, schema },
      value: { schemaType: format.schemaType, schema, references },
    };
  }

  private previousTexts(
    values: SchemaValue[],
  ): { version: number; schemaType: string; schema: string; references: ReferencedSchema[] }[] {
    return values.map((value) => ({
      version: value.version,
      schemaType: value.schemaType,
      schema: value.schema,
      references: this.resolveReferences(value.references),
    }));
  }

  /** Registers a schema under a subject; the same schema again returns its existing version. */
  register(
    subject: string,
    input: SchemaInput,
    options: { normalize?: boolean; force?: boolean } = {},
  ): Promise<SubjectVersion> {
    checkSubject(subject);
    return this.exclusive(async () => {
      for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
        const value = this.planRegistration(
          subject,
          input,
          options.normalize ?? this.config(subject).normalize ?? false,
          options.force ?? false,
        );
        if ('existing' in value) return toSubjectVersion(value.existing);
        await this.store.append({
          key: { keytype: 'SCHEMA', subject, version: value.planned.version },
          value: value.planned,
        });
        const stored = this.state
          .versions(subject)
          .find((v) => v.version === value.planned.version);
        if (stored && stored.id === value.planned.id && !stored.deleted)
          return toSubjectVersion(stored);
        // Another writer's record took this id or version first: plan again from the new state.
        await this.store.sync();
      }
      throw new SiftError(
        'SIFT_REGISTRY_STORE_FAILED',
        `Could not register under ${subject}: concurrent writes kept winning`,
        {
          retriable: true,
        },
      );
    });
  }

  private planRegistration(
    subject: string,
    input: SchemaInput,
    normalize: boolean,
    force: boolean,
  ): { existing: SchemaValue } | { planned: SchemaValue } {
    const mode = this.mode(subject);
    if (mode === 'READONLY') {
      throw new SiftError(
        'SIFT_REGISTRY_OPERATION_NOT_PERMITTED',
        `Subject ${subject} is in read-only mode`,
      );
    }
    if ((input.id !== undefined || input.version !== undefined) && mode !== 'IMPORT') {
      throw new SiftError(
        'SIFT_REGISTRY_OPERATION_NOT_PERMITTED',
        `Subject ${subject} is not in import mode: an id or version cannot be given`,
      );
    }
    const { format, text, value } = this.prepare(input, normalize);
    const self = this.igluSelf(subject, value);
    const identity = schemaIdentity(value);
    const live = this.state.liveVersions(subject);
    const existing = [...live].reverse().find((v) => schemaIdentity(v) === identity);
    if (existing && (input.id === undefined || input.id === existing.id)) return { existing };
    if (self) this.checkSchemaVer(subject, self, live, mode === 'IMPORT');

    let id = this.state.idOf(identity) ?? this.state.nextId();
    let version = this.state.nextVersion(subject);
    if (mode === 'IMPORT') {
      if (input.id !== undefined) {
        const held = this.state.identityOf(input.id);
        if (held !== undefined && held !== identity) {
          throw new SiftError(
            'SIFT_REGISTRY_ID_MISMATCH',
            `Schema id ${input.id} already holds another schema`,
          );
        }
        id = input.id;
      }
      if (input.version !== undefined) {
        if (this.state.versions(subject).some((v) => v.version === input.version)) {
          throw new SiftError(
            'SIFT_REGISTRY_ID_MISMATCH',
            `Version ${input.version} of ${subject} already exists`,
          );
        }
        version = input.version;
      }
    } else if (!force) {
      const level = this.compatibilityLevel(subject);
      const messages = compatibilityMessages(
        format,
        level,
        text,
        this.previousTexts(compatibilityScope(live, self)),
        this.compatibilityOptions,
      );
      if (messages.length > 0) {
        throw new ConflictError(
          'SIFT_REGISTRY_SCHEMA_INCOMPATIBLE',
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${messages.join('; ')}`,
          { details: { messages } },
        );
      }
    }
    return { planned: { subject, version, id, ...value, deleted: false, ts: Date.now() } };
  }

  /**
   * The `self` block of an Iglu schema (undefined for other schemas); refuses one whose
   * `<vendor>.<name>` is not the subject.
   */
  private igluSelf(
    subject: string,
    value: Pick<SchemaValue, 'schemaType' | 'schema'>,
  ): IgluSelf | undefined {
    if (value.schemaType !== 'JSON') return undefined;
    const self = igluSelfOf(JSON.parse(value.schema));
    if (self && igluSubject(self.vendor, self.name) !== subject) {
      throw new ValidationError(
        'SIFT_SCHEMA_INVALID',
        `Invalid Iglu schema: its "self" block names ${igluUri(self.vendor, self.name, self.version)}, ` +
          `whose subject is "${igluSubject(self.vendor, self.name)}", not "${subject}": ` +
          `register it under "${igluSubject(self.vendor, self.name)}"`,
      );
    }
    return self;
  }

  /**
   * Refuses an Iglu schema whose SchemaVer the subject already holds (with other content:
   * the same content returned its version before), or, outside IMPORT, one that is not
   * later than the subject's latest SchemaVer: versions follow SchemaVer order.
   */
  private checkSchemaVer(
    subject: string,
    self: IgluSelf,
    live: SchemaValue[],
    importing: boolean,
  ): void {
    const uri = igluUri(self.vendor, self.name, self.version);
    const held = this.state.versionOfSchemaVer(subject, formatSchemaVer(self.version));
    if (held && !held.deleted) {
      throw new ConflictError(
        'SIFT_REGISTRY_SCHEMAVER_CONFLICT',
        `${uri} is already registered under subject "${subject}" as version ${held.version} ` +
          `(schema id ${held.id}) with other content: a published SchemaVer never changes; ` +
          `publish the change under a new SchemaVer`,
      );
    }
    if (importing) return;
    const latest = live
      .map((v) => ({ value: v, self: igluSelfSafe(v) }))
      .filter((v): v is { value: SchemaValue; self: IgluSelf } => v.self !== undefined)
      .sort((a, b) => compareSchemaVer(a.self.version, b.self.version))
      .at(-1);
    if (latest && compareSchemaVer(self.version, latest.self.version) < 0) {
      throw new ConflictError(
        'SIFT_REGISTRY_SCHEMAVER_CONFLICT',
        `${uri} comes after ${formatSchemaVer(latest.self.version)} (version ${latest.value.version}) ` +
          `of subject "${subject}": Iglu schemas are registered in SchemaVer order, ` +
          `so an earlier SchemaVer cannot be added after a later one`,
      );
    }
  }

  /** The live version holding an Iglu SchemaVer of `<vendor>.<name>`. */
  igluSchema(vendor: string, name: string, schemaVer: string): SubjectVersion {
    const subject = igluSubject(vendor, name);
    const found = this.state.versionOfSchemaVer(subject, schemaVer);
    if (!found || found.deleted) {
      throw new NotFoundError(
        'SIFT_REGISTRY_SCHEMA_NOT_FOUND',
        `iglu:${vendor}/${name}/jsonschema/${schemaVer} is not registered`,
      );
    }
    return toSubjectVersion(found);
  }

  /** The `iglu:` URIs of a MODEL of `<vendor>.<name>` held by live versions, in SchemaVer order. */
  igluModel(vendor: string, name: string, model: number): string[] {
    return this.state
      .liveVersions(igluSubject(vendor, name))
      .map((value) => igluSelfSafe(value))
      .filter((self): self is IgluSelf => self !== undefined && self.version.model === model)
      .sort((a, b) => compareSchemaVer(a.version, b.version))
      .map((self) => igluUri(self.vendor, self.name, self.version));
  }

  /** Finds a schema registered under a subject (lookup: `POST /subjects/{subject}`). */
  lookup(
    subject: string,
    input: SchemaInput,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): SubjectVersion {
    const candidates = options.deleted
      ? this.state.versions(subject)
      : this.state.liveVersions(subject);
    if (candidates.length === 0) throw notFoundSubject(subject);
    const { value } = this.prepare(
      input,
      options.normalize ?? this.config(subject).normalize ?? false,
    );
    const identity = schemaIdentity(value);
    const found = [...candidates].reverse().find((v) => schemaIdentity(v) === identity);
    if (!found) throw new NotFoundError('SIFT_REGISTRY_SCHEMA_NOT_FOUND', 'Schema not found');
    return toSubjectVersion(found);
  }

  // ---- reads ----

  /** The schema with a global id (soft-deleted versions still serve it, so old data decodes). */
  schemaById(id: number): SubjectVersion {
    const value = this.state.schemaById(id);
    if (!value) throw new NotFoundError('SIFT_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${id} not found`);
    return toSubjectVersion(value);
  }

  /** The (subject, version) pairs that hold a schema id. */
  versionsOfId(id: number, deleted = false): { subject: string; version: number }[] {
    this.schemaById(id);
    return this.state
      .versionsWithId(id)
      .filter((v) => deleted || !v.deleted)
      .map(({ subject, version }) => ({ subject, version }));
  }

  /** One version of a subject; `latest` is the newest live one. */
  version(subject: string, version: VersionRef, deleted = false): SubjectVersion {
    const all = this.state.versions(subject);
    const visible = deleted ? all : all.filter((v) => !v.deleted);
    if (visible.length === 0) throw notFoundSubject(subject);
    const found =
      version === 'latest'
        ? (all.filter((v) => !v.deleted).at(-1) ?? visible.at(-1))
        : visible.find((v) => v.version === version);
    if (!found) throw notFoundVersion(subject, version);
    return toSubjectVersion(found);
  }

  /** Subject names, by default only those with live versions. */
  subjectNames(
    options: { deleted?: boolean; deletedOnly?: boolean; prefix?: string } = {},
  ): string[] {
    return this.state.subjectNames().filter((subject) => {
      if (options.prefix && !subject.startsWith(options.prefix)) return false;
      const live = this.state.liveVersions(subject).length > 0;
      if (options.deletedOnly) return !live;
      return live || options.deleted === true;
    });
  }

  /** Version numbers of a subject. */
  versions(
    subject: string,
    options: { deleted?: boolean; deletedOnly?: boolean; deletedAsNegative?: boolean } = {},
  ): number[] {
    const all = this.state.versions(subject);
    if (
      all.length === 0 ||
      (!options.deleted &&
        !options.deletedOnly &&
        !options.deletedAsNegative &&
        all.every((v) => v.deleted))
    ) {
      throw notFoundSubject(subject);
    }
    return all
      .filter((v) =>
        options.deletedOnly
          ? v.deleted
          : !v.deleted || options.deleted || options.deletedAsNegative,
      )
      .map((v) => (v.deleted && options.deletedAsNegative ? -v.version : v.version));
  }

  /** Every latest (or every) version of every subject, for `GET /schemas`. */
  schemas(
    options: { prefix?: string; deleted?: boolean; latestOnly?: boolean } = {},
  ): SubjectVersion[] {
    const out: SubjectVersion[] = [];
    for (const subject of this.subjectNames({
      prefix: options.prefix ?? '',
      deleted: options.deleted ?? false,
    })) {
      const versions = options.deleted
        ? this.state.versions(subject)
        : this.state.liveVersions(subject);
      out.push(...(options.latestOnly ? versions.slice(-1) : versions).map(toSubjectVersion));
    }
    return out;
  }

  /** Ids of schemas that reference a subject version. */
  referencedBy(subject: string, version: VersionRef): number[] {
    const found = this.version(subject, version, true);
    return this.state.referencedBy(subject, found.version);
  }

  // ---- deletes ----

  private guardWritable(subject: string | null): void {
    if ((subject === null ? this.globalMode() : this.mode(subject)) === 'READONLY') {
      throw new SiftError(
        'SIFT_REGISTRY_OPERATION_NOT_PERMITTED',
        `${subject ?? 'The registry'} is in read-only mode`,
      );
    }
  }

  private guardUnreferenced(subject: string, versions: SchemaValue[]): void {
    for (const value of versions) {
      const referrers = this.state.referencedBy(subject, value.version);
      if (referrers.length > 0) {
        throw new SiftError(
          'SIFT_REGISTRY_REFERENCE_EXISTS',
          `One or more references exist to the schema {subject=${subject},version=${value.version}}: schema ids ${referrers.join(', ')}`,
        );
      }
    }
  }

  /** Soft-deletes a subject (or, with `permanent`, removes a soft-deleted one); returns its versions. */
  deleteSubject(subject: string, permanent = false): Promise<number[]> {
    return this.exclusive(async () => {
      this.guardWritable(subject);
      const all = this.state.versions(subject);
      if (all.length === 0) throw notFoundSubject(subject);
      const live = all.filter((v) => !v.deleted);
      if (!permanent) {
        if (live.length === 0) {
          throw new NotFoundError(
            'SIFT_REGISTRY_SUBJECT_SOFT_DELETED',
            `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
          );
        }
        this.guardUnreferenced(subject, live);
        await this.store.append({
          key: { keytype: 'DELETE_SUBJECT', subject },
          value: { subject, version: all.at(-1)?.version ?? 0 },
        });
        return live.map((v) => v.version);
      }
      if (live.length > 0) {
        throw new NotFoundError(
          'SIFT_REGISTRY_SUBJECT_NOT_SOFT_DELETED',
          `Subject '${subject}' was not deleted first before being permanently deleted`,
        );
      }
      this.guardUnreferenced(subject, all);
      for (const value of all) {
        await this.store.append({
          key: { keytype: 'SCHEMA', subject, version: value.version },
          value: null,
        });
      }
      await this.dropSubjectSettings(subject);
      return all.map((v) => v.version);
    });
  }

  /** Soft-deletes one version (or, with `permanent`, removes a soft-deleted one); returns its number. */
  deleteVersion(subject: string, version: VersionRef, permanent = false): Promise<number> {
    return this.exclusive(async () => {
      this.guardWritable(subject);
      const all = this.state.versions(subject);
      if (all.length === 0 || (!permanent && all.every((v) => v.deleted)))
        throw notFoundSubject(subject);
      const found =
        version === 'latest'
          ? permanent
            ? all.at(-1)
            : all.filter((v) => !v.deleted).at(-1)
          : all.find((v) => v.version === version);
      if (!found) throw notFoundVersion(subject, version);
      if (!permanent) {
        if (found.deleted) {
          throw new NotFoundError(
            'SIFT_REGISTRY_VERSION_SOFT_DELETED',
            `Version ${found.version} of subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
          );
        }
        this.guardUnreferenced(subject, [found]);
        await this.store.append({
          key: { keytype: 'SCHEMA', subject, version: found.version },
          value: { ...found, deleted: true },
        });
        return found.version;
      }
      if (!found.deleted) {
        throw new NotFoundError(
          'SIFT_REGISTRY_VERSION_NOT_SOFT_DELETED',
          `Version ${found.version} of subject '${subject}' was not deleted first before being permanently deleted`,
        );
      }
      this.guardUnreferenced(subject, [found]);
      await this.store.append({
        key: { keytype: 'SCHEMA', subject, version: found.version },
        value: null,
      });
      if (this.state.versions(subject).length === 0) await this.dropSubjectSettings(subject);
      return found.version;
    });
  }

  private async dropSubjectSettings(subject: string): Promise<void> {
    if (this.state.configs.has(subject))
      await this.store.append({ key: { keytype: 'CONFIG', subject }, value: null });
    if (this.state.modes.has(subject))
      await this.store.append({ key: { keytype: 'MODE', subject }, value: null });
  }

  // ---- compatibility ----

  /** The level that applies to a subject: its own, else the global one, else the default. */
  compatibilityLevel(subject: string): CompatibilityLevel {
    return this.config(subject).compatibilityLevel ?? this.defaultCompatibility;
  }

  /** The config that applies to a subject, merged over the global one. */
  private config(subject: string): ConfigValue {
    return { ...this.state.configs.get(null), ...this.state.configs.get(subject) };
  }

  /**
   * Tests a schema against one version or the latest (in the level's direction), or
   * (`all`) against the subject's live versions exactly as registering would under its
   * level; answers why not when it is not compatible.
   */
  testCompatibility(
    subject: string,
    against: VersionRef | 'all',
    input: SchemaInput,
    options: { normalize?: boolean } = {},
  ): { compatible: boolean; messages: string[] } {
    const live = this.state.liveVersions(subject);
    const { format, text, value } = this.prepare(
      input,
      options.normalize ?? this.config(subject).normalize ?? false,
    );
    const level = this.compatibilityLevel(subject);
    const self = value.schemaType === 'JSON' ? igluSelfOf(JSON.parse(value.schema)) : undefined;
    let previous: SchemaValue[];
    let effective = level;
    if (against === 'all') {
      previous = live;
    } else if (against === 'latest') {
      previous = live.slice(-1);
    } else {
      const found = live.find((v) => v.version === against);
      if (!found) throw notFoundVersion(subject, against);
      previous = [found];
      effective = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    }
    const messages = compatibilityMessages(
      format,
      effective,
      text,
      this.previousTexts(compatibilityScope(previous, self)),
      this.compatibilityOptions,
    );
    return { compatible: messages.length === 0, messages };
  }

  // ---- config and mode ----

  /** The global config, with the default level when none is set. */
  globalConfig(): ConfigValue {
    return { compatibilityLevel: this.defaultCompatibility, ...this.state.configs.get(null) };
  }

  /** A subject's own config; with `defaultToGlobal`, the global one when it has none. */
  subjectConfig(subject: string, defaultToGlobal = false): ConfigValue {
    const own = this.state.configs.get(subject);
    if (own) return own;
    if (defaultToGlobal) return this.globalConfig();
    throw new NotFoundError(
      'SIFT_REGISTRY_CONFIG_NOT_FOUND',
      `Subject '${subject}' does not have subject-level compatibility configured`,
    );
  }

  /** Sets the global (subject null) or a subject's config; returns what was set. */
  setConfig(
    subject: string | null,
    update: { compatibility?: unknown; normalize?: unknown },
  ): Promise<ConfigValue> {
    if (subject !== null) checkSubject(subject);
    return this.exclusive(async () => {
      this.guardWritable(subject);
      const value: ConfigValue = { ...this.state.configs.get(subject) };
      if (update.compatibility !== undefined) {
        const level =
          typeof update.compatibility === 'string' ? update.compatibility.toUpperCase() : '';
        if (!(compatibilityLevels as readonly string[]).includes(level)) {
          throw new ValidationError(
            'SIFT_REGISTRY_COMPATIBILITY_INVALID',
            `Invalid compatibility level. Valid values are ${compatibilityLevels.join(', ')}`,
          );
        }
        value.compatibilityLevel = level as CompatibilityLevel;
      }
      if (update.normalize !== undefined) {
        if (typeof update.normalize !== 'boolean') {
          throw new ValidationError('SIFT_REQUEST_INVALID', '"normalize" must be true or false');
        }
        value.normalize = update.normalize;
      }
      await this.store.append({ key: { keytype: 'CONFIG', subject }, value });
      return value;
    });
  }

  /** Removes the global or a subject's config; returns what it was. */
  deleteConfig(subject: string | null): Promise<ConfigValue> {
    return this.exclusive(async () => {
      this.guardWritable(subject);
      const previous = subject === null ? this.globalConfig() : this.state.configs.get(subject);
      if (!previous) throw notFoundSubject(subject as string);
      await this.store.append({ key: { keytype: 'CONFIG', subject }, value: null });
      return previous;
    });
  }

  private globalMode(): Mode {
    return this.state.modes.get(null) ?? 'READWRITE';
  }

  /** The mode that applies to a subject: its own, else the global one. */
  mode(subject: string): Mode {
    return this.state.modes.get(subject) ?? this.globalMode();
  }

  /** The global mode, or a subject's own (with `defaultToGlobal`, the global one when it has none). */
  getMode(subject: string | null, defaultToGlobal = false): Mode {
    if (subject === null) return this.globalMode();
    const own = this.state.modes.get(subject);
    if (own) return own;
    if (defaultToGlobal) return this.globalMode();
    throw new NotFoundError(
      'SIFT_REGISTRY_MODE_NOT_FOUND',
      `Subject '${subject}' does not have subject-level mode configured`,
    );
  }

  /** Sets the global or a subject's mode; IMPORT needs an empty scope unless `force`. */
  setMode(subject: string | null, mode: unknown, force = false): Promise<Mode> {
    if (subject !== null) checkSubject(subject);
    return this.exclusive(async () => {
      const wanted = typeof mode === 'string' ? mode.toUpperCase() : '';
      if (!(modes as readonly string[]).includes(wanted)) {
        throw new ValidationError(
          'SIFT_REGISTRY_MODE_INVALID',
          `Invalid mode. Valid values are ${modes.join(', ')}`,
        );
      }
      if (wanted === 'IMPORT' && !force) {
        const scope =
          subject === null
            ? this.subjectNames()
            : this.state.liveVersions(subject).length > 0
              ? [subject]
              : [];
        if (scope.length > 0) {
          throw new SiftError(
            'SIFT_REGISTRY_OPERATION_NOT_PERMITTED',
            `Cannot import since found existing subjects${subject === null ? '' : ` (${subject})`}; use force=true`,
          );
        }
      }
      await this.store.append({
        key: { keytype: 'MODE', subject },
        value: { mode: wanted as Mode },
      });
      return wanted as Mode;
    });
  }

  /** Removes the global or a subject's mode; returns what it was. */
  deleteMode(subject: string | null): Promise<Mode> {
    return this.exclusive(async () => {
      const previous = subject === null ? this.globalMode() : this.state.modes.get(subject);
      if (!previous) throw notFoundSubject(subject as string);
      await this.store.append({ key: { keytype: 'MODE', subject }, value: null });
      return previous;
    });
  }
}
