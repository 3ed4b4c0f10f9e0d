import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import {
  isSiftError,
  NotFoundError,
  parseBasicCredentials,
  UpstreamError,
  ValidationError,
} from '@sift/common';
import type { BadEvent, BadEventKind, Logger } from '@sift/common';
import { badEventKinds, RegistrySchemaSource, recoverEvents } from '@sift/collector';
import type { BadEventReader, ReadBadEvent, SchemaSource } from '@sift/collector';
import type { EventLog } from '@sift/event-log';
import { RegistryClient } from '@sift/registry-client';
import { ValidatorCache } from '@sift/validator';
import type { BadEventExplorer, BadEventFilter, GoodEventExplorer } from './ports';
import { onBehalfOf, REGISTRY_AUTH_CHALLENGE, registryProxy } from './registry-proxy';
import type { RegistryTarget } from './registry-proxy';
import { defaultUiStaticDir, staticFiles, UI_CONTENT_SECURITY_POLICY } from './static-files';
import { subjectDetail, subjectSummaries, checkCompatibility } from './subjects';

/** What the console UI's server side needs. */
export interface UiRouterDeps {
  registry: RegistryTarget;
  bad: BadEventExplorer;
  good: GoodEventExplorer;
  /** Where recovered events go: the good topic of the event log. */
  recovery: { log: Pick<EventLog, 'append'>; goodTopic: string; schemas?: SchemaSource };
  logger: Logger;
  /** The SPA's build output; default `registry-ui/dist`. */
  staticDir?: string;
  /** How often the live view looks for new good events, ms; default 1000. */
  liveIntervalMs?: number;
  /** Largest request body, bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** The clock the bad-event trend ends at; default `new Date()`. */
  now?: () => Date;
}

const MAX_PAGE = 200;
const MAX_RECOVER = 1000;

function list(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function time(value: unknown, name: string): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    throw new ValidationError('SIFT_REQUEST_INVALID', `${name} '${value}' is not an ISO 8601 time`);
  }
  return new Date(at);
}

function integer(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(
      'SIFT_REQUEST_INVALID',
      `${name} must be an integer from ${min} to ${max}`,
    );
  }
  return n;
}

/** The bad-event filter of a query string: since, until, event, kind (comma lists), q. */
export function badEventFilter(query: Record<string, unknown>): BadEventFilter {
  const kinds = list(query.kind);
  const unknown = kinds.filter((kind) => !(badEventKinds as readonly string[]).includes(kind));
  if (unknown.length > 0) {
    throw new ValidationError(
      'SIFT_REQUEST_INVALID',
      `'${unknown.join(', ')}' is not a kind; use ${badEventKinds.join(', ')}`,
    );
  }
  const since = time(query.since, 'since');
  const until = time(query.until, 'until');
  const text = typeof query.q === 'string' && query.q.trim() !== '' ? query.q.trim() : undefined;
  return {
    eventTypes: list(query.event),
    kinds: kinds as BadEventKind[],
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(text ? { text } : {}),
  };
}

/** Reads the chosen bad events back one by one, for recovery. */
class SelectedBadEvents implements BadEventReader {
  constructor(
    private readonly explorer: BadEventExplorer,
    private readonly ids: string[],
  ) {}

  async *read(): AsyncIterable<ReadBadEvent> {
    for (const id of this.ids) {
      const bad = await this.explorer.get(id);
      yield bad ? { bad } : { unreadable: id, reason: 'no bad event with this id' };
    }
  }
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** The registry reached with the caller's credentials; the error handler then answers a refusal 401. */
function callerRegistry(target: RegistryTarget, req: Request, res: Response): RegistryTarget {
  res.locals['registryForCaller'] = true;
  return onBehalfOf(target, req);
}

/** Runs an async handler and hands its failure to the error handler. */
function route(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

function statusOf(error: unknown): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof UpstreamError) return 502;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/**
 * The console UI's server side under `/ui/`: the SPA's static files, and under `/ui/api/`
 * the registry pass-through, subject summaries and compatibility checks, playground
 * validation, the bad-events search, grouping and detail, recovery of chosen bad events,
 * and the good events' counts and live stream (server-sent events).
 */
export function createUiRouter(deps: UiRouterDeps): express.Router {
  const router = express.Router();
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ unit: 'console-ui' });
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  const liveIntervalMs = deps.liveIntervalMs ?? 1000;
  // `latest` must be fresh right after a registration, so the playground never caches it.
  // Without a caller: the console's own credentials, for its own work (recovery).
  const registryClient = (caller?: { req: Request; res: Response }) => {
    if (caller) caller.res.locals['registryForCaller'] = true;
    const auth = caller
      ? parseBasicCredentials(caller.req.headers.authorization)
      : deps.registry.auth;
    return new RegistryClient({
      url: deps.registry.url,
      latestTtlMs: 0,
      ...(auth ? { auth } : {}),
    });
  };
  const validators = new ValidatorCache();

  // The console's front door: someone opening http://127.0.0.1:8082 wants the UI.
  router.get('/', (_req, res) => {
    res.redirect(302, '/ui/');
  });

  router.use((req, res, next) => {
    if (req.path !== '/ui' && !req.path.startsWith('/ui/')) {
      next();
      return;
    }
    res.setHeader('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  router.use('/ui/api/registry', registryProxy(deps.registry, maxBodyBytes));
  const json = express.json({ limit: maxBodyBytes });

  router.get(
    '/ui/api/subjects',
    route(async (req, res) => {
      res.json({ subjects: await subjectSummaries(callerRegistry(deps.registry, req, res)) });
    }),
  );

  router.get(
    '/ui/api/subjects/:subject',
    route(async (req, res) => {
      res.json(
        await subjectDetail(callerRegistry(deps.registry, req, res), String(req.params.subject)),
      );
    }),
  );

  router.post(
    '/ui/api/subjects/:subject/check',
    json,
    route(async (req, res) => {
      const body = (req.body ?? {}) as {
        schema?: unknown;
        schemaType?: unknown;
        references?: unknown;
      };
      if (typeof body.schema !== 'string' || body.schema.trim() === '') {
        throw new ValidationError('SIFT_REQUEST_INVALID', 'schema must be the schema text');
      }
      const schemaType = typeof body.schemaType === 'string' ? body.schemaType : 'AVRO';
      res.json(
        await checkCompatibility(
          callerRegistry(deps.registry, req, res),
          String(req.params.subject),
          {
            schema: body.schema,
            schemaType,
            references: Array.isArray(body.references) ? body.references : [],
          },
        ),
      );
    }),
  );

  router.post(
    '/ui/api/validate',
    json,
    route(async (req, res) => {
      const body = (req.body ?? {}) as { event?: unknown; version?: unknown; payload?: unknown };
      if (typeof body.event !== 'string' || body.event === '') {
        throw new ValidationError('SIFT_REQUEST_INVALID', 'event must be an event type');
      }
      if (typeof body.payload !== 'string') {
        throw new ValidationError('SIFT_REQUEST_INVALID', 'payload must be the payload text');
      }
      const version =
        body.version === undefined || body.version === 'latest'
          ? 'latest'
          : integer(body.version, 'version', 1, 1, 2 ** 31 - 1);
      let data: unknown;
      try {
        data = JSON.parse(body.payload);
      } catch (error) {
        res.json({ valid: false, parseError: (error as Error).message, issues: [] });
        return;
      }
      const client = registryClient({ req, res });
      const found = await client.version(body.event, version);
      const references = await client.referencedSchemas(found.references);
      const compiled = validators.get(found.id, found.schemaType, found.schema, references);
      const { issues } = compiled.validate(data);
      res.json({
        valid: issues.length === 0,
        event: found.subject,
        version: found.version,
        schemaId: found.id,
        schemaType: found.schemaType,
        issues,
      });
    }),
  );

  router.get(
    '/ui/api/bad-events',
    route(async (req, res) => {
      const filter = badEventFilter(req.query);
      const size = integer(req.query.size, 'size', 50, 1, MAX_PAGE);
      const offset = integer(req.query.offset, 'offset', 0, 0, 10_000_000);
      const after =
        typeof req.query.after === 'string' && req.query.after !== '' ? req.query.after : undefined;
      res.json({
        offset,
        size,
        ...(await deps.bad.search(filter, { offset, size, ...(after ? { after } : {}) })),
      });
    }),
  );

  router.get(
    '/ui/api/bad-events/groups',
    route(async (req, res) => {
      const filter = badEventFilter(req.query);
      const limit = integer(req.query.limit, 'limit', 20, 1, 100);
      const buckets = integer(req.query.buckets, 'buckets', 24, 1, 200);
      res.json(await deps.bad.groups(filter, { limit, buckets, now: now() }));
    }),
  );

  router.get(
    '/ui/api/bad-events/:id',
    route(async (req, res) => {
      const bad: BadEvent | undefined = await deps.bad.get(String(req.params.id));
      if (!bad) {
        throw new NotFoundError(
          'SIFT_CONSOLE_BAD_EVENT_NOT_FOUND',
          `No bad event has the id ${req.params.id}`,
        );
      }
      res.json(bad);
    }),
  );

  router.post(
    '/ui/api/bad-events/recover',
    json,
    route(async (req, res) => {
      const body = (req.body ?? {}) as { ids?: unknown; dryRun?: unknown };
      const ids = Array.isArray(body.ids)
        ? [...new Set(body.ids.filter((id): id is string => typeof id === 'string' && id !== ''))]
        : [];
      if (ids.length === 0 || ids.length > MAX_RECOVER) {
        throw new ValidationError(
          'SIFT_REQUEST_INVALID',
          `ids must list from 1 to ${MAX_RECOVER} bad event ids`,
        );
      }
      const report = await recoverEvents(
        new SelectedBadEvents(deps.bad, ids),
        {
          query: { eventTypes: [], kinds: [...badEventKinds] },
          dryRun: body.dryRun === true,
          maxListed: MAX_RECOVER,
        },
        {
          schemas: deps.recovery.schemas ?? new RegistrySchemaSource(registryClient()),
          log: deps.recovery.log,
          goodTopic: deps.recovery.goodTopic,
        },
      );
      logger.info(
        { recovered: report.recovered, stillBad: report.stillBad, skipped: report.skipped },
        'recovery from the console',
      );
      res.json(report);
    }),
  );

  router.get(
    '/ui/api/good-events',
    route(async (req, res) => {
      const limit = integer(req.query.limit, 'limit', 50, 1, MAX_PAGE);
      const { events } = await deps.good.recent(
        { eventTypes: list(req.query.event) },
        undefined,
        limit,
      );
      res.json({ events });
    }),
  );

  router.get(
    '/ui/api/good-events/counts',
    route(async (req, res) => {
      const since = time(req.query.since, 'since');
      res.json({ counts: await deps.good.counts(since ? { since } : {}) });
    }),
  );

  router.get('/ui/api/good-events/stream', (req, res) => {
    const eventTypes = list(req.query.event);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    let cursor: string | undefined;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const poll = async () => {
      try {
        const answer = await deps.good.recent({ eventTypes }, cursor, MAX_PAGE);
        const { events } = answer;
        cursor = answer.cursor;
        if (!closed) res.write(`event: events\ndata: ${JSON.stringify(events)}\n\n`);
      } catch (error) {
        logger.warn({ err: error }, 'live view cannot read good events');
        if (!closed)
          res.write(`event: problem\ndata: ${JSON.stringify((error as Error).message)}\n\n`);
      }
      if (!closed) timer = setTimeout(() => void poll(), liveIntervalMs);
    };
    // The response closes when the browser goes away (or the server stops).
    res.on('close', () => {
      closed = true;
      if (timer) clearTimeout(timer);
    });
    void poll();
  });

  router.use('/ui/api', (req, res) => {
    res.status(404).json({
      error: {
        code: 'SIFT_REQUEST_INVALID',
        message: `No console API at ${req.method} ${req.path}`,
      },
    });
  });

  router.use(staticFiles(deps.staticDir ?? defaultUiStaticDir()));

  router.use('/ui', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // The registry refused the caller's credentials (or their absence): let the browser ask for them.
    if (
      isSiftError(error) &&
      error.code === 'SIFT_REGISTRY_UNAUTHORIZED' &&
      res.locals['registryForCaller'] === true
    ) {
      res
        .status(401)
        .setHeader('WWW-Authenticate', REGISTRY_AUTH_CHALLENGE)
        .json({
          error: {
            code: error.code,
            message:
              'The registry has authentication on: sign in with a registry user and password to do this',
          },
        });
      return;
    }
    const status = statusOf(error);
    if (status >= 500 && !(error instanceof UpstreamError)) {
      logger.error({ err: error }, 'console UI request failed');
    }
    res.status(status).json({
      error: {
        code: isSiftError(error)
          ? error.code
          : status === 413
            ? 'SIFT_REQUEST_TOO_LARGE'
            : status < 500
              ? 'SIFT_REQUEST_INVALID'
              : 'SIFT_INTERNAL',
        message: status < 500 || isSiftError(error) ? (error as Error).message : 'Internal error',
      },
    });
  });

  return router;
}
