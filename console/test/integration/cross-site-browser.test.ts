import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildConsoleApp } from '@sift/console';
import { SqliteEventStore } from '@sift/sinks';
import { launchChromium } from '../../../test/browser/chromium';
import type { LaunchedChromium } from '../../../test/browser/chromium';
import { badEvent, goodEvent } from '../support/events';

/** The little of the page's globals the test reads (compiled without DOM types). */
interface PageGlobals {
  __done?: Promise<string[]>;
}

describe('console in a real browser: a page of another site', () => {
  let store: SqliteEventStore;
  let console_: RunningServer;
  let attacker: Server;
  let browser: LaunchedChromium;
  const seen: string[] = [];

  beforeAll(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    await store.index([goodEvent('g1'), badEvent('b1')]);
    console_ = await listen(
      buildConsoleApp(
        { maxWaitMs: 1000, allowReset: true },
        { query: store, logger: createLogger('test', 'silent') },
      ),
      0,
      '127.0.0.1',
    );
    console_.server.on('request', (req: { method?: string; url?: string }) =>
      seen.push(`${req.method} ${req.url}`),
    );
    // `localhost` and `127.0.0.1` are different sites to the browser.
    const target = console_.url;
    attacker = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><title>evil</title>
<script>
window.__done = Promise.all([
  new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve('img loaded');
    img.onerror = () => resolve('img failed');
    img.src = '${target}/micro/reset';
  }),
  fetch('${target}/api/reset', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })
    .then(() => 'post sent', () => 'post failed'),
]);
</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await console_?.close();
    await store?.close();
  });

  it('cannot empty the store with <img src=…/micro/reset> or a text/plain POST', async () => {
    const page = await browser.context.newPage();
    const { port } = attacker.address() as AddressInfo;
    await page.goto(`http://localhost:${port}/`);
    const outcome = await page.evaluate(() => (globalThis as unknown as PageGlobals).__done);
    expect(outcome).toEqual(['img failed', 'post sent']);
    // The requests reached the console, which refused them.
    expect(seen).toEqual(expect.arrayContaining(['GET /micro/reset', 'POST /api/reset']));
    expect(await store.counts()).toEqual({ total: 2, good: 1, bad: 1 });
  });
});
