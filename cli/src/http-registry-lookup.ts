import { UpstreamError } from '@sift/common';
import { compatibilityLevels } from '@sift/validator';
import type { CompatibilityLevel } from '@sift/validator';
import type { RegistryLookup } from './commands/schemas-check';
import type { SchemaFile } from './schemas-folder';

/** Confluent's `error_code`s for "no such subject" and "the subject does not hold that schema". */
const SUBJECT_NOT_FOUND = 40401;
const VERSION_NOT_FOUND = 40402;
const SCHEMA_NOT_FOUND = 40403;

interface Answer {
  status: number;
  body: unknown;
}

/**
 * The questions `sift schemas check` asks a Confluent-compatible registry, over HTTP. Any
 * answer it cannot use (no answer, a server error, an unexpected status) is an UpstreamError
 * (`SIFT_REGISTRY_UNREACHABLE`) naming the request.
 */
export class HttpRegistryLookup implements RegistryLookup {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly authorization: string | undefined;

  /** `timeoutMs`: per request; default 5000. `auth`: basic credentials, when the registry needs them. */
  constructor(
    url: string,
    options: { timeoutMs?: number; auth?: { username: string; password: string } } = {},
  ) {
    this.url = url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.authorization = options.auth
      ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
      : undefined;
  }

  async compatibilityLevel(subject: string): Promise<CompatibilityLevel> {
    const path = `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`;
    const answer = await this.call('GET', path);
    const level = (answer.body as { compatibilityLevel?: unknown } | undefined)?.compatibilityLevel;
    if (answer.status !== 200 || !isLevel(level)) throw this.unexpected('GET', path, answer);
    return level;
  }

  async lookup(
    subject: string,
    file: Pick<SchemaFile, 'schema' | 'schemaType'>,
  ): Promise<{ id: number; version: number } | undefined> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    const answer = await this.call('POST', path, schemaBody(file));
    if (answer.status === 200) {
      const { id, version } = answer.body as { id: number; version: number };
      return { id, version };
    }
    if (errorCode(answer) === SUBJECT_NOT_FOUND || errorCode(answer) === SCHEMA_NOT_FOUND) {
      return undefined;
    }
    throw this.unexpected('POST', path, answer);
  }

  async versions(subject: string): Promise<number[]> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    const answer = await this.call('GET', path);
    if (answer.status === 200 && Array.isArray(answer.body)) return answer.body as number[];
    if (errorCode(answer) === SUBJECT_NOT_FOUND) return [];
    throw this.unexpected('GET', path, answer);
  }

  async latestIncompatibilities(
    subject: string,
    file: Pick<SchemaFile, 'schema' | 'schemaType'>,
  ): Promise<string[]> {
    const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`;
    const answer = await this.call('POST', path, schemaBody(file));
    if (answer.status === 200) {
      const { is_compatible: compatible, messages } = answer.body as {
        is_compatible?: boolean;
        messages?: string[];
      };
      if (compatible) return [];
      return messages && messages.length > 0
        ? messages
        : ['the registry says it is not compatible and gives no reason'];
    }
    // A subject with no versions yet accepts anything.
    const code = errorCode(answer);
    if (code === SUBJECT_NOT_FOUND || code === VERSION_NOT_FOUND) return [];
    if (answer.status === 422 || answer.status === 409) {
      return [`the registry refuses the schema: ${message(answer)}`];
    }
    throw this.unexpected('POST', path, answer);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
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
        `The registry at ${this.url} did not answer ${method} ${path}`,
        { cause: error },
      );
    }
    const text = await response.text();
    try {
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    } catch (error) {
      throw new UpstreamError(
        'SIFT_REGISTRY_UNREACHABLE',
        `The registry at ${this.url} answered ${method} ${path} with ${response.status} and no JSON`,
        { cause: error },
      );
    }
  }

  private unexpected(method: string, path: string, answer: Answer): UpstreamError {
    return new UpstreamError(
      'SIFT_REGISTRY_UNREACHABLE',
      `The registry at ${this.url} answered ${method} ${path} with ${answer.status}: ${message(answer)}`,
      { details: { status: answer.status, errorCode: errorCode(answer) } },
    );
  }
}

/** A register / lookup / compatibility body; Confluent leaves `schemaType` out for AVRO. */
function schemaBody(file: Pick<SchemaFile, 'schema' | 'schemaType'>): Record<string, string> {
  return file.schemaType === 'AVRO'
    ? { schema: file.schema }
    : { schema: file.schema, schemaType: file.schemaType };
}

function isLevel(value: unknown): value is CompatibilityLevel {
  return (compatibilityLevels as readonly unknown[]).includes(value);
}

function errorCode(answer: Answer): number | undefined {
  return (answer.body as { error_code?: number } | undefined)?.error_code;
}

function message(answer: Answer): string {
  return (
    (answer.body as { message?: string } | undefined)?.message ?? JSON.stringify(answer.body ?? '')
  );
}
