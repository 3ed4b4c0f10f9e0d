export { buildSinkApp } from './app';
export type { SinkApp, SinkAppDeps } from './app';
export { loadSinkConfig } from './config';
export type { SinkConfig } from './config';
export { startSink } from './main';
export { Sink } from './domain/sink';
export type { BatchResult, RetryPolicy, SinkDeps } from './domain/sink';
export { Batcher } from './domain/batcher';
export type { BatchingPolicy } from './domain/batcher';
export {
  badDocument,
  dataKey,
  documentField,
  documentId,
  entityKey,
  goodDocument,
  receivedTime,
} from './domain/documents';
export type { DocumentEntity, RecordOrigin } from './domain/documents';
export type {
  ConsumerLag,
  EventStore,
  IndexOutcome,
  IndexRequest,
  MappedRoot,
  SchemaLookup,
} from './ports';
export { ElasticsearchEventStore } from './adapters/elasticsearch/elasticsearch-event-store';
export type { ElasticsearchEventStoreOptions } from './adapters/elasticsearch/elasticsearch-event-store';
export { dataField, indexTemplate, templateName } from './adapters/elasticsearch/index-templates';
export { KafkaConsumerLag } from './adapters/kafka/kafka-consumer-lag';
export { MemoryEventStore } from './adapters/memory/memory-event-store';
export { SqliteEventStore } from './adapters/sqlite/sqlite-event-store';
export type { SqliteEventStoreOptions } from './adapters/sqlite/sqlite-event-store';
export type { EventCounts, EventFilter, EventPage, EventQuery, StoredEvent } from './query';
