import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { parseBasicCredentials } from '@sift/common';

/** Who may call the registry: users with passwords, and whether reads need them too. */
export interface AuthOptions {
  /** `user → password`; empty turns authentication off. */
  users: ReadonlyMap<string, string>;
  /** Whether reads (GET) need credentials too; writes always do when users are set. */
  reads: boolean;
}

/** Parses `SIFT_REGISTRY_AUTH_USERS` entries of the form `user:password`. */
export function parseUsers(entries: readonly string[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon > 0) users.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  return users;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares in constant time, whatever the lengths, so timing tells nothing about a password. */
function same(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * HTTP basic authentication, as Confluent Schema Registry and its clients speak it: writes
 * need a known user when users are configured, reads too when `reads` is on.
 */
export function basicAuth(options: AuthOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (options.users.size === 0) return next();
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (isRead && !options.reads) return next();
    const given = parseBasicCredentials(req.get('authorization'));
    const expected = given && options.users.get(given.username);
    if (given && expected !== undefined && same(given.password, expected)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="sift-registry", charset="UTF-8"')
      .type('application/vnd.schemaregistry.v1+json')
      .send(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
  };
}
