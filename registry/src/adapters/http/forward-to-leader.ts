import type { NextFunction, Request, Response } from 'express';
import { UpstreamError } from '@sift/common';
import type { LeaderElection } from '../../ports';

/** Marks a request one instance forwarded to another, so it is never forwarded twice. */
const FORWARDED = 'x-sift-forwarded';

/**
 * Serves a write here when this instance leads, and otherwise replays it on the leader and
 * passes the leader's answer back unchanged.
 */
export function forwardToLeader(election: LeaderElection, timeoutMs: number) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const leader = election.leader();
    if (leader.self) return next();
    if (!leader.url || req.get(FORWARDED)) {
      throw new UpstreamError(
        'SIFT_REGISTRY_LEADER_UNKNOWN',
        'Unknown leader: no registry instance can take writes now',
      );
    }
    let answer: globalThis.Response;
    try {
      answer = await fetch(`${leader.url.replace(/\/+$/, '')}${req.originalUrl}`, {
        method: req.method,
        headers: {
          'content-type': 'application/vnd.schemaregistry.v1+json',
          accept: 'application/vnd.schemaregistry.v1+json',
          [FORWARDED]: '1',
          ...(req.get('authorization')
            ? { authorization: req.get('authorization') as string }
            : {}),
        },
        ...(req.body === undefined || req.method === 'DELETE'
          ? {}
          : { body: JSON.stringify(req.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new UpstreamError(
        'SIFT_REGISTRY_FORWARD_FAILED',
        `Error while forwarding the request to the leader at ${leader.url}`,
        {
          cause: error,
        },
      );
    }
    res
      .status(answer.status)
      .type(answer.headers.get('content-type') ?? 'application/vnd.schemaregistry.v1+json')
      .send(Buffer.from(await answer.arrayBuffer()));
  };
}
