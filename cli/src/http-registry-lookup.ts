import { isSiftError, NotFoundError, UpstreamError } from '@sift/common';
import { registryClientFromConfig } from '@sift/registry-client';
import type { RegistryClient, RegistryConnectionConfig } from '@sift/registry-client';
import { compatibilityLevels } from '@sift/validator';
import type { CompatibilityLevel } from '@sift/validator';
import type { RegistryLookup } from './commands/schemas-check';
import type { SchemaFile } from './schemas-folder';

/**
 * The questions `sift schemas check` asks a Confluent-compatible registry, over HTTP through a
 * `RegistryClient`. Any answer it cannot use (no answer, a server error, an unexpected status)
 * is an UpstreamError (`SIFT_REGISTRY_UNREACHABLE`) naming the request.
 */
export class HttpRegistryLookup implements RegistryLookup {
  readonly url: string;
  private readonly client: RegistryClient;

  /** `connection`: the URL and credentials; `timeoutMs`: per request, default 5000. */
  constructor(
    connection: Readonly<RegistryConnectionConfig>,
    options: { timeoutMs?: number } = {},
  ) {
    this.url = connection.registryUrl.replace(/\/+$/, '');
    this.client = registryClientFromConfig(
      { ...connection, registryUrl: this.url },
      options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
    );
  }

  async compatibilityLevel(subject: string): Promise<CompatibilityLevel> {
    const path = `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`;
    let level: string;
    try {
      level = await this.client.compatibilityLevel(subject);
    } catch (error) {
      throw this.unexpected('GET', path, error);
    }
    if (!isLevel(level)) {
      throw new UpstreamError(
        'SIFT_REGISTRY_UNREACHABLE',
        `The registry at ${this.url} answered GET ${path} with 200: ` +
          JSON.stringify({ compatibilityLevel: level }),
        { details: { status: 200 } },
      );
    }
    return level;
  }

  async lookup(
    subject: string,
    file: Pick<SchemaFile, 'schema' | 'schemaType'>,
  ): Promise<{ id: number; version: number } | undefined> {
    try {
      return await this.client.lookup(subject, file.schema, file.schemaType);
    } catch (error) {
      throw this.unexpected('POST', `/subjects/${encodeURIComponent(subject)}`, error);
    }
  }

  async versions(subject: string): Promise<number[]> {
    try {
      return await this.client.versions(subject);
    } catch (error) {
      throw this.unexpected('GET', `/subjects/${encodeURIComponent(subject)}/versions`, error);
    }
  }

  async latestIncompatibilities(
    subject: string,
    file: Pick<SchemaFile, 'schema' | 'schemaType'>,
  ): Promise<string[]> {
    const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`;
    try {
      const { compatible, messages } = await this.client.testCompatibility(
        subject,
        file.schema,
        file.schemaType,
      );
      if (compatible) return [];
      return messages.length > 0
        ? messages
        : ['the registry says it is not compatible and gives no reason'];
    } catch (error) {
      // A subject with no versions yet accepts anything.
      if (
        error instanceof NotFoundError &&
        (error.code === 'SIFT_REGISTRY_SUBJECT_NOT_FOUND' ||
          error.code === 'SIFT_REGISTRY_VERSION_NOT_FOUND')
      ) {
        return [];
      }
      const status = statusOf(error);
      if (status === 422 || status === 409) {
        return [`the registry refuses the schema: ${(error as Error).message}`];
      }
      throw this.unexpected('POST', path, error);
    }
  }

  /**
   * A registry answer the check cannot use, as an UpstreamError naming the request. Errors
   * without an HTTP status (no answer, no JSON) already name it and pass through.
   */
  private unexpected(method: string, path: string, error: unknown): unknown {
    const status = statusOf(error);
    if (status === undefined || !isSiftError(error)) return error;
    return new UpstreamError(
      'SIFT_REGISTRY_UNREACHABLE',
      `The registry at ${this.url} answered ${method} ${path} with ${status}: ${error.message}`,
      { cause: error, details: { status, errorCode: error.details?.['errorCode'] } },
    );
  }
}

function isLevel(value: unknown): value is CompatibilityLevel {
  return (compatibilityLevels as readonly unknown[]).includes(value);
}

/** The HTTP status a RegistryClient error carries, when the registry answered with one. */
function statusOf(error: unknown): number | undefined {
  const status = isSiftError(error) ? error.details?.['status'] : undefined;
  return typeof status === 'number' ? status : undefined;
}
