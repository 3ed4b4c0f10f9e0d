import type { Logger } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import type { EventLog } from '@sift/event-log';
import { registryClientFromConfig } from '@sift/registry-client';
import { ElasticsearchBadEventReader } from '../adapters/elasticsearch/elasticsearch-bad-event-reader';
import { RegistrySchemaSource } from '../adapters/registry/registry-schema-source';
import type { EnrichmentHook } from '../domain/enrichment';
import type { SchemaSource } from '../ports';
import type { BadEventReader } from './bad-event-reader';
import { EventLogBadEventReader } from './event-log-bad-event-reader';
import { recoverEvents } from './recover-events';
import type { RecoveryOptions, RecoveryReport } from './recover-events';
import type { RecoveryConfig } from './recovery-config';

/** Where `sift recover` reads bad events. */
export type RecoverySource = 'topic' | 'index';

/** Adapters to use instead of the real ones (tests, the embedded deployment). */
export interface RecoveryOverrides {
  log?: EventLog;
  index?: BadEventReader;
  schemas?: SchemaSource;
  /** Custom enrichments, as the collector runs them. */
  hooks?: readonly EnrichmentHook[];
  /** Idle time that ends reading the bad topic, ms; default 3000. */
  topicIdleMs?: number;
}

/**
 * Runs one recovery with real adapters built from the config: Kafka for the bad topic and
 * the good topic, Elasticsearch for the bad index, the registry for schemas. Kafka is only
 * connected when it is read or written (not by a dry run from the index); every client is
 * closed before it returns.
 */
export async function runRecovery(
  config: Readonly<RecoveryConfig>,
  source: RecoverySource,
  options: RecoveryOptions,
  logger: Logger,
  overrides: RecoveryOverrides = {},
): Promise<RecoveryReport> {
  // KafkaEventLog connects on first use, so building it costs nothing when it is not used.
  const ownLog = overrides.log
    ? undefined
    : new KafkaEventLog({ brokers: config.kafkaBrokers, clientId: 'sift-recover', logger });
  const log = overrides.log ?? (ownLog as EventLog);
  const ownIndex =
    source === 'index' && !overrides.index
      ? new ElasticsearchBadEventReader({
          url: config.elasticsearchUrl,
          indexPrefix: config.indexPrefix,
        })
      : undefined;
  try {
    const reader: BadEventReader =
      source === 'topic'
        ? new EventLogBadEventReader({
            log,
            topic: config.badTopic,
            ...(overrides.topicIdleMs !== undefined ? { idleMs: overrides.topicIdleMs } : {}),
          })
        : ((overrides.index ?? ownIndex) as BadEventReader);
    const schemas = overrides.schemas ?? new RegistrySchemaSource(registryClientFromConfig(config));
    return await recoverEvents(reader, options, {
      schemas,
      log,
      goodTopic: config.goodTopic,
      // The stored address is already anonymized, and too coarse for geo: no geo database.
      enrichment: { ipAnonymization: 'none', internalDomains: config.internalDomains },
      ...(overrides.hooks ? { hooks: overrides.hooks } : {}),
    });
  } finally {
    await ownIndex?.close();
    await ownLog?.close();
  }
}
