/** The OpenAPI 3.1 document of the registry's REST API, served at `/openapi.json`. */

const json = 'application/vnd.schemaregistry.v1+json';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: object, description = 'OK') => ({
  description,
  content: { [json]: { schema } },
});
const error = (description: string) => body(ref('Error'), description);
const path = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const query = (name: string, description: string, schema: object = { type: 'boolean' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

const subject = path(
  'subject',
  'The subject: in Sift, the event type (`com.acme.checkout_completed`).',
);
const version = path('version', 'A version number (1 … 2^31-1), `latest`, or -1 (latest).', {
  anyOf: [
    { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 },
    { const: 'latest' },
    { const: -1 },
  ],
});
const id = path('id', 'A global schema id.', { type: 'integer', minimum: 1 });
const deleted = query('deleted', 'Include soft-deleted subjects or versions.');
const normalize = query('normalize', 'Normalize the schema (sorted keys) before comparing it.');
const permanent = query('permanent', 'Remove for good a subject or version that was soft-deleted.');
const defaultToGlobal = query('defaultToGlobal', 'Fall back to the global setting.');
const badId = error('The id is not a number (error_code 422)');
const schemaBody = { required: true, content: { [json]: { schema: ref('SchemaInput') } } };

const errors = {
  '404': error('Subject (40401), version (40402) or schema (40403) not found'),
  '422': error(
    'Invalid schema (42201), version (42202), level (42203), mode (42204), forbidden by mode (42205)',
  ),
  '500': error('Store error (50001), forwarding failed (50003), unknown leader (50004)'),
};

/** An operation of the document, as far as the common answers below need it. */
interface Operation {
  summary: string;
  parameters?: readonly object[];
  security?: readonly object[];
  requestBody?: object;
  responses: Record<string, object>;
}

/**
 * Adds the answers any operation can give, unless it documents its own: 401 (users configured,
 * and for reads `SIFT_REGISTRY_AUTH_READS`), 403 but for GET (sent by a page of another site),
 * for a body 400 (not a JSON object or array) and 413 (past `SIFT_REGISTRY_MAX_BODY_BYTES`),
 * for a write 422 (42205, forbidden by the mode) and 500.
 */
function withCommonAnswers(
  paths: Record<string, Record<string, Operation>>,
): Record<string, Record<string, Operation>> {
  const common = (method: string, operation: Operation): Record<string, object> => ({
    '401': error('Credentials missing or wrong (error_code 401)'),
    ...(method === 'get'
      ? {}
      : { '403': error('A web page of another site may not write here (error_code 40301)') }),
    ...(operation.requestBody
      ? {
          '400': error('The body is not a JSON object or array (error_code 400)'),
          '413': error('The body is too large (error_code 413)'),
        }
      : {}),
    ...(operation.security ? { '422': errors['422'], '500': errors['500'] } : {}),
  });
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [
          method,
          { ...operation, responses: { ...common(method, operation), ...operation.responses } },
        ]),
      ),
    ]),
  );
}

/** An Iglu Server style error answer: `{message}`. */
const igluError = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['message'],
        properties: { message: { type: 'string' } },
      },
    },
  },
});

const text = (type: string) => ({
  description: 'OK',
  content: { [type]: { schema: { type: 'string' } } },
});

/** The registry's own routes, outside Confluent's API and its authentication. */
const siftPaths = {
  '/healthz': {
    get: {
      summary: 'Health, with the instance that takes writes',
      responses: {
        '200': {
          description: 'OK',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['status', 'leader'],
                properties: {
                  status: { const: 'ok' },
                  leader: {
                    type: ['string', 'null'],
                    description: '`self`, the URL of the leader, or null when none is known.',
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  '/metrics': {
    get: { summary: 'Prometheus metrics', responses: { '200': text('text/plain') } },
  },
  '/openapi.json': {
    get: {
      summary: 'This document',
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Sift schema registry',
    version: '1',
    description:
      "Confluent Schema Registry's REST API: the same paths, bodies, status codes and error_code values. AVRO and JSON schemas. Writes need HTTP basic credentials when the registry is configured with users.",
  },
  components: {
    securitySchemes: { basic: { type: 'http', scheme: 'basic' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error_code', 'message'],
        properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
      },
      Reference: {
        type: 'object',
        required: ['name', 'subject', 'version'],
        properties: {
          name: { type: 'string' },
          subject: { type: 'string' },
          version: { type: 'integer' },
        },
      },
      SchemaInput: {
        type: 'object',
        required: ['schema'],
        properties: {
          schema: { type: 'string', description: 'The schema text.' },
          schemaType: { enum: ['AVRO', 'JSON'], default: 'AVRO' },
          references: { type: 'array', items: ref('Reference') },
          id: { type: 'integer', description: 'IMPORT mode only.' },
          version: { type: 'integer', description: 'IMPORT mode only.' },
        },
      },
      Schema: {
        type: 'object',
        required: ['schema'],
        properties: {
          schema: { type: 'string' },
          schemaType: { enum: ['JSON'], description: 'Left out for AVRO.' },
          references: { type: 'array', items: ref('Reference') },
        },
      },
      SubjectVersion: {
        type: 'object',
        required: ['subject', 'version', 'id', 'schema'],
        properties: {
          subject: { type: 'string' },
          version: { type: 'integer' },
          id: { type: 'integer' },
          schema: { type: 'string' },
          schemaType: { enum: ['JSON'], description: 'Left out for AVRO.' },
          references: { type: 'array', items: ref('Reference') },
        },
      },
      Compatibility: {
        enum: [
          'NONE',
          'BACKWARD',
          'BACKWARD_TRANSITIVE',
          'FORWARD',
          'FORWARD_TRANSITIVE',
          'FULL',
          'FULL_TRANSITIVE',
        ],
      },
      Config: {
        type: 'object',
        properties: { compatibilityLevel: ref('Compatibility'), normalize: { type: 'boolean' } },
      },
      ConfigUpdate: {
        type: 'object',
        properties: { compatibility: ref('Compatibility'), normalize: { type: 'boolean' } },
      },
      Mode: {
        type: 'object',
        required: ['mode'],
        properties: { mode: { enum: ['READWRITE', 'READONLY', 'IMPORT'] } },
      },
      SubjectVersionPair: {
        type: 'object',
        required: ['subject', 'version'],
        properties: { subject: { type: 'string' }, version: { type: 'integer' } },
      },
      CompatibilityResult: {
        type: 'object',
        required: ['is_compatible'],
        properties: {
          is_compatible: { type: 'boolean' },
          messages: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  paths: {
    ...siftPaths,
    ...withCommonAnswers({
      '/': {
        get: { summary: 'Liveness', responses: { '200': body({ type: 'object' }) } },
        post: { summary: 'Liveness', responses: { '200': body({ type: 'object' }) } },
      },
      '/schemas/types': {
        get: {
          summary: 'Schema types',
          responses: { '200': body({ type: 'array', items: { type: 'string' } }) },
        },
      },
      '/schemas': {
        get: {
          summary: 'Every schema version',
          parameters: [
            query('subjectPrefix', 'Only subjects starting so.', { type: 'string' }),
            deleted,
            query('latestOnly', "Only each subject's latest version."),
          ],
          responses: { '200': body({ type: 'array', items: ref('SubjectVersion') }) },
        },
      },
      '/schemas/ids/{id}': {
        get: {
          summary: 'A schema by global id',
          parameters: [id, query('subject', 'Ignored: ids are global.', { type: 'string' })],
          responses: { '200': body(ref('Schema')), '404': errors['404'], '422': badId },
        },
      },
      '/schemas/ids/{id}/schema': {
        get: {
          summary: 'The schema text alone',
          parameters: [id],
          responses: { '200': body({}), '404': errors['404'], '422': badId },
        },
      },
      '/schemas/ids/{id}/subjects': {
        get: {
          summary: 'Subjects that hold an id',
          parameters: [id, deleted],
          responses: {
            '200': body({ type: 'array', items: { type: 'string' } }),
            '404': errors['404'],
            '422': badId,
          },
        },
      },
      '/schemas/ids/{id}/versions': {
        get: {
          summary: 'Subject versions that hold an id',
          parameters: [id, deleted],
          responses: {
            '200': body({ type: 'array', items: ref('SubjectVersionPair') }),
            '404': errors['404'],
            '422': badId,
          },
        },
      },
      '/subjects': {
        get: {
          summary: 'Subjects',
          parameters: [
            deleted,
            query('deletedOnly', 'Only soft-deleted subjects.'),
            query('subjectPrefix', 'Only subjects starting so.', { type: 'string' }),
          ],
          responses: { '200': body({ type: 'array', items: { type: 'string' } }) },
        },
      },
      '/subjects/{subject}': {
        post: {
          summary: 'Look a schema up under a subject',
          parameters: [subject, normalize, deleted],
          requestBody: schemaBody,
          responses: {
            '200': body(ref('SubjectVersion')),
            '404': errors['404'],
            '422': errors['422'],
          },
        },
        delete: {
          summary: 'Soft-delete (or, with permanent, remove) a subject',
          security: [{ basic: [] }],
          parameters: [subject, permanent],
          responses: {
            '200': body({ type: 'array', items: { type: 'integer' } }),
            '404': error('40401, 40404 soft-deleted, 40405 not soft-deleted'),
            '422': error('42206 referenced'),
          },
        },
      },
      '/subjects/{subject}/versions': {
        get: {
          summary: 'Version numbers of a subject',
          parameters: [
            subject,
            deleted,
            query('deletedOnly', 'Only soft-deleted versions.'),
            query('deletedAsNegative', 'Soft-deleted versions as negative numbers.'),
          ],
          responses: {
            '200': body({ type: 'array', items: { type: 'integer' } }),
            '404': errors['404'],
          },
        },
        post: {
          summary: 'Register a schema under a subject',
          security: [{ basic: [] }],
          parameters: [subject, normalize, query('force', 'Skip the compatibility check.')],
          requestBody: schemaBody,
          responses: {
            '200': body(ref('SubjectVersion')),
            '409': error(
              'Incompatible with earlier versions (error_code 409); the message says why',
            ),
            '422': errors['422'],
            '500': errors['500'],
          },
        },
      },
      '/subjects/{subject}/versions/{version}': {
        get: {
          summary: 'One version of a subject',
          parameters: [subject, version, deleted],
          responses: {
            '200': body(ref('SubjectVersion')),
            '404': errors['404'],
            '422': errors['422'],
          },
        },
        delete: {
          summary: 'Soft-delete (or, with permanent, remove) a version',
          security: [{ basic: [] }],
          parameters: [subject, version, permanent],
          responses: {
            '200': body({ type: 'integer' }),
            '404': error('40401, 40402, 40406 soft-deleted, 40407 not soft-deleted'),
            '422': error('42202, 42206 referenced'),
          },
        },
      },
      '/subjects/{subject}/versions/{version}/schema': {
        get: {
          summary: 'The schema text of a version',
          parameters: [subject, version, deleted],
          responses: { '200': body({}), '404': errors['404'], '422': errors['422'] },
        },
      },
      '/subjects/{subject}/versions/{version}/referencedby': {
        get: {
          summary: 'Ids of schemas that reference a version',
          parameters: [subject, version],
          responses: {
            '200': body({ type: 'array', items: { type: 'integer' } }),
            '404': errors['404'],
            '422': errors['422'],
          },
        },
      },
      '/compatibility/subjects/{subject}/versions/{version}': {
        post: {
          summary: 'Test a schema against one version or the latest',
          parameters: [subject, version, normalize, query('verbose', 'Say why not.')],
          requestBody: schemaBody,
          responses: {
            '200': body(ref('CompatibilityResult')),
            '404': errors['404'],
            '422': errors['422'],
          },
        },
      },
      '/compatibility/subjects/{subject}/versions': {
        post: {
          summary: 'Test a schema against every version',
          parameters: [subject, normalize, query('verbose', 'Say why not.')],
          requestBody: schemaBody,
          responses: { '200': body(ref('CompatibilityResult')), '422': errors['422'] },
        },
      },
      '/config': {
        get: { summary: 'Global compatibility', responses: { '200': body(ref('Config')) } },
        put: {
          summary: 'Set the global compatibility',
          security: [{ basic: [] }],
          requestBody: { required: true, content: { [json]: { schema: ref('ConfigUpdate') } } },
          responses: { '200': body(ref('ConfigUpdate')), '422': errors['422'] },
        },
        delete: {
          summary: 'Reset the global compatibility',
          security: [{ basic: [] }],
          responses: { '200': body(ref('Config')) },
        },
      },
      '/config/{subject}': {
        get: {
          summary: "A subject's own compatibility",
          parameters: [subject, defaultToGlobal],
          responses: { '200': body(ref('Config')), '404': error('40408: no subject-level config') },
        },
        put: {
          summary: "Set a subject's compatibility",
          security: [{ basic: [] }],
          parameters: [subject],
          requestBody: { required: true, content: { [json]: { schema: ref('ConfigUpdate') } } },
          responses: { '200': body(ref('ConfigUpdate')), '422': errors['422'] },
        },
        delete: {
          summary: "Remove a subject's compatibility",
          security: [{ basic: [] }],
          parameters: [subject],
          responses: { '200': body(ref('Config')), '404': errors['404'] },
        },
      },
      '/mode': {
        get: { summary: 'Global mode', responses: { '200': body(ref('Mode')) } },
        put: {
          summary: 'Set the global mode',
          security: [{ basic: [] }],
          parameters: [query('force', 'Allow IMPORT over existing subjects.')],
          requestBody: { required: true, content: { [json]: { schema: ref('Mode') } } },
          responses: { '200': body(ref('Mode')), '422': errors['422'] },
        },
        delete: {
          summary: 'Reset the global mode',
          security: [{ basic: [] }],
          responses: { '200': body(ref('Mode')) },
        },
      },
      '/mode/{subject}': {
        get: {
          summary: "A subject's own mode",
          parameters: [subject, defaultToGlobal],
          responses: { '200': body(ref('Mode')), '404': error('40409: no subject-level mode') },
        },
        put: {
          summary: "Set a subject's mode",
          security: [{ basic: [] }],
          parameters: [subject, query('force', 'Allow IMPORT over existing versions.')],
          requestBody: { required: true, content: { [json]: { schema: ref('Mode') } } },
          responses: { '200': body(ref('Mode')), '422': errors['422'] },
        },
        delete: {
          summary: "Remove a subject's mode",
          security: [{ basic: [] }],
          parameters: [subject],
          responses: { '200': body(ref('Mode')), '404': errors['404'] },
        },
      },
      '/contexts': {
        get: {
          summary: 'Contexts (only the default one)',
          responses: { '200': body({ type: 'array', items: { type: 'string' } }) },
        },
      },
      '/api/schemas/{vendor}/{name}/{format}/{version}': {
        get: {
          summary:
            "Iglu Server's read API: an Iglu schema by SchemaVer, or the iglu: URIs of a MODEL",
          parameters: [
            path('vendor', 'The `self.vendor` of the schema (`com.acme`).'),
            path('name', 'The `self.name` of the schema (`signup`).'),
            path('format', 'Only `jsonschema` is served.'),
            path('version', 'A SchemaVer `MODEL-REVISION-ADDITION` (`1-0-0`), or a MODEL (`1`).'),
            {
              name: 'apikey',
              in: 'header',
              required: false,
              description: "Iglu clients' key: ignored (basic credentials apply as to any read).",
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description:
                'The schema JSON as registered (with `X-Sift-Subject`, `X-Sift-Version` and `X-Sift-Schema-Id`), or for a MODEL the `iglu:` URIs of its SchemaVers in order',
              content: {
                'application/json': {
                  schema: {
                    anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'string' } }],
                  },
                },
              },
            },
            '400': igluError('The version is neither a SchemaVer nor a MODEL number'),
            '404': igluError('No such schema, MODEL or format'),
          },
        },
      },
    }),
  },
};
