import { join } from 'node:path';
import express from 'express';
import { createLogger, listen } from '@sift/common';
import type { Logger } from '@sift/common';
import {
  buildCollectorApp,
  IgluRegistrySchemaSource,
  loadCollectorConfig,
  RegistrySchemaSource,
} from '@sift/collector';
import {
  buildConsoleApp,
  createConsoleUi,
  loadConsoleConfig,
  ResetWatermarkLog,
  trackEventStreams,
} from '@sift/console';
import { BoundedEventLog, FileEventLog } from '@sift/event-log';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { registryClientFromConfig } from '@sift/registry-client';
import { buildSinkApp, loadSinkConfig, SqliteEventStore } from '@sift/sinks';
import { checkRegistryCredentials } from '../check-registry-credentials';
import type { Stoppable } from '../run-until-signal';
import { loadEmbeddedConfig, loadSnowplowSchemasSetting } from './embedded-config';
import {
  registerSchemasFolder,
  registerSnowplowSchemas,
  watchSchemasFolder,
} from './schema-watcher';
import { waitForIndexed } from './wait-for-indexed';

/** Where the embedded platform answers. */
export interface EmbeddedPlatform {
  registryUrl: string;
  collectorUrl: string;
  consoleUrl: string;
  /** Everything started, in start order; stop in reverse. */
  running: Stoppable[];
}

/**
 * The whole platform in this process with no Java and no Docker: the registry (file store),
 * the collector writing to a durable local log, both sinks indexing into SQLite, and the
 * console server (test API, Micro paths, the console UI) reading it. The same services as the distributed
 * deployment; only the event log and event store adapters differ.
 */
export async function startEmbedded(
  options: { schemas?: string },
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger = createLogger('sift'),
): Promise<EmbeddedPlatform> {
  const config = loadEmbeddedConfig(env);
  const snowplowSchemas = loadSnowplowSchemasSetting(env);
  const serviceEnv: Record<string, string | undefined> = {
    ...env,
    SIFT_REGISTRY_DATA_FILE:
      env['SIFT_REGISTRY_DATA_FILE'] ?? join(config.dataDir, 'registry', 'schemas.jsonl'),
    // Schemas change while running here: see a new latest version within a second.
    SIFT_COLLECTOR_SCHEMA_CACHE_MS: env['SIFT_COLLECTOR_SCHEMA_CACHE_MS'] ?? '1000',
    // A local store belongs to the tests that use it: reset is on unless turned off.
    SIFT_CONSOLE_ALLOW_RESET: env['SIFT_CONSOLE_ALLOW_RESET'] ?? 'true',
  };
  const registryConfig = loadRegistryConfig(serviceEnv);
  const collectorConfig = loadCollectorConfig(serviceEnv);
  const consoleConfig = loadConsoleConfig(serviceEnv);
  const sinkConfigs = (['good', 'bad'] as const).map((kind) =>
    loadSinkConfig({ ...serviceEnv, SIFT_SINK_KIND: kind }),
  );

  const running: Stoppable[] = [];
  try {
    // The log first: its lock keeps a second `sift up` on the same folder from touching anything.
    const fileLog = await FileEventLog.open({
      dir: join(config.dataDir, 'log'),
      fsync: config.logFsync,
      retentionBytes: config.logRetentionBytes,
      retentionMs: config.logRetentionMs,
      logger: createLogger('event-log'),
    });
    running.push({ name: 'event log', close: () => fileLog.close() });
    // The sinks read through the reset point: a reset also drops what they have not stored yet.
    const resetLog = await ResetWatermarkLog.open({
      inner: fileLog,
      topics: [collectorConfig.goodTopic, collectorConfig.badTopic],
      end: async (topic) => (await fileLog.bounds(topic)).next,
      file: join(config.dataDir, 'reset-point.json'),
    });
    const store = new SqliteEventStore({
      file: join(config.dataDir, 'events.db'),
      maxEvents: config.storeMaxEvents,
      maxAgeMs: config.storeMaxAgeMs,
    });
    running.push({ name: 'event store', close: () => store.close() });

    const registry = await startRegistry(registryConfig, createLogger('registry'));
    running.push({ name: 'registry', close: registry.close });
    const registryUrl = env['SIFT_REGISTRY_URL'] || registry.url;
    // Every client below uses the same SIFT_REGISTRY_USERNAME / SIFT_REGISTRY_PASSWORD.
    const registryClient = registryClientFromConfig({ ...collectorConfig, registryUrl });
    await checkRegistryCredentials(registryClient, { ...collectorConfig, registryUrl }, logger);
    if (snowplowSchemas) await registerSnowplowSchemas(registryClient, logger);
    if (options.schemas !== undefined) {
      await registerSchemasFolder(registryClient, options.schemas, logger);
      if (config.watchSchemas) {
        const watcher = watchSchemasFolder(registryClient, options.schemas, logger);
        running.push({ name: 'schemas watcher', close: watcher.close });
      }
    }

    for (const sinkConfig of sinkConfigs) {
      const sink = buildSinkApp(sinkConfig, {
        log: resetLog,
        store,
        schemas: registryClientFromConfig({ ...sinkConfig, registryUrl }),
        logger: createLogger(`sink-${sinkConfig.kind}`),
      });
      await sink.start();
      running.push({ name: `sink-${sinkConfig.kind}`, close: () => sink.stop() });
    }

    // The console UI reads the same SQLite file; its recovery writes to the local log.
    const { registryUsername: username, registryPassword: password } = consoleConfig;
    const ui = createConsoleUi({
      registryUrl,
      ...(username && password ? { registryAuth: { username, password } } : {}),
      store: { kind: 'sqlite', file: join(config.dataDir, 'events.db') },
      log: fileLog,
      goodTopic: collectorConfig.goodTopic,
      logger: createLogger('console-ui'),
    });
    running.push({ name: 'console ui', close: ui.close });
    const consoleServer = await listen(
      buildConsoleApp(consoleConfig, {
        query: store,
        logger: createLogger('console'),
        reset: resetLog,
        routers: [ui.router],
      }),
      consoleConfig.port,
      consoleConfig.host,
    );
    const streams = trackEventStreams(consoleServer.server);
    running.push({
      name: 'console',
      close: async () => {
        const stopped = consoleServer.close();
        // The UI's live view never ends its answers on its own.
        for (const res of streams) res.destroy();
        await stopped;
      },
    });

    await fileLog.ensureTopics([collectorConfig.goodTopic, collectorConfig.badTopic]);
    const collectorLogger = createLogger('collector');
    const log = new BoundedEventLog({
      inner: fileLog,
      maxPendingRecords: collectorConfig.maxPendingRecords,
      maxPendingBytes: collectorConfig.maxPendingBytes,
      appendTimeoutMs: collectorConfig.appendTimeoutMs,
      lingerMs: collectorConfig.lingerMs,
      closeTimeoutMs: collectorConfig.appendTimeoutMs,
      logger: collectorLogger,
    });
    const collectorRegistry = registryClientFromConfig(
      { ...collectorConfig, registryUrl },
      { latestTtlMs: collectorConfig.schemaCacheMs },
    );
    const collectorApp = express();
    collectorApp.disable('x-powered-by');
    collectorApp.use(waitForIndexed(store, config.syncTimeoutMs, collectorLogger));
    collectorApp.use(
      buildCollectorApp(collectorConfig, {
        schemas: new RegistrySchemaSource(collectorRegistry),
        iglu: new IgluRegistrySchemaSource(collectorRegistry),
        log,
        logger: collectorLogger,
        buffer: log,
      }),
    );
    const collector = await listen(collectorApp, collectorConfig.port, collectorConfig.host);
    running.push({
      name: 'collector',
      close: async () => {
        await collector.close();
        await log.close();
      },
    });
    logger.info(
      {
        collector: collector.url,
        registry: registryUrl,
        console: consoleServer.url,
        dataDir: config.dataDir,
      },
      'Sift is up (embedded): send events to POST /v1/events',
    );
    return {
      registryUrl,
      collectorUrl: collector.url,
      consoleUrl: consoleServer.url,
      running,
    };
  } catch (error) {
    await stopAll(running, logger);
    throw error;
  }
}

/** Stops what started, newest first, logging what does not stop cleanly. */
export async function stopAll(running: Stoppable[], logger: Logger): Promise<void> {
  for (const part of [...running].reverse()) {
    try {
      await part.close();
    } catch (error) {
      logger.error({ err: error, part: part.name }, 'did not stop cleanly');
    }
  }
}
