import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { isSiftError } from '@sift/common';
import type { Logger } from '@sift/common';
import { parseSchemaVer } from '../../domain/iglu';
import type { SchemaRegistry } from '../../domain/schema-registry';

/** Headers of an Iglu schema answer naming where the registry holds it. */
export const IGLU_HEADERS = {
  subject: 'x-sift-subject',
  version: 'x-sift-version',
  id: 'x-sift-schema-id',
} as const;

/** What the Iglu read API needs. */
export interface IgluRouterOptions {
  registry: SchemaRegistry;
  logger: Logger;
}

/** An Iglu Server style error: `{message}`. */
function fail(res: Response, status: number, message: string): void {
  res.status(status).json({ message });
}

/**
 * Iglu Server's read API, as Snowplow's Iglu clients call it with the base `http://host/api`:
 * a schema by SchemaVer, or the `iglu:` URIs of one MODEL. Clients' `apikey` header is
 * ignored; basic authentication applies as to any read.
 */
export function igluRouter(options: IgluRouterOptions): express.Router {
  const { registry, logger } = options;
  const router = express.Router();
  router.get('/schemas/:vendor/:name/:format/:version', (req: Request, res: Response) => {
    const vendor = String(req.params['vendor']);
    const name = String(req.params['name']);
    const format = String(req.params['format']);
    const version = String(req.params['version']);
    if (format !== 'jsonschema') {
      fail(res, 404, `The schema is not found: Sift serves only the jsonschema format`);
      return;
    }
    if (/^[1-9]\d{0,8}$/.test(version)) {
      const uris = registry.igluModel(vendor, name, Number(version));
      if (uris.length === 0) {
        fail(
          res,
          404,
          `The schema is not found: no iglu:${vendor}/${name}/jsonschema/${version}-*-*`,
        );
        return;
      }
      res.status(200).json(uris);
      return;
    }
    if (!parseSchemaVer(version)) {
      fail(
        res,
        400,
        `'${version}' is neither a SchemaVer MODEL-REVISION-ADDITION (such as 1-0-0) nor a MODEL number`,
      );
      return;
    }
    const found = registry.igluSchema(vendor, name, version);
    res
      .status(200)
      .set(IGLU_HEADERS.subject, encodeURIComponent(found.subject))
      .set(IGLU_HEADERS.version, String(found.version))
      .set(IGLU_HEADERS.id, String(found.id))
      .type('application/json')
      .send(found.schema);
  });
  router.use((_req: Request, res: Response) => fail(res, 404, 'The resource is not found'));
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (isSiftError(error) && error.code === 'SIFT_REGISTRY_SCHEMA_NOT_FOUND') {
      fail(res, 404, `The schema is not found: ${error.message}`);
      return;
    }
    // Express's own refusals, such as a path segment that is not valid percent-encoding.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      fail(res, 400, `The request is malformed: ${(error as Error).message}`);
      return;
    }
    logger.error({ err: error }, 'iglu read failed');
    fail(res, 500, 'The registry failed to read the schema');
  });
  return router;
}
