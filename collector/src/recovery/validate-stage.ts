import type { BadEvent, Logger, Topics } from '@sift/common';
import type { ConsumedRecord, EventLog, Subscription } from '@sift/event-log';
import { ValidatorCache } from '@sift/validator';
import { anonymizeClientIp } from '../domain/enrichment';
import type { EnrichmentHook, EnrichmentOptions } from '../domain/enrichment';
import { isUuid } from '../domain/envelope';
import { deliver } from '../domain/deliver';
import { EventProcessor } from '../domain/event-processor';
import type { SchemaSource } from '../ports';
import { rawEventId } from './deterministic-id';
import { readRawRecord } from './raw-record';

/** What the validate stage needs from outside. */
export interface ValidateStageDeps {
  log: EventLog;
  schemas: SchemaSource;
  validators?: ValidatorCache;
  logger: Logger;
  /** Enrichment as the collector does it; default: partial IP anonymization, no geo. */
  enrichment?: EnrichmentOptions;
  /** Custom enrichments, as the collector runs them; none by default. */
  hooks?: readonly EnrichmentHook[];
  /** Called after each batch is in the good and bad topics, with its counts. */
  onBatch?: (counts: ValidateBatchResult) => void;
}

/** Where the validate stage reads and writes. */
export interface ValidateStageOptions {
  /** The raw topic (see `RawRequest` for its record format). */
  rawTopic: string;
  topics: Topics;
  groupId: string;
}

/** What one batch of raw records became. */
export interface ValidateBatchResult {
  requests: number;
  good: number;
  bad: BadEvent[];
}

/**
 * The ids the processor asks for, in the order it asks: one per event without a UUID id,
 * in body order, or one for the whole body when it is not `{"events": [...]}`.
 */
function idsToDerive(body: string): (number | 'body')[] {
  let events: unknown;
  try {
    events = (JSON.parse(body) as { events?: unknown } | null)?.events;
  } catch {
    return ['body'];
  }
  if (!Array.isArray(events)) return ['body'];
  return events.flatMap((event: unknown, index) =>
    isUuid((event as { id?: unknown } | null)?.id) ? [] : [index],
  );
}

/**
 * Validation as a stream stage: reads raw request bodies from the raw topic, runs each
 * through the collector's EventProcessor, appends good records to the good topic and bad
 * events to the bad topic, and commits a batch only after both appends succeeded
 * (at-least-once). Events without a sender id get ids derived from their record's position,
 * so a batch read again yields the same ids and the indices do not duplicate it.
 */
export class ValidateStage {
  private readonly validators: ValidatorCache;
  private subscription: Subscription | undefined;

  constructor(
    private readonly options: ValidateStageOptions,
    private readonly deps: ValidateStageDeps,
  ) {
    this.validators = deps.validators ?? new ValidatorCache();
  }

  /** Whether the stage is consuming. */
  get running(): boolean {
    return this.subscription !== undefined;
  }

  async start(): Promise<void> {
    const { rawTopic, topics, groupId } = this.options;
    await this.deps.log.ensureTopics([rawTopic, topics.good, topics.bad]);
    this.subscription = await this.deps.log.consume({
      topics: [rawTopic],
      groupId,
      fromBeginning: true,
      handleBatch: async (records) => {
        try {
          const result = await this.handleBatch(records);
          this.deps.onBatch?.(result);
        } catch (error) {
          this.deps.logger.warn(
            { err: error, records: records.length, offset: records[0]?.offset },
            'raw batch not processed; it will be read again',
          );
          throw error;
        }
      },
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  /** Processes one batch of raw records; resolves once both topics hold the results. */
  async handleBatch(records: ConsumedRecord[]): Promise<ValidateBatchResult> {
    const processed = await Promise.all(records.map((record) => this.processRecord(record)));
    const good = processed.flatMap((collected) => collected.good);
    const bad = processed.flatMap((collected) => collected.bad);
    await deliver(this.deps.log, this.options.topics, { good, bad });
    return { requests: records.length, good: good.length, bad };
  }

  private processRecord(record: ConsumedRecord) {
    const { body, source, receivedAt, testId } = readRawRecord(record);
    // Enrichment reads the address as received; bad events keep it only as anonymized.
    const { ip: clientIp, ...from } = source;
    const storedIp = anonymizeClientIp(clientIp, this.deps.enrichment?.ipAnonymization);
    const derive = idsToDerive(body);
    let asked = 0;
    const processor = new EventProcessor({
      schemas: this.deps.schemas,
      validators: this.validators,
      ...(this.deps.enrichment ? { enrichment: this.deps.enrichment } : {}),
      ...(this.deps.hooks ? { hooks: this.deps.hooks } : {}),
      now: () => receivedAt,
      newId: () => {
        const index = derive[asked] ?? `extra-${asked}`;
        asked++;
        return rawEventId(record.topic, record.partition, record.offset, index);
      },
    });
    return processor.processBody(body, storedIp ? { ...from, ip: storedIp } : from, {
      ...(clientIp ? { clientIp } : {}),
      ...(testId ? { testId } : {}),
    });
  }
}
