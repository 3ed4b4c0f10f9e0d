import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { createLogger, listen } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { MemoryEventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { badDocument, goodDocument, SqliteEventStore } from '@sift/sinks';
import { SqliteEventExplorer } from '../../src/ui/adapters/sqlite/sqlite-event-explorer';
import { createUiRouter } from '../../src/ui/ui-router';
import type { UiRouterDeps } from '../../src/ui/ui-router';

/** A console UI over a real registry (in memory), a SQLite event store in a temp folder and an in-memory log. */
export interface UiHarness {
  app: express.Express;
  registry: RunningServer;
  store: SqliteEventStore;
  explorer: SqliteEventExplorer;
  log: MemoryEventLog;
  dir: string;
  close(): Promise<void>;
}

/** Builds the harness; `overrides` change the router's deps (static folder, auth, clock). */
export async function uiHarness(
  options: {
    authUsers?: string[];
    /** Whether the registry closes reads too. */
    authReads?: boolean;
    registryAuth?: { username: string; password: string };
    deps?: Partial<UiRouterDeps>;
  } = {},
): Promise<UiHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sift-ui-'));
  const logger = createLogger('console-ui-test', 'silent');
  const { app: registryApp } = await buildRegistryApp(
    { authUsers: options.authUsers ?? [], authReads: options.authReads ?? false },
    { store: new MemorySchemaStore(), logger },
  );
  const registry = await listen(registryApp, 0, '127.0.0.1');
  const file = path.join(dir, 'events.db');
  const store = new SqliteEventStore({ file });
  const explorer = new SqliteEventExplorer({ file });
  const log = new MemoryEventLog();
  const app = express();
  app.use(
    createUiRouter({
      registry: {
        url: registry.url,
        ...(options.registryAuth ? { auth: options.registryAuth } : {}),
      },
      bad: explorer,
      good: explorer,
      recovery: { log, goodTopic: 'sift.events.good' },
      logger,
      liveIntervalMs: 50,
      ...options.deps,
    }),
  );
  return {
    app,
    registry,
    store,
    explorer,
    log,
    dir,
    async close() {
      await explorer.close();
      await store.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bad event as the collector writes one; fields given replace the defaults. */
export function badEvent(overrides: Partial<BadEvent> = {}): BadEvent {
  return {
    id: overrides.id ?? `bad-${Math.random().toString(36).slice(2)}`,
    received_at: new Date().toISOString(),
    stage: 'collector',
    kind: 'schema_violation',
    event: 'com.acme.page_view',
    version: 1,
    errors: [{ path: '/path', keyword: 'type', message: '/path must be string, got 42' }],
    payload: JSON.stringify({ event: 'com.acme.page_view', data: { path: 42 } }),
    source: { endpoint: '/v1/events', ip: '127.0.0.0' },
    ...overrides,
  };
}

/** Stores bad events through the sinks' SQLite store, as the bad sink does. */
export async function storeBad(store: SqliteEventStore, events: BadEvent[]): Promise<void> {
  await store.index(events.map((bad) => badDocument(bad)));
}

/** Stores a good event through the sinks' SQLite store, as the good sink does. */
export async function storeGood(
  store: SqliteEventStore,
  event: { id: string; type: string; data: unknown; receivedAt?: string },
): Promise<void> {
  await store.index([
    goodDocument(
      {
        'sift-event-id': event.id,
        'sift-event-type': event.type,
        'sift-schema-id': '1',
        'sift-schema-version': '1',
        'sift-received-at': event.receivedAt ?? new Date().toISOString(),
      },
      event.data,
    ),
  ]);
}
