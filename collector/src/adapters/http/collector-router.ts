import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { isSiftError } from '@sift/common';
import type { Logger, Topics } from '@sift/common';
import type { EventLog, LogRecord } from '@sift/event-log';
import { anonymizeIp } from '../../domain/anonymize-ip';
import type { Collected, EventProcessor } from '../../domain/event-processor';

/** What the collector's HTTP layer needs. */
export interface CollectorRouterDeps {
  processor: EventProcessor;
  log: EventLog;
  logger: Logger;
  metrics: Registry;
  maxBodyBytes: number;
  topics: Topics;
}

/** `POST /v1/events`: validates each event, hands good and bad events to the log, answers per event. */
export function collectorRouter(deps: CollectorRouterDeps): express.Router {
  const { processor, log, logger, maxBodyBytes } = deps;
  const events = new Counter({
    name: 'sift_collector_events_total',
    help: 'Events received, by verdict (good, bad) and bad-event kind.',
    labelNames: ['verdict', 'kind'],
    registers: [deps.metrics],
  });
  const router = express.Router();

  // Every body is read as text, so malformed JSON is kept whole as a bad event's payload.
  router.post(
    '/v1/events',
    express.text({ type: () => true, limit: maxBodyBytes, inflate: true }),
    async (req: Request, res: Response) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const collected = await processor.processBody(body, {
        endpoint: 'POST /v1/events',
        ip: anonymizeIp(req.ip),
        ...(req.get('user-agent') ? { user_agent: req.get('user-agent') } : {}),
      });
      await deliver(log, deps.topics, collected);
      for (const _ of collected.good) events.inc({ verdict: 'good', kind: '' });
      for (const bad of collected.bad) events.inc({ verdict: 'bad', kind: bad.kind });
      const whole = collected.verdicts.length === 1 && collected.verdicts[0]?.index === null;
      res.status(whole ? 400 : 200).json({
        accepted: collected.good.length,
        rejected: collected.bad.length,
        events: collected.verdicts,
      });
    },
  );

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({
        error: {
          code: 'SIFT_REQUEST_TOO_LARGE',
          message: `The body is larger than ${maxBodyBytes} bytes`,
        },
      });
      return;
    }
    if (isSiftError(error) && error.retriable) {
      logger.warn({ err: error, path: req.path }, 'cannot accept events now');
      res
        .status(503)
        .set('Retry-After', '5')
        .json({ error: { code: error.code, message: error.message } });
      return;
    }
    logger.error({ err: error, path: req.path }, 'collector request failed');
    res.status(500).json({
      error: {
        code: 'SIFT_INTERNAL',
        message: 'Internal error; the collector log has the cause',
      },
    });
  });
  return router;
}

/** Appends good and bad events; resolves only when both are durably in the log. */
async function deliver(log: EventLog, topics: Topics, collected: Collected): Promise<void> {
  const bad: LogRecord[] = collected.bad.map((event) => ({
    key: event.id,
    value: Buffer.from(JSON.stringify(event), 'utf8'),
    headers: { 'sift-event-id': event.id, 'sift-bad-kind': event.kind },
  }));
  await Promise.all([log.append(topics.good, collected.good), log.append(topics.bad, bad)]);
}
