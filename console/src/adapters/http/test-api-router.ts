import express from 'express';
import type { Request, Response } from 'express';
import { NotFoundError } from '@sift/common';
import { waitForEvents, waitUntil } from '../../domain/wait-for-events';
import type { EventQuery, StoredEvent } from '../../ports';
import { eventFilter, integerParam, resetStore } from './request-filter';
import type { ResetDeps } from './request-filter';

/** What the test API needs. */
export interface TestApiDeps {
  query: EventQuery;
  /** Longest a wait is held, ms. */
  maxWaitMs: number;
  /** What a reset needs: whether it is allowed, who may ask, what holds back the log. */
  reset: ResetDeps;
}

const MAX_LIMIT = 1000;

/** Aborted when the client closes the connection before the answer. */
function clientGone(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  req.on('aborted', () => controller.abort());
  return controller.signal;
}

function page(params: Record<string, unknown>) {
  const order = params['order'];
  return {
    limit: integerParam(params, 'limit', { min: 1, max: MAX_LIMIT }) ?? 100,
    offset: integerParam(params, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0,
    order: order === 'oldest' ? ('oldest' as const) : ('newest' as const),
  };
}

function view(event: StoredEvent) {
  return {
    id: event.id,
    verdict: event.verdict,
    event: event.eventType,
    version: event.schemaVersion,
    kind: event.kind,
    test_id: event.testId,
    received_at: event.receivedAt,
    document: event.document,
  };
}

/**
 * The test API for app test suites, under `/api`: list and count events with filters, one
 * event by id, reset, and a wait that holds the request until matching events are stored.
 */
export function testApiRouter(deps: TestApiDeps): express.Router {
  const router = express.Router();
  const timeout = (params: Record<string, unknown>, fallback: number) =>
    integerParam(params, 'timeout_ms', { min: 0, max: deps.maxWaitMs }) ?? fallback;

  router.get('/api/events', async (req, res) => {
    const { total, events } = await deps.query.list(eventFilter(req.query), page(req.query));
    res.json({ total, events: events.map(view) });
  });

  router.get('/api/events/:id', async (req, res) => {
    const id = req.params['id'] as string;
    const waitMs = timeout(req.query, 0);
    let event = await deps.query.get(id);
    if (!event && waitMs > 0) {
      await waitUntil(deps.query, async () => (event = await deps.query.get(id)) !== undefined, {
        timeoutMs: waitMs,
        signal: clientGone(req, res),
      });
    }
    if (!event) throw new NotFoundError('SIFT_EVENT_NOT_FOUND', `No event with id ${id}`);
    res.json(view(event));
  });

  router.get('/api/counts', async (req, res) => {
    res.json(await deps.query.counts(eventFilter(req.query)));
  });

  const reset = async (req: Request, res: Response) => {
    await resetStore(req, deps.reset);
    res.json(await deps.query.counts());
  };
  router.post('/api/reset', reset);
  router.delete('/api/events', reset);

  router.get('/api/wait', async (req, res) => {
    const count = integerParam(req.query, 'count', { min: 1, max: MAX_LIMIT }) ?? 1;
    const result = await waitForEvents(deps.query, eventFilter(req.query), {
      count,
      timeoutMs: timeout(req.query, Math.min(10_000, deps.maxWaitMs)),
      limit: Math.max(count, page(req.query).limit),
      signal: clientGone(req, res),
    });
    const body = { total: result.total, events: result.events.map(view) };
    if (result.matched) {
      res.json(body);
      return;
    }
    res.status(408).json({
      error: {
        code: 'SIFT_WAIT_TIMED_OUT',
        message: `${result.total} of ${count} matching events arrived before the wait ended`,
      },
      ...body,
    });
  });

  return router;
}
