import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening HTTP server and how to reach and stop it. */
export interface RunningServer {
  server: Server;
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  url: string;
  /**
   * Stops accepting connections and waits for open requests to finish; idle keep-alive
   * connections close at once, busy ones after their answer.
   */
  close(): Promise<void>;
}

/** Starts an HTTP server for a request handler (an express app) on host:port. */
export async function listen(
  handler: RequestListener,
  port: number,
  host: string,
): Promise<RunningServer> {
  let closing = false;
  const server = createServer((req, res) => {
    // Once closing, every answer ends its connection: keep-alive clients that go on sending
    // would otherwise hold the server open for ever.
    if (closing) res.setHeader('Connection', 'close');
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
