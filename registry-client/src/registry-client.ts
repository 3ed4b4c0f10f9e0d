import {
  ConflictError,
  NotFoundError,
  SiftError,
  UpstreamError,
  ValidationError,
} from '@sift/common';
import type { ErrorCode } from '@sift/common';

/** A named pointer from one schema to a version of another subject. */
export interface RegistryReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema by id, as the registry answers. */
export interface RegistrySchema {
  schema: string;
  /** `AVRO` when the registry left the type out, as Confluent does. */
  schemaType: string;
  /** The schemas it references; empty when none. */
  references: RegistryReference[];
}

/** A referenced schema's text, under the name the referencing schema uses. */
export interface ReferencedSchemaText {
  name: string;
  schema: string;
}

/** A version of a subject, as the registry answers. */
export interface RegistryVersion extends RegistrySchema {
  subject: string;
  version: number;
  id: number;
}

/** An Iglu schema as the registry holds it: where, and its text as registered. */
export interface IgluSchema {
  /** `<vendor>.<name>`: the event type. */
  subject: string;
  version: number;
  id: number;
  /** The schema's JSON text. */
  schema: string;
}

/** `iglu:<vendor>/<name>/jsonschema/<M-R-A>`; the registry's domain owns the full SchemaVer rules. */
const IGLU_URI = /^iglu:([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_-]+)\/jsonschema\/(\d+-\d+-\d+)$/;

/** How to reach and cache a registry. */
export interface RegistryClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  url: string;
  /** Per-request timeout, ms; default 5000. */
  timeoutMs?: number;
  /** How long a `latest` answer is reused before asking again, ms; default 30000. */
  latestTtlMs?: number;
  /** HTTP basic credentials, for a registry that requires them. */
  auth?: { username: string; password: string };
}

const notFoundCodes: Record<number, ErrorCode> = {
  40401: 'SIFT_REGISTRY_SUBJECT_NOT_FOUND',
  40402: 'SIFT_REGISTRY_VERSION_NOT_FOUND',
  40403: 'SIFT_REGISTRY_SCHEMA_NOT_FOUND',
};

/**
 * Talks to any Confluent-compatible registry. Schemas by id and numbered versions never
 * change, so they are cached for good; `latest` is cached for `latestTtlMs` and the cached
 * answer keeps serving while the registry is unreachable.
 */
export class RegistryClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly latestTtlMs: number;
  private readonly authorization: string | undefined;
  private readonly byId = new Map<number, Promise<RegistrySchema>>();
  private readonly byVersion = new Map<string, Promise<RegistryVersion>>();
  private readonly latest = new Map<string, { value: RegistryVersion; fetchedAt: number }>();
  private readonly byIgluUri = new Map<string, Promise<IgluSchema>>();

  constructor(options: RegistryClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.latestTtlMs = options.latestTtlMs ?? 30_000;
    this.authorization = options.auth
      ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
      : undefined;
  }

  /** The schema with a global id. */
  schemaById(id: number): Promise<RegistrySchema> {
    return remember(this.byId, id, async () => {
      const body = await this.request<{
        schema: string;
        schemaType?: string;
        references?: RegistryReference[];
      }>('GET', `/schemas/ids/${id}`);
      return {
        schema: body.schema,
        schemaType: body.schemaType ?? 'AVRO',
        references: body.references ?? [],
      };
    });
  }

  /** A numbered version of a subject, or its latest. */
  async version(subject: string, version: number | 'latest'): Promise<RegistryVersion> {
    if (version !== 'latest') {
      return remember(this.byVersion, `${subject}\u0000${version}`, () =>
        this.fetchVersion(subject, version),
      );
    }
    const cached = this.latest.get(subject);
    if (cached && Date.now() - cached.fetchedAt < this.latestTtlMs) return cached.value;
    try {
      const value = await this.fetchVersion(subject, 'latest');
      this.latest.set(subject, { value, fetchedAt: Date.now() });
      return value;
    } catch (error) {
      if (cached && error instanceof UpstreamError) return cached.value;
      throw error;
    }
  }

  /**
   * The text of every schema a reference list needs, transitively, each listed after the
   * schemas it references itself: what a format needs to parse a schema with references.
   */
  async referencedSchemas(
    references: RegistryReference[],
    seen = new Set<string>(),
  ): Promise<ReferencedSchemaText[]> {
    const out: ReferencedSchemaText[] = [];
    for (const reference of references) {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const target = await this.version(reference.subject, reference.version);
      out.push(...(await this.referencedSchemas(target.references, seen)), {
        name: reference.name,
        schema: target.schema,
      });
    }
    return out;
  }

  /** Registers a schema under a subject and returns its id and version. */
  async register(
    subject: string,
    schema: string,
    schemaType = 'AVRO',
  ): Promise<{ id: number; version?: number }> {
    const answer = await this.request<{ id: number; version?: number }>(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      schemaBody(schema, schemaType),
    );
    this.latest.delete(subject);
    return answer;
  }

  /** The subject's compatibility level, or the global one when it has none of its own. */
  async compatibilityLevel(subject: string): Promise<string> {
    const path = `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`;
    const body = await this.request<{ compatibilityLevel?: unknown } | undefined>('GET', path);
    const level = body?.compatibilityLevel;
    if (typeof level !== 'string') throw this.malformed('GET', path, body);
    return level;
  }

  /** Sets a subject's own compatibility level (`PUT /config/{subject}`). */
  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** The id and version the subject holds this schema under; undefined when it does not. */
  async lookup(
    subject: string,
    schema: string,
    schemaType = 'AVRO',
  ): Promise<{ id: number; version: number } | undefined> {
    try {
      const { id, version } = await this.request<{ id: number; version: number }>(
        'POST',
        `/subjects/${encodeURIComponent(subject)}`,
        schemaBody(schema, schemaType),
      );
      return { id, version };
    } catch (error) {
      if (isNotFound(error, 'SIFT_REGISTRY_SUBJECT_NOT_FOUND', 'SIFT_REGISTRY_SCHEMA_NOT_FOUND')) {
        return undefined;
      }
      throw error;
    }
  }

  /** The subject's live version numbers; empty when the registry has no such subject. */
  async versions(subject: string): Promise<number[]> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    let body: unknown;
    try {
      body = await this.request<unknown>('GET', path);
    } catch (error) {
      if (isNotFound(error, 'SIFT_REGISTRY_SUBJECT_NOT_FOUND')) return [];
      throw error;
    }
    if (!Array.isArray(body)) throw this.malformed('GET', path, body);
    return body as number[];
  }

  /**
   * Whether the registry would accept the schema as the subject's next version, with its
   * reasons when not. A registry that answers 40401 / 40402 for a subject without versions
   * gives a NotFoundError; a schema it refuses outright, a ValidationError (422) or
   * ConflictError (409).
   */
  async testCompatibility(
    subject: string,
    schema: string,
    schemaType = 'AVRO',
  ): Promise<{ compatible: boolean; messages: string[] }> {
    const body = await this.request<{ is_compatible?: boolean; messages?: string[] } | undefined>(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      schemaBody(schema, schemaType),
    );
    return { compatible: body?.is_compatible === true, messages: body?.messages ?? [] };
  }

  private malformed(method: string, path: string, body: unknown): UpstreamError {
    return new UpstreamError(
      'SIFT_REGISTRY_UNREACHABLE',
      `The registry at ${this.baseUrl} answered ${method} ${path} with 200: ${JSON.stringify(body ?? '')}`,
    );
  }

  private async fetchVersion(
    subject: string,
    version: number | 'latest',
  ): Promise<RegistryVersion> {
    const body = await this.request<RegistryVersion & { schemaType?: string }>(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
    );
    return { ...body, schemaType: body.schemaType ?? 'AVRO', references: body.references ?? [] };
  }

  /**
   * The schema an `iglu:` URI names (`iglu:com.acme/signup/jsonschema/1-0-0`), read through
   * the registry's Iglu read API, with the subject, version and id holding it; undefined when
   * the registry does not hold that SchemaVer. Found ones are cached for good.
   */
  async igluSchema(uri: string): Promise<IgluSchema | undefined> {
    const match = IGLU_URI.exec(uri);
    if (!match) {
      throw new ValidationError(
        'SIFT_REQUEST_INVALID',
        `'${uri}' is not an Iglu URI iglu:<vendor>/<name>/jsonschema/<MODEL-REVISION-ADDITION>`,
      );
    }
    const [, vendor, name, version] = match as unknown as [string, string, string, string];
    try {
      return await remember(this.byIgluUri, uri, async () => {
        const { body, headers } = await this.exchange<unknown>(
          'GET',
          `/api/schemas/${vendor}/${name}/jsonschema/${version}`,
        );
        return {
          subject: decodeURIComponent(headers.get('x-sift-subject') ?? `${vendor}.${name}`),
          version: Number(headers.get('x-sift-version')),
          id: Number(headers.get('x-sift-schema-id')),
          schema: JSON.stringify(body),
        };
      });
    } catch (error) {
      if (error instanceof SiftError && error.details?.['status'] === 404) return undefined;
      throw error;
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.exchange<T>(method, path, body)).body;
  }

  private async exchange<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ body: T; headers: Headers }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.schemaregistry.v1+json, application/json',
          ...(this.authorization ? { authorization: this.authorization } : {}),
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/vnd.schemaregistry.v1+json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new UpstreamError(
        'SIFT_REGISTRY_UNREACHABLE',
        `The registry at ${this.baseUrl} did not answer ${method} ${path}`,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      throw new UpstreamError(
        'SIFT_REGISTRY_UNREACHABLE',
        `The registry at ${this.baseUrl} answered ${method} ${path} with ${response.status} and no JSON`,
        {
          cause: error,
        },
      );
    }
    if (response.ok) return { body: parsed as T, headers: response.headers };
    const { error_code: errorCode, message } = (parsed ?? {}) as {
      error_code?: number;
      message?: string;
    };
    const details = { status: response.status, errorCode, path };
    const text404 = message ?? `${method} ${path} answered ${response.status}`;
    const notFound = errorCode === undefined ? undefined : notFoundCodes[errorCode];
    if (notFound) throw new NotFoundError(notFound, text404, { details });
    if (response.status === 409) {
      throw new ConflictError('SIFT_REGISTRY_SCHEMA_INCOMPATIBLE', text404, { details });
    }
    if (response.status === 422 || response.status === 400) {
      throw new ValidationError(
        errorCode === 42202 ? 'SIFT_REGISTRY_VERSION_INVALID' : 'SIFT_SCHEMA_INVALID',
        text404,
        {
          details,
        },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new SiftError('SIFT_REGISTRY_UNAUTHORIZED', text404, { details });
    }
    if (response.status >= 500 || response.status === 429) {
      throw new UpstreamError('SIFT_REGISTRY_UNREACHABLE', text404, { details });
    }
    throw new SiftError('SIFT_INTERNAL', text404, { details });
  }
}

/** A register / lookup / compatibility body; Confluent leaves `schemaType` out for AVRO. */
function schemaBody(schema: string, schemaType: string): Record<string, string> {
  return schemaType === 'AVRO' ? { schema } : { schema, schemaType };
}

/** Whether an error is the registry's "not found" with one of these codes. */
function isNotFound(error: unknown, ...codes: ErrorCode[]): boolean {
  return error instanceof NotFoundError && codes.includes(error.code);
}

/** Caches a lookup's promise; a failed lookup is forgotten so the next call tries again. */
function remember<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let found = cache.get(key);
  if (!found) {
    found = load();
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}
