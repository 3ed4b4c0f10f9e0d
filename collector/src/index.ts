export { buildCollectorApp } from './app';
export type { CollectorApp, CollectorDeps } from './app';
export { loadCollectorConfig } from './config';
export type { CollectorConfig } from './config';
export { startCollector } from './main';
export { EventProcessor } from './domain/event-processor';
export type { Collected, EventVerdict, RequestMeta, RequestSource } from './domain/event-processor';
export { anonymizeIp } from './domain/anonymize-ip';
export type { IgluSchemaSource, ResolvedSchema, SchemaMiss, SchemaSource } from './ports';
export { RegistrySchemaSource } from './adapters/registry/registry-schema-source';
export { IgluRegistrySchemaSource } from './adapters/registry/iglu-schema-source';
export {
  igluEventType,
  parseIgluUri,
  readTrackerEvent,
  SNOWPLOW_VENDOR,
} from './domain/snowplow/tracker-event';
export type { IgluKey, TrackerEvent } from './domain/snowplow/tracker-event';
export { ANONYMOUS_NUID, SNOWPLOW_POST_PATH } from './adapters/http/snowplow-router';
export {
  badEventKinds,
  defaultRecoveryKinds,
  matchesQuery,
  parseBadEvent,
} from './recovery/bad-event-reader';
export type { BadEventQuery, BadEventReader, ReadBadEvent } from './recovery/bad-event-reader';
export { recoverEvents } from './recovery/recover-events';
export type {
  RecoveryDeps,
  RecoveryOptions,
  RecoveryOutcome,
  RecoveryReport,
} from './recovery/recover-events';
export { EventLogBadEventReader } from './recovery/event-log-bad-event-reader';
export type { EventLogBadEventReaderOptions } from './recovery/event-log-bad-event-reader';
export {
  badEventFromDocument,
  ElasticsearchBadEventReader,
} from './adapters/elasticsearch/elasticsearch-bad-event-reader';
export type { ElasticsearchBadEventReaderOptions } from './adapters/elasticsearch/elasticsearch-bad-event-reader';
export { runRecovery } from './recovery/run-recovery';
export type { RecoveryOverrides, RecoverySource } from './recovery/run-recovery';
export { loadRecoveryConfig, loadValidateStageConfig } from './recovery/recovery-config';
export type { RecoveryConfig, ValidateStageConfig } from './recovery/recovery-config';
export { RAW_TOPIC, rawRecord, rawRecordHeaders, readRawRecord } from './recovery/raw-record';
export type { RawRequest } from './recovery/raw-record';
export { nameBasedUuid, rawEventId } from './recovery/deterministic-id';
export { ValidateStage } from './recovery/validate-stage';
export { badEventRecord, deliver } from './domain/deliver';
export type {
  ValidateBatchResult,
  ValidateStageDeps,
  ValidateStageOptions,
} from './recovery/validate-stage';
export { startValidateStage } from './recovery/start-validate-stage';
export type { ValidateStageOverrides } from './recovery/start-validate-stage';
export {
  enrich,
  enrichmentHeaders,
  runEnrichmentHooks,
  anonymizeClientIp,
} from './domain/enrichment';
export type {
  Enrichment,
  EnrichmentHook,
  EnrichmentHookEvent,
  EnrichmentOptions,
  GeoInfo,
  GeoLookup,
  IpAnonymization,
} from './domain/enrichment';
export { MaxmindGeoLookup } from './adapters/maxmind/maxmind-geo-lookup';
