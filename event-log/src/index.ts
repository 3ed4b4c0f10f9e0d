export type { ConsumedRecord, ConsumeOptions, EventLog, LogRecord, Subscription } from './ports';
export { KafkaEventLog } from './adapters/kafka/kafka-event-log';
export type { KafkaEventLogOptions } from './adapters/kafka/kafka-event-log';
export { MemoryEventLog } from './adapters/memory/memory-event-log';
export { FileEventLog } from './adapters/file/file-event-log';
export type { FileEventLogOptions, FsyncPolicy } from './adapters/file/file-event-log';
export { BoundedEventLog } from './adapters/buffered/bounded-event-log';
export type { BoundedEventLogOptions, PendingCounts } from './adapters/buffered/bounded-event-log';
