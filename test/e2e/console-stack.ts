import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildCollectorApp, RegistrySchemaSource } from '@sift/collector';
import { buildConsoleApp, createConsoleUi, defaultUiStaticDir } from '@sift/console';
import { MemoryEventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { buildSinkApp, SqliteEventStore } from '@sift/sinks';
import type { SinkApp } from '@sift/sinks';

const ROOT = path.resolve(__dirname, '..', '..');

/** Builds the console SPA from its current source (about 2 s), so the test never sees a stale build. */
export function buildUi(): string {
  execFileSync('npm', ['run', 'build', '-w', '@sift/registry-ui'], { cwd: ROOT, stdio: 'pipe' });
  const dir = defaultUiStaticDir();
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`the console UI build wrote no ${path.join(dir, 'index.html')}`);
  }
  return dir;
}

/**
 * The embedded platform in this process, each part on its own port 0: registry (memory
 * store), collector and both sinks on one in-memory event log, a SQLite event store in a
 * temp folder, and the console server with the UI mounted.
 */
export interface ConsoleStack {
  registry: RunningServer;
  collector: RunningServer;
  console: RunningServer;
  /** Where the SQLite event database sits. */
  dir: string;
  /** The event store the sinks write (to seed many events at once). */
  store: SqliteEventStore;
  close(): Promise<void>;
}

/** Starts the stack. */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const staticDir = buildUi();
  const logger = createLogger('console-e2e', 'silent');
  const dir = mkdtempSync(path.join(tmpdir(), 'sift-console-e2e-'));
  const parts: { close(): Promise<void> }[] = [];
  try {
    const { app: registryApp } = await buildRegistryApp(
      {},
      { store: new MemorySchemaStore(), logger },
    );
    const registry = await listen(registryApp, 0, '127.0.0.1');
    parts.push(registry);
    const log = new MemoryEventLog();
    const file = path.join(dir, 'events.db');
    const store = new SqliteEventStore({ file });
    parts.push(store);
    const client = new RegistryClient({ url: registry.url, latestTtlMs: 0 });
    const sinks: SinkApp[] = (['good', 'bad'] as const).map((kind) =>
      buildSinkApp(
        { kind, maxBatch: 100, indexPrefix: 'sift', flushIntervalMs: 20 },
        { log, store, schemas: client, logger },
      ),
    );
    for (const sink of sinks) {
      await sink.start();
      parts.push({ close: () => sink.stop() });
    }
    const collector = await listen(
      buildCollectorApp(
        { maxBodyBytes: 1024 * 1024, goodTopic: 'sift.events.good', badTopic: 'sift.events.bad' },
        { schemas: new RegistrySchemaSource(client), log, logger },
      ),
      0,
      '127.0.0.1',
    );
    parts.push(collector);
    const ui = createConsoleUi({
      registryUrl: registry.url,
      store: { kind: 'sqlite', file },
      log,
      goodTopic: 'sift.events.good',
      logger,
      staticDir,
    });
    parts.push(ui);
    const consoleServer = await listen(
      buildConsoleApp({ maxWaitMs: 1000 }, { query: store, logger, routers: [ui.router] }),
      0,
      '127.0.0.1',
    );
    parts.push({
      close: () => {
        // The live view holds server-sent-event connections open.
        consoleServer.server.closeAllConnections();
        return consoleServer.close();
      },
    });
    return {
      registry,
      collector,
      console: consoleServer,
      dir,
      store,
      async close() {
        for (const part of parts.reverse()) await part.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const part of parts.reverse()) await part.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
