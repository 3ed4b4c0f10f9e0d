import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * The answers a server holds open for `text/event-stream` requests (the UI's live view), while
 * they last: they never end on their own, so a server's `close` must end them or wait for ever.
 */
export function trackEventStreams(server: Server): Set<ServerResponse> {
  const open = new Set<ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.headers.accept?.includes('text/event-stream')) return;
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  return open;
}
