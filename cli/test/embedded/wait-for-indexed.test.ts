import express from 'express';
import request from 'supertest';
import { createLogger } from '@sift/common';
import type { EventQuery } from '@sift/sinks';
import { waitForIndexed } from '../../src/embedded/wait-for-indexed';

/** An event store whose reads fail, as a store that lost its file or connection does. */
function failingQuery(): EventQuery {
  const broken = (): never => {
    throw new Error('the store is gone');
  };
  return {
    list: async () => broken(),
    get: async () => broken(),
    counts: async () => broken(),
    deleteAll: async () => broken(),
  };
}

/** A collector stand-in behind the wait: answers `status` listing the ids it was sent. */
function collector(query: EventQuery, logger = createLogger('test', 'silent'), status = 200) {
  const app = express();
  app.use(waitForIndexed(query, 1_000, logger));
  app.post('/v1/events', (_req, res) => {
    res.status(status).json({ events: [{ id: 'e-1' }, { id: 'e-2' }] });
  });
  return app;
}

/** A store that holds an event once it has been asked for it `after` times. */
function slowQuery(after: number): EventQuery & { asked: string[] } {
  const asked: string[] = [];
  return {
    ...failingQuery(),
    asked,
    get: async (id) => {
      asked.push(id);
      return asked.filter((one) => one === id).length > after
        ? { id, verdict: 'bad', receivedAt: '', document: {} }
        : undefined;
    },
  };
}

describe('waitForIndexed', () => {
  it('still answers, unconfirmed, and logs the error when the store cannot be read', async () => {
    const logger = createLogger('test', 'silent');
    const logged = jest.spyOn(logger, 'error');
    const answer = await request(collector(failingQuery(), logger))
      .post('/v1/events?wait=indexed')
      .send({ events: [] })
      .expect(200);
    expect(answer.body).toEqual({ events: [{ id: 'e-1' }, { id: 'e-2' }] });
    expect(answer.headers['x-sift-indexed']).toBe('false');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]?.[0]).toMatchObject({ err: expect.any(Error) });
  });

  it('confirms the answer once every listed event is in the store', async () => {
    const query: EventQuery = {
      ...failingQuery(),
      get: async (id) => ({ id, verdict: 'good', receivedAt: '', document: {} }),
    };
    const answer = await request(collector(query))
      .post('/v1/events')
      .set('x-sift-wait', 'indexed')
      .send({ events: [] })
      .expect(200);
    expect(answer.headers['x-sift-indexed']).toBe('true');
  });

  it.each([400, 413])(
    'waits for the bad event of a refused body (%i) before confirming it',
    async (status) => {
      const query = slowQuery(1);
      const answer = await request(collector(query, undefined, status))
        .post('/v1/events?wait=indexed')
        .send('not json')
        .expect(status);
      expect(answer.headers['x-sift-indexed']).toBe('true');
      expect(new Set(query.asked)).toEqual(new Set(['e-1', 'e-2']));
    },
  );

  it('says it did not wait when the collector stored nothing (5xx)', async () => {
    const query = slowQuery(0);
    const answer = await request(collector(query, undefined, 503))
      .post('/v1/events?wait=indexed')
      .send({ events: [] })
      .expect(503);
    expect(answer.headers['x-sift-indexed']).toBe('false');
    expect(query.asked).toEqual([]);
  });
});
