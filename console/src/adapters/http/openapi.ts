import { badEventKinds } from '@sift/collector';

const json = 'application/json';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: object, description = 'OK') => ({
  description,
  content: { [json]: { schema } },
});
const error = (description: string) => body(ref('Error'), description);
const param = (
  where: 'query' | 'path',
  name: string,
  description: string,
  schema: object = { type: 'string' },
) => ({ name, in: where, required: where === 'path', description, schema });
const jsonBody = (schema: object) => ({ required: true, content: { [json]: { schema } } });

const integer = (minimum: number, maximum?: number) => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const optional = (type: string) => ({ type });

/** The test API's event filters. */
const filters = [
  param('query', 'verdict', 'good or bad.', { enum: ['good', 'bad'] }),
  param('query', 'id', 'An event id.'),
  param('query', 'event', 'An event type.'),
  param('query', 'vendor', 'An event-type prefix (`com.acme`).'),
  param('query', 'version', 'A schema version.', integer(1, 2 ** 31 - 1)),
  param('query', 'kind', "A bad event's kind.", { enum: badEventKinds }),
  param('query', 'test_id', 'The test id the sender gave (`X-Sift-Test-Id`).'),
  param('query', 'since', 'Received at or after (ISO 8601).', {
    type: 'string',
    format: 'date-time',
  }),
  param('query', 'until', 'Received before (ISO 8601).', { type: 'string', format: 'date-time' }),
];
const page = [
  param('query', 'limit', 'Most events answered; default 100.', integer(1, 1000)),
  param('query', 'offset', 'Matches skipped first; default 0.', integer(0)),
  param('query', 'order', 'newest (default) or oldest first.', { enum: ['newest', 'oldest'] }),
];
const timeoutMs = param(
  'query',
  'timeout_ms',
  'Longest the request is held, ms; at most `SIFT_CONSOLE_MAX_WAIT_MS` (a larger value is refused).',
  integer(0),
);

/** Micro's filters, as query parameters (GET) or body fields (POST). */
const microGood = {
  event_type: { type: 'string', description: 'An event type, or its name without vendor.' },
  schema: {
    type: 'string',
    description:
      '`<event type>/<version>`, or an Iglu URI: exactly that SchemaVer for events that kept one.',
  },
  contexts: {
    type: 'array',
    items: { type: 'string' },
    description: 'Iglu URIs of entities every event must carry.',
  },
  test_id: { type: 'string' },
  limit: integer(1),
};
const microBad = {
  vendor: {
    type: 'string',
    description:
      'An event-type prefix; `com.snowplowanalytics.snowplow` also names every bad tracker event.',
  },
  version: {
    description: 'A schema version, or `tp2`: every bad tracker event.',
    anyOf: [integer(1), { type: 'string' }],
  },
  test_id: { type: 'string' },
  limit: integer(1),
};
const asQuery = (fields: Record<string, object>) =>
  Object.entries(fields)
    .filter(([, schema]) => (schema as { type?: string }).type !== 'array')
    .map(([name, schema]) => param('query', name, '', schema));

const badFilters = [
  param('query', 'since', 'Received at or after (ISO 8601).', {
    type: 'string',
    format: 'date-time',
  }),
  param('query', 'until', 'Received before (ISO 8601).', { type: 'string', format: 'date-time' }),
  param('query', 'event', 'Event types, comma-separated.'),
  param('query', 'kind', `Kinds, comma-separated: ${badEventKinds.join(', ')}.`),
  param('query', 'q', 'Words that must all occur in a message, the payload or the event type.'),
];

const forbidden = error(
  "SIFT_REQUEST_FORBIDDEN: the Host is none of the console's names, or a page of another site asked for a change",
);
const badRequest = error('SIFT_REQUEST_INVALID: a parameter or the body is not valid');
const storeDown = error('SIFT_EVENT_STORE_UNAVAILABLE: the event store does not answer');
const registryRefused = {
  ...error('SIFT_REGISTRY_UNAUTHORIZED: the registry refused the credentials sent (or none)'),
  headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
};
const registryDown = error('SIFT_REGISTRY_UNREACHABLE: the registry did not answer as expected');
const tooLarge = error('SIFT_REQUEST_TOO_LARGE: the body is too large');

const resetAnswers = {
  '200': body(ref('Counts'), 'Every stored event deleted: the counts, all 0'),
  '403': error(
    'SIFT_CONSOLE_RESET_DISABLED (`SIFT_CONSOLE_ALLOW_RESET`), or SIFT_REQUEST_FORBIDDEN (a page of another site)',
  ),
  '503': {
    ...error('SIFT_CONSOLE_RESET_INCOMPLETE (events still being stored) or the store is down'),
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
  },
};

const stringMap = { type: 'object', additionalProperties: { type: 'integer' } };

const schemas = {
  ErrorDetail: {
    type: 'object',
    required: ['code', 'message'],
    properties: { code: { type: 'string' }, message: { type: 'string' } },
  },
  Error: { type: 'object', required: ['error'], properties: { error: ref('ErrorDetail') } },
  Counts: {
    type: 'object',
    required: ['total', 'good', 'bad'],
    properties: { total: integer(0), good: integer(0), bad: integer(0) },
  },
  StoredEvent: {
    type: 'object',
    required: ['id', 'verdict', 'received_at', 'document'],
    properties: {
      id: { type: 'string' },
      verdict: { enum: ['good', 'bad'] },
      event: { type: 'string', description: 'The event type, when known.' },
      version: { type: 'integer', description: 'The schema version, when known.' },
      kind: { type: 'string', description: "A bad event's kind." },
      test_id: { type: 'string' },
      received_at: { type: 'string' },
      document: { type: 'object', description: 'The stored document, as indexed.' },
    },
  },
  EventList: {
    type: 'object',
    required: ['total', 'events'],
    properties: { total: integer(0), events: { type: 'array', items: ref('StoredEvent') } },
  },
  WaitTimedOut: {
    type: 'object',
    required: ['error', 'total', 'events'],
    properties: {
      error: ref('ErrorDetail'),
      total: integer(0),
      events: { type: 'array', items: ref('StoredEvent') },
    },
  },
  MicroGoodEvent: {
    type: 'object',
    required: ['rawEvent', 'event', 'schema', 'contexts'],
    properties: {
      rawEvent: { type: 'object' },
      event: { type: 'object' },
      eventType: { type: 'string' },
      schema: {
        type: 'string',
        description:
          "A tracker event's Iglu URI (its schema's `self`), else `<event type>/<version>`.",
      },
      contexts: {
        type: 'array',
        items: { type: 'string' },
        description: "A tracker event's entities' Iglu URIs; empty for Sift's own events.",
      },
    },
  },
  MicroBadEvent: {
    type: 'object',
    required: ['collectorPayload', 'rawEvent', 'errors'],
    properties: {
      collectorPayload: { type: 'object' },
      rawEvent: { type: 'object' },
      errors: { type: 'array', items: { type: 'string' } },
    },
  },
  MicroGoodFilter: { type: 'object', properties: microGood },
  MicroBadFilter: { type: 'object', properties: microBad },
  ValidationIssue: {
    type: 'object',
    required: ['path', 'keyword', 'message'],
    properties: {
      path: { type: 'string', description: 'JSON pointer into the event data.' },
      keyword: { type: 'string' },
      message: { type: 'string' },
      jsonPath: optional('string'),
      expected: optional('string'),
      value: {},
    },
  },
  BadEvent: {
    type: 'object',
    required: ['id', 'received_at', 'stage', 'kind', 'errors', 'payload', 'source'],
    properties: {
      id: { type: 'string' },
      received_at: { type: 'string' },
      stage: { enum: ['collector', 'validator', 'sink'] },
      kind: { enum: badEventKinds },
      event: { type: 'string' },
      version: { type: 'integer' },
      errors: { type: 'array', items: ref('ValidationIssue') },
      payload: { type: 'string', description: 'The original input, whole.' },
      source: {
        type: 'object',
        required: ['endpoint'],
        properties: {
          endpoint: { type: 'string' },
          ip: { type: 'string' },
          user_agent: { type: 'string' },
        },
      },
      test_id: { type: 'string' },
    },
  },
  BadEventPage: {
    type: 'object',
    required: ['offset', 'size', 'total', 'events'],
    properties: {
      offset: integer(0),
      size: integer(1),
      total: integer(0),
      next: { type: 'string', description: 'Where the next (older) page starts, for `after`.' },
      events: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'receivedAt', 'kind', 'stage', 'message', 'errorCount'],
          properties: {
            id: { type: 'string' },
            receivedAt: { type: 'string' },
            kind: { enum: badEventKinds },
            stage: { type: 'string' },
            event: { type: 'string' },
            version: { type: 'integer' },
            message: { type: 'string' },
            errorCount: integer(0),
          },
        },
      },
    },
  },
  BadEventGroups: {
    type: 'object',
    required: ['total', 'buckets', 'bucketMs', 'groups'],
    properties: {
      total: integer(0),
      buckets: { type: 'array', items: { type: 'string' } },
      bucketMs: { type: 'number' },
      groups: {
        type: 'array',
        items: {
          type: 'object',
          required: ['message', 'count', 'trend', 'eventTypes'],
          properties: {
            message: { type: 'string' },
            count: integer(0),
            trend: { type: 'array', items: integer(0) },
            eventTypes: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
  GoodEvent: {
    type: 'object',
    required: ['id', 'event', 'receivedAt'],
    properties: {
      id: { type: 'string' },
      event: { type: 'string' },
      receivedAt: { type: 'string' },
      schemaId: { type: 'integer' },
      version: { type: 'integer' },
      data: {},
    },
  },
  RecoveryReport: {
    type: 'object',
    required: [
      'dryRun',
      'read',
      'unreadable',
      'matched',
      'recovered',
      'stillBad',
      'stillBadByKind',
      'skipped',
      'skippedByReason',
      'events',
      'unlisted',
    ],
    properties: {
      dryRun: { type: 'boolean' },
      read: integer(0),
      unreadable: integer(0),
      matched: integer(0),
      recovered: integer(0),
      stillBad: integer(0),
      stillBadByKind: stringMap,
      skipped: integer(0),
      skippedByReason: stringMap,
      events: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'kind', 'status'],
          properties: {
            id: { type: 'string' },
            event: { type: 'string' },
            kind: { enum: badEventKinds },
            status: { enum: ['recovered', 'still_bad', 'skipped'] },
            now: { enum: badEventKinds },
            reason: { type: 'string' },
          },
        },
      },
      unlisted: integer(0),
    },
  },
  SubjectSummary: {
    type: 'object',
    required: [
      'subject',
      'schemaType',
      'latestVersion',
      'latestId',
      'versionCount',
      'compatibility',
    ],
    properties: {
      subject: { type: 'string' },
      schemaType: { type: 'string' },
      latestVersion: { type: 'integer' },
      latestId: { type: 'integer' },
      versionCount: { type: 'integer' },
      compatibility: { type: 'string' },
    },
  },
  SubjectDetail: {
    type: 'object',
    required: ['subject', 'compatibility', 'versions'],
    properties: {
      subject: { type: 'string' },
      compatibility: { type: 'string' },
      versions: {
        type: 'array',
        items: {
          type: 'object',
          required: [
            'version',
            'id',
            'schemaType',
            'schema',
            'references',
            'deleted',
            'referencedBy',
          ],
          properties: {
            version: { type: 'integer' },
            id: { type: 'integer' },
            schemaType: { type: 'string' },
            schema: { type: 'string' },
            references: { type: 'array', items: { type: 'object' } },
            deleted: { type: 'boolean' },
            referencedBy: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  },
  CompatibilityVerdict: {
    type: 'object',
    required: ['subject', 'compatibility', 'verdict', 'messages'],
    properties: {
      subject: { type: 'string' },
      compatibility: { type: 'string' },
      verdict: {
        enum: ['new_subject', 'compatible', 'incompatible', 'invalid', 'already_registered'],
      },
      messages: { type: 'array', items: { type: 'string' } },
      version: { type: 'integer' },
    },
  },
  ValidationResult: {
    type: 'object',
    required: ['valid', 'issues'],
    properties: {
      valid: { type: 'boolean' },
      parseError: { type: 'string', description: 'Why the payload is not JSON.' },
      event: { type: 'string' },
      version: { type: 'integer' },
      schemaId: { type: 'integer' },
      schemaType: { enum: ['AVRO', 'JSON'] },
      issues: { type: 'array', items: ref('ValidationIssue') },
    },
  },
};

const micro = (
  summary: string,
  answer: object,
  filter?: { query: object[]; body: string },
): Record<string, object> => ({
  get: {
    summary,
    ...(filter ? { parameters: filter.query } : {}),
    responses: { '200': answer, ...(filter ? { '400': badRequest } : {}), '403': forbidden },
  },
  post: {
    summary: `${summary} (filter in the body)`,
    ...(filter
      ? {
          requestBody: { required: false, content: { [json]: { schema: ref(filter.body) } } },
        }
      : {}),
    responses: {
      '200': answer,
      ...(filter ? { '400': badRequest, '413': tooLarge } : {}),
      '403': forbidden,
    },
  },
});

/**
 * The OpenAPI 3.1 document of the console server, served at `/openapi.json`: the test API,
 * Micro's paths, the console UI's API, `/healthz` and `/metrics`, written from their routers.
 */
export const consoleOpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Sift console',
    version: '1',
    description:
      "The console server: the test API for app test suites (`/api`), Snowplow Micro's paths (`/micro`) and the console UI's API (`/ui/api`). Every answer names its errors as `{error: {code, message}}` with a code from Sift's catalogue.",
  },
  components: { schemas },
  paths: {
    '/healthz': {
      get: {
        summary: 'Health',
        responses: {
          '200': body({
            type: 'object',
            required: ['status'],
            properties: { status: { const: 'ok' } },
          }),
          '403': forbidden,
        },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        responses: {
          '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
          '403': forbidden,
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        responses: { '200': body({ type: 'object' }), '403': forbidden },
      },
    },
    '/api/events': {
      get: {
        summary: 'Stored events matching the filters, newest first',
        parameters: [...filters, ...page],
        responses: {
          '200': body(ref('EventList')),
          '400': badRequest,
          '403': forbidden,
          '503': storeDown,
        },
      },
      delete: {
        summary: 'Delete every stored event (as POST /api/reset)',
        responses: resetAnswers,
      },
    },
    '/api/events/{id}': {
      get: {
        summary: 'One event, good or bad; with timeout_ms held until it is stored',
        parameters: [param('path', 'id', 'The event id.'), timeoutMs],
        responses: {
          '200': body(ref('StoredEvent')),
          '400': badRequest,
          '403': forbidden,
          '404': error('SIFT_EVENT_NOT_FOUND'),
          '503': storeDown,
        },
      },
    },
    '/api/counts': {
      get: {
        summary: 'How many events match, by verdict',
        parameters: filters,
        responses: {
          '200': body(ref('Counts')),
          '400': badRequest,
          '403': forbidden,
          '503': storeDown,
        },
      },
    },
    '/api/wait': {
      get: {
        summary: 'Held until `count` events match, then those events',
        parameters: [
          ...filters,
          param('query', 'count', 'How many events to wait for; default 1.', integer(1, 1000)),
          timeoutMs,
          ...page,
        ],
        responses: {
          '200': body(ref('EventList')),
          '400': badRequest,
          '403': forbidden,
          '408': body(ref('WaitTimedOut'), 'SIFT_WAIT_TIMED_OUT, with the events that did arrive'),
          '503': storeDown,
        },
      },
    },
    '/api/reset': {
      post: { summary: 'Delete every stored event', responses: resetAnswers },
    },
    '/micro/all': micro('Counts, as Snowplow Micro answers them', body(ref('Counts'))),
    '/micro/good': micro(
      "Good events in Micro's shape, oldest first",
      body({ type: 'array', items: ref('MicroGoodEvent') }),
      { query: asQuery(microGood), body: 'MicroGoodFilter' },
    ),
    '/micro/bad': micro(
      "Bad events in Micro's shape, oldest first",
      body({ type: 'array', items: ref('MicroBadEvent') }),
      { query: asQuery(microBad), body: 'MicroBadFilter' },
    ),
    '/micro/iglu/{vendor}/{name}/jsonschema/{version}': {
      get: {
        summary: "A registered schema by its Iglu URI's parts, as Snowplow Micro serves it",
        parameters: [
          param('path', 'vendor', 'The Iglu vendor, e.g. `com.acme`.'),
          param('path', 'name', 'The schema name, e.g. `signup`.'),
          param('path', 'version', 'The SchemaVer, `MODEL-REVISION-ADDITION`.'),
        ],
        responses: {
          '200': body({ type: 'object' }, 'The schema of exactly that SchemaVer'),
          '403': forbidden,
          '404': error('SIFT_REGISTRY_SCHEMA_NOT_FOUND: the registry holds no such schema'),
          '502': registryDown,
        },
      },
    },
    '/micro/reset': {
      get: { summary: 'Delete every stored event', responses: resetAnswers },
      post: { summary: 'Delete every stored event', responses: resetAnswers },
    },
    '/ui/api/subjects': {
      get: {
        summary: 'Every subject, summed up',
        responses: {
          '200': body({
            type: 'object',
            required: ['subjects'],
            properties: { subjects: { type: 'array', items: ref('SubjectSummary') } },
          }),
          '401': registryRefused,
          '403': forbidden,
          '502': registryDown,
        },
      },
    },
    '/ui/api/subjects/{subject}': {
      get: {
        summary: 'One subject with every version',
        parameters: [param('path', 'subject', 'The subject (event type).')],
        responses: {
          '200': body(ref('SubjectDetail')),
          '401': registryRefused,
          '403': forbidden,
          '404': error('SIFT_REGISTRY_SUBJECT_NOT_FOUND'),
          '502': registryDown,
        },
      },
    },
    '/ui/api/subjects/{subject}/check': {
      post: {
        summary: "The registry's compatibility verdict on a schema, before registering it",
        parameters: [param('path', 'subject', 'The subject (event type).')],
        requestBody: jsonBody({
          type: 'object',
          required: ['schema'],
          properties: {
            schema: { type: 'string', minLength: 1 },
            schemaType: { enum: ['AVRO', 'JSON'] },
            references: { type: 'array', items: { type: 'object' } },
          },
        }),
        responses: {
          '200': body(ref('CompatibilityVerdict')),
          '400': badRequest,
          '401': registryRefused,
          '403': forbidden,
          '413': tooLarge,
          '502': registryDown,
        },
      },
    },
    '/ui/api/validate': {
      post: {
        summary: 'Validate a payload against an event type and version (the playground)',
        requestBody: jsonBody({
          type: 'object',
          required: ['event', 'payload'],
          properties: {
            event: { type: 'string', minLength: 1 },
            version: { anyOf: [integer(1, 2 ** 31 - 1), { const: 'latest' }] },
            payload: { type: 'string', description: 'The payload as JSON text.' },
          },
        }),
        responses: {
          '200': body(ref('ValidationResult')),
          '400': badRequest,
          '401': registryRefused,
          '403': forbidden,
          '404': error('The event type or version is not registered'),
          '413': tooLarge,
          '502': registryDown,
        },
      },
    },
    '/ui/api/bad-events': {
      get: {
        summary: 'One page of bad events, newest first',
        parameters: [
          ...badFilters,
          param('query', 'after', 'A cursor: a page’s `next`.'),
          param('query', 'offset', 'Bad events skipped first.', integer(0, 10_000_000)),
          param('query', 'size', 'Bad events per page; default 50.', integer(1, 200)),
        ],
        responses: {
          '200': body(ref('BadEventPage')),
          '400': badRequest,
          '403': forbidden,
          '502': storeDown,
        },
      },
    },
    '/ui/api/bad-events/groups': {
      get: {
        summary: 'Bad events grouped by error message, with a trend',
        parameters: [
          ...badFilters,
          param('query', 'limit', 'Most groups; default 20.', integer(1, 100)),
          param('query', 'buckets', 'Trend buckets; default 24.', integer(1, 200)),
        ],
        responses: {
          '200': body(ref('BadEventGroups')),
          '400': badRequest,
          '403': forbidden,
          '502': storeDown,
        },
      },
    },
    '/ui/api/bad-events/{id}': {
      get: {
        summary: 'One bad event, whole',
        parameters: [param('path', 'id', 'The bad event id.')],
        responses: {
          '200': body(ref('BadEvent')),
          '403': forbidden,
          '404': error('SIFT_CONSOLE_BAD_EVENT_NOT_FOUND'),
          '502': storeDown,
        },
      },
    },
    '/ui/api/bad-events/recover': {
      post: {
        summary: 'Re-validate chosen bad events; those that pass go to the good topic',
        requestBody: jsonBody({
          type: 'object',
          required: ['ids'],
          properties: {
            ids: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            dryRun: { type: 'boolean' },
          },
        }),
        responses: {
          '200': body(ref('RecoveryReport')),
          '400': badRequest,
          '403': forbidden,
          '413': tooLarge,
          '502': registryDown,
        },
      },
    },
    '/ui/api/good-events': {
      get: {
        summary: 'The newest good events',
        parameters: [
          param('query', 'event', 'Event types, comma-separated.'),
          param('query', 'limit', 'Most events; default 50.', integer(1, 200)),
        ],
        responses: {
          '200': body({
            type: 'object',
            required: ['events'],
            properties: { events: { type: 'array', items: ref('GoodEvent') } },
          }),
          '400': badRequest,
          '403': forbidden,
          '502': storeDown,
        },
      },
    },
    '/ui/api/good-events/counts': {
      get: {
        summary: 'Good events by event type, most first',
        parameters: [
          param('query', 'since', 'Received at or after (ISO 8601).', {
            type: 'string',
            format: 'date-time',
          }),
        ],
        responses: {
          '200': body({
            type: 'object',
            required: ['counts'],
            properties: {
              counts: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['event', 'count'],
                  properties: { event: { type: 'string' }, count: integer(0) },
                },
              },
            },
          }),
          '400': badRequest,
          '403': forbidden,
          '502': storeDown,
        },
      },
    },
    '/ui/api/good-events/stream': {
      get: {
        summary:
          'New good events as server-sent events (`event: events`), for as long as it is open',
        parameters: [param('query', 'event', 'Event types, comma-separated.')],
        responses: {
          '200': {
            description: 'A stream that never ends on its own',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          '403': forbidden,
        },
      },
    },
    '/ui/api/registry/{path}': Object.fromEntries(
      ['get', 'post', 'put', 'delete'].map((method) => [
        method,
        {
          summary:
            "The registry's `/{path}`, passed through with method, query, body and the caller's credentials",
          parameters: [param('path', 'path', "A path of the registry's API.")],
          ...(method === 'post' || method === 'put'
            ? {
                requestBody: {
                  required: false,
                  content: { 'application/vnd.schemaregistry.v1+json': { schema: {} } },
                },
              }
            : {}),
          responses: {
            '200': { description: "The registry's answer", content: { '*/*': { schema: {} } } },
            '4XX': {
              description: "The registry's refusal, passed on",
              content: { '*/*': { schema: {} } },
            },
            '502': {
              description: 'The registry did not answer',
              content: {
                [json]: {
                  schema: {
                    type: 'object',
                    required: ['error_code', 'message'],
                    properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      ]),
    ),
  },
};
