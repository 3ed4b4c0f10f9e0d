import type { NextFunction, Request, Response } from 'express';
import { isSiftError } from '@sift/common';
import type { Logger } from '@sift/common';

const statusOf: Partial<Record<string, number>> = {
  SIFT_REQUEST_INVALID: 400,
  SIFT_EVENT_NOT_FOUND: 404,
  SIFT_CONSOLE_RESET_DISABLED: 403,
  SIFT_REQUEST_FORBIDDEN: 403,
  SIFT_EVENT_STORE_UNAVAILABLE: 503,
  SIFT_CONSOLE_RESET_INCOMPLETE: 503,
};

/** Seconds a client should wait before asking again, for answers that say so. */
const retryAfterS: Partial<Record<string, number>> = { SIFT_CONSOLE_RESET_INCOMPLETE: 5 };

/** Answers Sift errors as `{error: {code, message}}` with a status for the code; anything else is 500. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const status = isSiftError(error) ? statusOf[error.code] : undefined;
    if (isSiftError(error) && status !== undefined) {
      if (status >= 500) logger.warn({ err: error, path: req.path }, 'console request failed');
      const retryAfter = retryAfterS[error.code];
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      res.status(status).json({ error: { code: error.code, message: error.message } });
      return;
    }
    const parseFailure = (error as { type?: string }).type === 'entity.parse.failed';
    if (parseFailure) {
      res.status(400).json({
        error: { code: 'SIFT_REQUEST_INVALID', message: 'The body is not valid JSON' },
      });
      return;
    }
    // The body reader's other refusals (too large, unknown charset or encoding) are the client's.
    const bodyStatus = (error as { type?: unknown; status?: unknown }).status;
    if (
      typeof (error as { type?: unknown }).type === 'string' &&
      typeof bodyStatus === 'number' &&
      bodyStatus >= 400 &&
      bodyStatus < 500
    ) {
      const code = bodyStatus === 413 ? 'SIFT_REQUEST_TOO_LARGE' : 'SIFT_REQUEST_INVALID';
      res.status(bodyStatus).json({ error: { code, message: (error as Error).message } });
      return;
    }
    logger.error({ err: error, path: req.path }, 'console request failed');
    res.status(500).json({
      error: { code: 'SIFT_INTERNAL', message: 'Internal error; the console log has the cause' },
    });
  };
}
