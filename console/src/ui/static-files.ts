import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';

/**
 * The Content-Security-Policy of every console UI response: scripts, styles and data only
 * from the console itself, no inline script or style, no plugins, no framing.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the SPA's build output sits: `registry-ui/dist` beside this package (from `src/ui` or `dist/ui`). */
export function defaultUiStaticDir(): string {
  return path.resolve(__dirname, '..', '..', '..', 'registry-ui', 'dist');
}

/** Whether a URL's path holds a `..` segment, raw or percent-encoded, or does not decode. */
function climbsOut(url: string): boolean {
  const raw = url.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return true;
  }
  return [raw, decoded].some((text) => text.split(/[/\\]/).includes('..') || text.includes('\0'));
}

/** 404 without the path asked for or where files live, so an answer tells nothing about the server. */
function notFound(res: express.Response): void {
  res
    .status(404)
    .json({ error: { code: 'SIFT_REQUEST_INVALID', message: 'No console UI file here' } });
}

/**
 * Serves the SPA under `/ui/`: hashed assets cached for a year, `index.html` never cached,
 * and every other GET under `/ui/` answered with `index.html` so client-side routes load.
 * A missing asset, a folder or a path with `..` answers 404.
 */
export function staticFiles(dir: string): express.Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.use('/ui', (req, res, next) => {
    if (climbsOut(req.originalUrl)) notFound(res);
    else next();
  });
  router.use(
    '/ui/assets',
    express.static(path.join(dir, 'assets'), {
      index: false,
      redirect: false,
      immutable: true,
      maxAge: '365d',
    }),
    (_req: express.Request, res: express.Response) => notFound(res),
  );
  router.use(
    '/ui',
    express.static(dir, {
      index: false,
      redirect: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  router.get(/^\/ui(\/.*)?$/, (req, res, next) => {
    if (req.path.startsWith('/ui/api/')) {
      next();
      return;
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The console UI is not built: run `npm run build` (it builds registry-ui/).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
