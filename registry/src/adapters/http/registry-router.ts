import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { isSiftError, ValidationError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { SchemaInput, SchemaRegistry, SubjectVersion } from '../../domain/schema-registry';
import { parseVersion } from '../../domain/versions';
import type { ConfigValue, LeaderElection } from '../../ports';
import { toConfluentError } from './confluent-errors';
import { forwardToLeader } from './forward-to-leader';

/** Confluent's media type; clients also send plain JSON. */
export const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';

const bodyTypes = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
];

/** What the REST layer needs. */
export interface RegistryRouterOptions {
  registry: SchemaRegistry;
  election: LeaderElection;
  logger: Logger;
  maxBodyBytes: number;
  /** How long a write forwarded to the leader may take, ms. */
  forwardTimeoutMs: number;
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type(CONFLUENT_JSON).send(JSON.stringify(body));
}

/** A subject version in Confluent's shape: `schemaType` left out for AVRO, `references` when any. */
function versionBody(value: SubjectVersion): Record<string, unknown> {
  const { schemaType, references, deleted: _deleted, ...rest } = value;
  return {
    ...rest,
    ...(schemaType === 'AVRO' ? {} : { schemaType }),
    ...(references.length > 0 ? { references } : {}),
  };
}

function flag(req: Request, name: string): boolean {
  const value = req.query[name];
  return value === 'true' || value === '';
}

function text(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

/** A path parameter, decoded by express. */
function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

function schemaId(value: string): number {
  if (!/^\d+$/.test(value))
    throw new ValidationError('SIFT_REQUEST_INVALID', `Schema id '${value}' is not a number`);
  return Number(value);
}

/** Reads a register / lookup / compatibility body: `{schema, schemaType?, references?, id?, version?}`. */
function schemaInput(body: unknown): SchemaInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      'The body must be a JSON object with a "schema" string',
    );
  }
  const { schema, schemaType, references, id, version } = body as Record<string, unknown>;
  if (typeof schema !== 'string')
    throw new ValidationError('SIFT_SCHEMA_INVALID', 'Empty schema: "schema" must be a string');
  if (schemaType !== undefined && schemaType !== null && typeof schemaType !== 'string') {
    throw new ValidationError('SIFT_SCHEMA_TYPE_UNSUPPORTED', '"schemaType" must be a string');
  }
  for (const [name, value] of [
    ['id', id],
    ['version', version],
  ] as const) {
    if (
      value !== undefined &&
      value !== null &&
      !(Number.isInteger(value) && (value as number) >= 1)
    ) {
      throw new ValidationError('SIFT_REQUEST_INVALID', `"${name}" must be a positive integer`);
    }
  }
  return {
    schema,
    ...(typeof schemaType === 'string' ? { schemaType } : {}),
    ...(references !== undefined && references !== null
      ? { references: references as SchemaInput['references'] }
      : {}),
    ...(typeof id === 'number' ? { id } : {}),
    ...(typeof version === 'number' ? { version } : {}),
  };
}

function configBody(value: ConfigValue): Record<string, unknown> {
  return {
    ...(value.compatibilityLevel ? { compatibilityLevel: value.compatibilityLevel } : {}),
    ...(value.normalize !== undefined ? { normalize: value.normalize } : {}),
  };
}

/** Confluent Schema Registry's REST API over a SchemaRegistry; writes go to the leader. */
export function registryRouter(options: RegistryRouterOptions): express.Router {
  const { registry, logger, maxBodyBytes } = options;
  const router = express.Router();
  const leader = forwardToLeader(options.election, options.forwardTimeoutMs);
  router.use(express.json({ type: bodyTypes, limit: maxBodyBytes, strict: true }));

  router.get('/', (_req, res) => send(res, 200, {}));
  router.post('/', (_req, res) => send(res, 200, {}));
  router.get('/contexts', (_req, res) => send(res, 200, ['.']));
  router.get('/schemas/types', (_req, res) => send(res, 200, ['JSON', 'AVRO']));

  // ---- schemas by id ----
  router.get('/schemas', (req, res) => {
    const all = registry.schemas({
      prefix: text(req, 'subjectPrefix') ?? '',
      deleted: flag(req, 'deleted'),
      latestOnly: flag(req, 'latestOnly'),
    });
    send(res, 200, all.map(versionBody));
  });
  router.get('/schemas/ids/:id', (req, res) => {
    const { schema, schemaType, references } = registry.schemaById(schemaId(param(req, 'id')));
    send(res, 200, {
      schema,
      ...(schemaType === 'AVRO' ? {} : { schemaType }),
      ...(references.length > 0 ? { references } : {}),
    });
  });
  router.get('/schemas/ids/:id/schema', (req, res) => {
    res
      .status(200)
      .type(CONFLUENT_JSON)
      .send(registry.schemaById(schemaId(param(req, 'id'))).schema);
  });
  router.get('/schemas/ids/:id/subjects', (req, res) => {
    const pairs = registry.versionsOfId(schemaId(param(req, 'id')), flag(req, 'deleted'));
    send(res, 200, [...new Set(pairs.map((pair) => pair.subject))]);
  });
  router.get('/schemas/ids/:id/versions', (req, res) => {
    send(res, 200, registry.versionsOfId(schemaId(param(req, 'id')), flag(req, 'deleted')));
  });

  // ---- subjects and versions ----
  router.get('/subjects', (req, res) => {
    send(
      res,
      200,
      registry.subjectNames({
        deleted: flag(req, 'deleted'),
        deletedOnly: flag(req, 'deletedOnly'),
        prefix: text(req, 'subjectPrefix') ?? '',
      }),
    );
  });
  router.get('/subjects/:subject/versions', (req, res) => {
    send(
      res,
      200,
      registry.versions(param(req, 'subject'), {
        deleted: flag(req, 'deleted'),
        deletedOnly: flag(req, 'deletedOnly'),
        deletedAsNegative: flag(req, 'deletedAsNegative'),
      }),
    );
  });
  router.get('/subjects/:subject/versions/:version', (req, res) => {
    const found = registry.version(
      param(req, 'subject'),
      parseVersion(param(req, 'version')),
      flag(req, 'deleted'),
    );
    send(res, 200, versionBody(found));
  });
  router.get('/subjects/:subject/versions/:version/schema', (req, res) => {
    const found = registry.version(
      param(req, 'subject'),
      parseVersion(param(req, 'version')),
      flag(req, 'deleted'),
    );
    res.status(200).type(CONFLUENT_JSON).send(found.schema);
  });
  router.get('/subjects/:subject/versions/:version/referencedby', (req, res) => {
    send(
      res,
      200,
      registry.referencedBy(param(req, 'subject'), parseVersion(param(req, 'version'))),
    );
  });
  router.post('/subjects/:subject/versions', leader, async (req, res) => {
    const registered = await registry.register(param(req, 'subject'), schemaInput(req.body), {
      ...(req.query['normalize'] !== undefined ? { normalize: flag(req, 'normalize') } : {}),
      force: flag(req, 'force'),
    });
    logger.info(
      { subject: registered.subject, version: registered.version, id: registered.id },
      'schema registered',
    );
    send(res, 200, versionBody(registered));
  });
  router.post('/subjects/:subject', (req, res) => {
    const found = registry.lookup(param(req, 'subject'), schemaInput(req.body), {
      ...(req.query['normalize'] !== undefined ? { normalize: flag(req, 'normalize') } : {}),
      deleted: flag(req, 'deleted'),
    });
    send(res, 200, versionBody(found));
  });
  router.delete('/subjects/:subject', leader, async (req, res) => {
    send(res, 200, await registry.deleteSubject(param(req, 'subject'), flag(req, 'permanent')));
  });
  router.delete('/subjects/:subject/versions/:version', leader, async (req, res) => {
    const version = parseVersion(param(req, 'version'));
    send(
      res,
      200,
      await registry.deleteVersion(param(req, 'subject'), version, flag(req, 'permanent')),
    );
  });

  // ---- compatibility ----
  const compatibility = (against: 'all' | undefined) => (req: Request, res: Response) => {
    const target = against ?? parseVersion(param(req, 'version'));
    const { compatible, messages } = registry.testCompatibility(
      param(req, 'subject'),
      target,
      schemaInput(req.body),
      {
        ...(req.query['normalize'] !== undefined ? { normalize: flag(req, 'normalize') } : {}),
      },
    );
    send(res, 200, { is_compatible: compatible, ...(flag(req, 'verbose') ? { messages } : {}) });
  };
  router.post('/compatibility/subjects/:subject/versions/:version', compatibility(undefined));
  router.post('/compatibility/subjects/:subject/versions', compatibility('all'));

  // ---- config ----
  router.get('/config', (_req, res) => send(res, 200, configBody(registry.globalConfig())));
  router.get('/config/:subject', (req, res) => {
    send(
      res,
      200,
      configBody(registry.subjectConfig(param(req, 'subject'), flag(req, 'defaultToGlobal'))),
    );
  });
  const putConfig = async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { compatibility?: unknown; normalize?: unknown };
    const subject = req.params['subject'] === undefined ? null : param(req, 'subject');
    const value = await registry.setConfig(subject, body);
    send(res, 200, {
      ...(value.compatibilityLevel ? { compatibility: value.compatibilityLevel } : {}),
      ...(value.normalize !== undefined ? { normalize: value.normalize } : {}),
    });
  };
  router.put('/config', leader, putConfig);
  router.put('/config/:subject', leader, putConfig);
  router.delete('/config', leader, async (_req, res) =>
    send(res, 200, configBody(await registry.deleteConfig(null))),
  );
  router.delete('/config/:subject', leader, async (req, res) => {
    send(res, 200, configBody(await registry.deleteConfig(param(req, 'subject'))));
  });

  // ---- mode ----
  router.get('/mode', (_req, res) => send(res, 200, { mode: registry.getMode(null) }));
  router.get('/mode/:subject', (req, res) => {
    send(res, 200, { mode: registry.getMode(param(req, 'subject'), flag(req, 'defaultToGlobal')) });
  });
  const putMode = async (req: Request, res: Response) => {
    const subject = req.params['subject'] === undefined ? null : param(req, 'subject');
    const mode = await registry.setMode(
      subject,
      (req.body as { mode?: unknown } | undefined)?.mode,
      flag(req, 'force'),
    );
    send(res, 200, { mode });
  };
  router.put('/mode', leader, putMode);
  router.put('/mode/:subject', leader, putMode);
  router.delete('/mode', leader, async (_req, res) =>
    send(res, 200, { mode: await registry.deleteMode(null) }),
  );
  router.delete('/mode/:subject', leader, async (req, res) => {
    send(res, 200, { mode: await registry.deleteMode(param(req, 'subject')) });
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
    // Express's own refusals, such as a path segment that is not valid percent-encoding.
    const expressStatus = (error as { status?: unknown }).status;
    if (
      !isSiftError(error) &&
      typeof expressStatus === 'number' &&
      expressStatus >= 400 &&
      expressStatus < 500
    ) {
      send(res, 400, {
        error_code: 400,
        message: `Malformed request: ${(error as Error).message}`,
      });
      return;
    }
    const { status, body } = toConfluentError(error);
    if (status >= 500) logger.error({ err: error }, 'registry request failed');
    send(res, status, body);
  });
  return router;
}
