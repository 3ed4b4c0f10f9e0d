/** A failed console API call, with the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the UI says when the registry refused the request for want of credentials. */
export const SIGN_IN_MESSAGE =
  'The registry has authentication on: sign in with a registry user and password (reload the page and the browser asks for them) to do this.';

/** Calls the console API (or the registry through it) and answers the JSON body; throws ApiError on a failure status. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', ...(init.headers ?? {}) },
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const registry = body as { error_code?: number; message?: string } | undefined;
    throw new ApiError(
      response.status,
      error?.code ?? String(registry?.error_code ?? response.status),
      response.status === 401
        ? SIGN_IN_MESSAGE
        : (error?.message ?? registry?.message ?? `HTTP ${response.status}`),
    );
  }
  return body as T;
}

/** POSTs/PUTs JSON. */
export function send<T>(
  method: string,
  path: string,
  body: unknown,
  type = 'application/json',
): Promise<T> {
  return api<T>(path, { method, headers: { 'content-type': type }, body: JSON.stringify(body) });
}

/** The registry, through the console's pass-through. */
export const REGISTRY = '/ui/api/registry';
export const REGISTRY_JSON = 'application/vnd.schemaregistry.v1+json';

export interface ValidationIssue {
  path: string;
  keyword: string;
  message: string;
  jsonPath?: string;
  expected?: string;
  value?: unknown;
}

export interface SubjectSummary {
  subject: string;
  schemaType: string;
  latestVersion: number;
  latestId: number;
  versionCount: number;
  compatibility: string;
}

export interface SubjectVersion {
  version: number;
  id: number;
  schemaType: string;
  schema: string;
  references: { name: string; subject: string; version: number }[];
  deleted: boolean;
  referencedBy: { subject: string; version: number }[];
}

export interface SubjectDetail {
  subject: string;
  compatibility: string;
  versions: SubjectVersion[];
}

export interface CompatibilityVerdict {
  subject: string;
  compatibility: string;
  verdict: 'new_subject' | 'compatible' | 'incompatible' | 'invalid' | 'already_registered';
  messages: string[];
  version?: number;
}

export interface BadEventSummary {
  id: string;
  receivedAt: string;
  kind: string;
  stage: string;
  event?: string;
  version?: number;
  message: string;
  errorCount: number;
}

export interface BadEvent {
  id: string;
  received_at: string;
  stage: string;
  kind: string;
  event?: string;
  version?: number;
  errors: ValidationIssue[];
  payload: string;
  source: { endpoint: string; ip?: string; user_agent?: string };
}

export interface BadEventGroups {
  total: number;
  buckets: string[];
  bucketMs: number;
  groups: { message: string; count: number; trend: number[]; eventTypes: string[] }[];
}

export interface RecoveryReport {
  read: number;
  matched: number;
  recovered: number;
  stillBad: number;
  skipped: number;
  events: (
    | { id: string; event?: string; kind: string; status: 'recovered' }
    | { id: string; event?: string; kind: string; status: 'still_bad'; now: string; reason: string }
    | { id: string; event?: string; kind: string; status: 'skipped'; reason: string }
  )[];
}

export interface GoodEvent {
  id: string;
  event: string;
  receivedAt: string;
  schemaId?: number;
  version?: number;
  data: unknown;
}

/** The kinds of bad events, as the bad-event contract names them. */
export const BAD_EVENT_KINDS = [
  'schema_violation',
  'unknown_event',
  'unknown_version',
  'invalid_envelope',
  'malformed_json',
  'size_violation',
  'encoding_failed',
  'enrichment_failed',
  'index_rejected',
];
