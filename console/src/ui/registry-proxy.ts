import type { IncomingMessage } from 'node:http';
import express from 'express';
import type { Request, Response } from 'express';
import { UpstreamError } from '@sift/common';

/** How the console reaches the registry. */
export interface RegistryTarget {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  url: string;
  /**
   * The console's own basic credentials, for its own background work only (decoding stored
   * events, recovery); never sent for a caller.
   */
  auth?: { username: string; password: string };
  /** The `Authorization` header of the caller a request is made for; sent as it is. */
  callerAuthorization?: string;
  /** Per-request timeout, ms; default 10000. */
  timeoutMs?: number;
}

/** The challenge a 401 carries to the browser, so it asks for a registry user and password. */
export const REGISTRY_AUTH_CHALLENGE = 'Basic realm="Sift registry", charset="UTF-8"';

/**
 * The registry as reached for this caller: with the caller's own credentials (or none), never
 * the console's, so the registry's auth decides what the caller may do.
 */
export function onBehalfOf(target: RegistryTarget, req: IncomingMessage): RegistryTarget {
  const given = req.headers.authorization;
  return {
    url: target.url,
    ...(target.timeoutMs === undefined ? {} : { timeoutMs: target.timeoutMs }),
    ...(given ? { callerAuthorization: given } : {}),
  };
}

/** A registry answer: status and parsed JSON body (undefined when it had none). */
export interface RegistryAnswer {
  status: number;
  body: unknown;
}

function authorization(target: RegistryTarget): string | undefined {
  if (target.callerAuthorization !== undefined) return target.callerAuthorization;
  return target.auth
    ? `Basic ${Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64')}`
    : undefined;
}

/** Calls the registry and reads the JSON answer whatever its status; throws only when it cannot be reached. */
export async function callRegistry(
  target: RegistryTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<RegistryAnswer> {
  const auth = authorization(target);
  let response: globalThis.Response;
  try {
    response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.schemaregistry.v1+json, application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }),
        ...(auth ? { authorization: auth } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new UpstreamError(
      'SIFT_REGISTRY_UNREACHABLE',
      `The registry at ${target.url} did not answer ${method} ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  return { status: response.status, body: parsed };
}

const forwardedHeaders = ['content-type', 'accept', 'authorization'];

/**
 * Passes `/ui/api/registry/<path>` through to the registry's `/<path>` with method, query,
 * body and the caller's credentials (never the console's own); a 401 asks the browser to log in.
 */
export function registryProxy(target: RegistryTarget, maxBodyBytes: number): express.Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: maxBodyBytes }));
  router.use(async (req: Request, res: Response) => {
    if (!['GET', 'POST', 'PUT', 'DELETE'].includes(req.method)) {
      res.status(405).json({ error_code: 405, message: `${req.method} is not proxied` });
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of forwardedHeaders) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    let answer: globalThis.Response;
    try {
      answer = await fetch(`${target.url.replace(/\/+$/, '')}${req.url}`, {
        method: req.method,
        headers,
        ...(body && req.method !== 'GET' ? { body: new Uint8Array(body) } : {}),
        signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
      });
    } catch (error) {
      res.status(502).json({
        error_code: 50201,
        message: `The registry at ${target.url} did not answer: ${(error as Error).message}`,
      });
      return;
    }
    res.status(answer.status);
    if (answer.status === 401) res.setHeader('WWW-Authenticate', REGISTRY_AUTH_CHALLENGE);
    const type = answer.headers.get('content-type');
    if (type) res.type(type);
    res.send(Buffer.from(await answer.arrayBuffer()));
  });
  return router;
}
