import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '@sift/common';
import type { Logger } from '@sift/common';
import { parseVersion } from '../../domain/schema-registry';
import type { SchemaRegistry, SubjectVersion } from '../../domain/schema-registry';
import { toConfluentError } from './confluent-errors';

/** Confluent's media type; clients also send plain JSON. */
export const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';

const bodyTypes = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
];

/** Confluent leaves `schemaType` out for AVRO; clients read a missing type as AVRO. */
function withSchemaType<T extends { schemaType: string }>(value: T): Omit<T, 'schemaType'> | T {
  if (value.schemaType !== 'AVRO') return value;
  const { schemaType: _avro, ...rest } = value;
  return rest;
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type(CONFLUENT_JSON).send(JSON.stringify(body));
}

function schemaId(text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new ValidationError('SIFT_REQUEST_INVALID', `Schema id '${text}' is not a number`);
  }
  return Number(text);
}

/** Confluent Schema Registry's REST paths over a SchemaRegistry. */
export function registryRouter(
  registry: SchemaRegistry,
  logger: Logger,
  maxBodyBytes: number,
): express.Router {
  const router = express.Router();
  router.use(express.json({ type: bodyTypes, limit: maxBodyBytes, strict: true }));

  router.get('/', (_req, res) => send(res, 200, {}));
  router.get('/schemas/types', (_req, res) => send(res, 200, ['JSON', 'AVRO']));

  router.get('/schemas/ids/:id', (req, res) => {
    send(res, 200, withSchemaType(registry.schemaById(schemaId(req.params.id))));
  });

  router.get('/subjects', (_req, res) => send(res, 200, registry.subjectNames()));

  router.get('/subjects/:subject/versions', (req, res) => {
    send(res, 200, registry.versions(req.params.subject));
  });

  router.get('/subjects/:subject/versions/:version', (req, res) => {
    const found = registry.version(req.params.subject, parseVersion(req.params.version));
    send(res, 200, withSchemaType(found));
  });

  router.post('/subjects/:subject/versions', async (req, res) => {
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationError(
        'SIFT_SCHEMA_INVALID',
        'The body must be a JSON object with a "schema" string',
      );
    }
    const { schema, schemaType } = body as { schema?: unknown; schemaType?: unknown };
    if (typeof schema !== 'string') {
      throw new ValidationError('SIFT_SCHEMA_INVALID', 'Empty schema: "schema" must be a string');
    }
    if (schemaType !== undefined && typeof schemaType !== 'string') {
      throw new ValidationError('SIFT_SCHEMA_TYPE_UNSUPPORTED', '"schemaType" must be a string');
    }
    const registered: SubjectVersion = await registry.register(req.params.subject, {
      schema,
      schemaType,
    });
    logger.info(
      { subject: registered.subject, version: registered.version, id: registered.id },
      'schema registered',
    );
    send(res, 200, withSchemaType(registered));
  });

  router.use((_req, res) => send(res, 404, { error_code: 404, message: 'HTTP 404 Not Found' }));

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const parseFailure = (error as { type?: string }).type;
    if (parseFailure === 'entity.parse.failed') {
      send(res, 400, {
        error_code: 400,
        message: `Unrecognized JSON body: ${(error as Error).message}`,
      });
      return;
    }
    if (parseFailure === 'entity.too.large') {
      send(res, 413, { error_code: 413, message: `Body larger than ${maxBodyBytes} bytes` });
      return;
    }
    const { status, body } = toConfluentError(error);
    if (status >= 500) logger.error({ err: error }, 'registry request failed');
    send(res, status, body);
  });
  return router;
}
