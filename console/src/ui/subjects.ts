import { NotFoundError, UpstreamError } from '@sift/common';
import { callRegistry } from './registry-proxy';
import type { RegistryAnswer, RegistryTarget } from './registry-proxy';

/** One line of the subjects list. */
export interface SubjectSummary {
  subject: string;
  schemaType: string;
  latestVersion: number;
  /** The latest version's schema id: ids only grow, so it orders subjects by last change. */
  latestId: number;
  versionCount: number;
  compatibility: string;
}

/** One version of a subject, whole. */
export interface SubjectVersionDetail {
  version: number;
  id: number;
  schemaType: string;
  schema: string;
  references: { name: string; subject: string; version: number }[];
  deleted: boolean;
  /** The subjects and versions whose schemas reference this version. */
  referencedBy: { subject: string; version: number }[];
}

/** A subject with every version, soft-deleted ones included. */
export interface SubjectDetail {
  subject: string;
  compatibility: string;
  versions: SubjectVersionDetail[];
}

/** The compatibility verdict on a schema before it is registered. */
export interface CompatibilityVerdict {
  subject: string;
  compatibility: string;
  verdict: 'new_subject' | 'compatible' | 'incompatible' | 'invalid' | 'already_registered';
  /** The registry's reasons (incompatible), or its refusal (invalid). */
  messages: string[];
  /** The version that holds this very schema, for `already_registered`. */
  version?: number;
}

const segment = encodeURIComponent;

function errorCode(answer: RegistryAnswer): number | undefined {
  const code = (answer.body as { error_code?: unknown } | undefined)?.error_code;
  return typeof code === 'number' ? code : undefined;
}

function message(answer: RegistryAnswer): string {
  const text = (answer.body as { message?: unknown } | undefined)?.message;
  return typeof text === 'string' ? text : `HTTP ${answer.status}`;
}

/** Throws `SIFT_REGISTRY_UNAUTHORIZED` when the registry refused the credentials sent (or their absence). */
function assertAuthorized(answer: RegistryAnswer, method: string, path: string): void {
  if (answer.status !== 401 && answer.status !== 403) return;
  throw new UpstreamError(
    'SIFT_REGISTRY_UNAUTHORIZED',
    `The registry refused ${method} ${path}: ${message(answer)}; sign in with a registry user`,
    { retriable: false, details: { status: answer.status } },
  );
}

async function expectOk(target: RegistryTarget, method: string, path: string): Promise<unknown> {
  const answer = await callRegistry(target, method, path);
  assertAuthorized(answer, method, path);
  if (answer.status === 404) {
    throw new NotFoundError(
      errorCode(answer) === 40401
        ? 'SIFT_REGISTRY_SUBJECT_NOT_FOUND'
        : 'SIFT_REGISTRY_VERSION_NOT_FOUND',
      message(answer),
    );
  }
  if (answer.status >= 400) {
    throw new UpstreamError('SIFT_REGISTRY_UNREACHABLE', `${method} ${path}: ${message(answer)}`, {
      retriable: answer.status >= 500,
      details: { status: answer.status, error_code: errorCode(answer) },
    });
  }
  return answer.body;
}

async function level(target: RegistryTarget, subject: string): Promise<string> {
  const body = (await expectOk(
    target,
    'GET',
    `/config/${segment(subject)}?defaultToGlobal=true`,
  )) as { compatibilityLevel?: string };
  return body.compatibilityLevel ?? 'BACKWARD';
}

/** How many subjects `subjectSummaries` asks about at once: 3 requests each, so 24 in flight at most. */
export const SUMMARY_CONCURRENCY = 8;

/** `map` over `items` with at most `limit` calls of `fn` pending at once; answers in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        // The answer is already a failure: start nothing more.
        next = items.length;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every subject with its latest version, schema type and compatibility level. */
export async function subjectSummaries(target: RegistryTarget): Promise<SubjectSummary[]> {
  const subjects = (await expectOk(target, 'GET', '/subjects')) as string[];
  const summaries = await mapLimited(
    subjects,
    SUMMARY_CONCURRENCY,
    async (subject): Promise<SubjectSummary> => {
      const [latest, versions, compatibility] = await Promise.all([
        expectOk(target, 'GET', `/subjects/${segment(subject)}/versions/latest`) as Promise<{
          version: number;
          id: number;
          schemaType?: string;
        }>,
        expectOk(target, 'GET', `/subjects/${segment(subject)}/versions`) as Promise<number[]>,
        level(target, subject),
      ]);
      return {
        subject,
        schemaType: latest.schemaType ?? 'AVRO',
        latestVersion: latest.version,
        latestId: latest.id,
        versionCount: versions.length,
        compatibility,
      };
    },
  );
  return summaries.sort((a, b) => a.subject.localeCompare(b.subject));
}

/** A subject with every version (soft-deleted too), each with the versions that reference it. */
export async function subjectDetail(
  target: RegistryTarget,
  subject: string,
): Promise<SubjectDetail> {
  const base = `/subjects/${segment(subject)}/versions`;
  const [all, live, compatibility] = await Promise.all([
    expectOk(target, 'GET', `${base}?deleted=true`) as Promise<number[]>,
    expectOk(target, 'GET', base) as Promise<number[]>,
    level(target, subject),
  ]);
  const versions = await Promise.all(
    all.map(async (number): Promise<SubjectVersionDetail> => {
      const found = (await expectOk(target, 'GET', `${base}/${number}?deleted=true`)) as {
        id: number;
        schemaType?: string;
        schema: string;
        references?: SubjectVersionDetail['references'];
      };
      const ids = (await expectOk(target, 'GET', `${base}/${number}/referencedby`)) as number[];
      const referencedBy = (
        await Promise.all(
          ids.map(
            (id) =>
              expectOk(target, 'GET', `/schemas/ids/${id}/versions`) as Promise<
                { subject: string; version: number }[]
              >,
          ),
        )
      ).flat();
      return {
        version: number,
        id: found.id,
        schemaType: found.schemaType ?? 'AVRO',
        schema: found.schema,
        references: found.references ?? [],
        deleted: !live.includes(number),
        referencedBy,
      };
    }),
  );
  return { subject, compatibility, versions };
}

/** What the registry would say to this schema as the subject's next version, without registering it. */
export async function checkCompatibility(
  target: RegistryTarget,
  subject: string,
  input: { schema: string; schemaType: string; references: unknown[] },
): Promise<CompatibilityVerdict> {
  const body = {
    schema: input.schema,
    ...(input.schemaType === 'AVRO' ? {} : { schemaType: input.schemaType }),
    ...(input.references.length > 0 ? { references: input.references } : {}),
  };
  const subjectPath = `/subjects/${segment(subject)}`;
  const compatibility = await level(target, subject);
  const held = await callRegistry(target, 'POST', subjectPath, body);
  assertAuthorized(held, 'POST', subjectPath);
  if (held.status === 200) {
    const version = (held.body as { version?: number }).version;
    return {
      subject,
      compatibility,
      verdict: 'already_registered',
      messages: [],
      ...(typeof version === 'number' ? { version } : {}),
    };
  }
  // A registry may answer a check against a subject without versions as compatible: say new.
  if (held.status === 404 && errorCode(held) === 40401) {
    return { subject, compatibility, verdict: 'new_subject', messages: [] };
  }
  // Without a version the registry checks against the versions registering would (all of them
  // under a *_TRANSITIVE level); `versions/latest` checks the latest only.
  const answer = await callRegistry(
    target,
    'POST',
    `/compatibility${subjectPath}/versions?verbose=true`,
    body,
  );
  assertAuthorized(answer, 'POST', `/compatibility${subjectPath}/versions`);
  if (answer.status === 404 && errorCode(answer) === 40401) {
    return { subject, compatibility, verdict: 'new_subject', messages: [] };
  }
  if (answer.status === 200) {
    const result = answer.body as { is_compatible?: boolean; messages?: string[] };
    return {
      subject,
      compatibility,
      verdict: result.is_compatible === true ? 'compatible' : 'incompatible',
      messages: result.messages ?? [],
    };
  }
  if (answer.status === 422 || answer.status === 409 || answer.status === 400) {
    return { subject, compatibility, verdict: 'invalid', messages: [message(answer)] };
  }
  throw new UpstreamError('SIFT_REGISTRY_UNREACHABLE', `compatibility check: ${message(answer)}`);
}
