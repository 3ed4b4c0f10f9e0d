import {
  ConflictError,
  decodeEntitiesHeader,
  DEFAULT_INDEX_PREFIX,
  goodEventHeaders,
  UpstreamError,
} from '@sift/common';
import type { BadEvent, BadEventKind, Logger, Verdict } from '@sift/common';
import type { ConsumedRecord } from '@sift/event-log';
import { decodeWireFormat } from '@sift/registry-client';
import { schemaIndexField } from '@sift/validator';
import type { IndexField, ValidatorCache } from '@sift/validator';
import type { EventStore, IndexRequest, MappedRoot, SchemaLookup } from '../ports';
import {
  badDocument,
  dataKey,
  documentId,
  entityKey,
  igluUri,
  goodDocument,
  receivedTime,
} from './documents';
import type { DocumentEntity } from './documents';

/** How hard to try before a batch is left for the log to deliver again. */
export interface RetryPolicy {
  /** Attempts per batch, the first included; default 5. */
  attempts: number;
  /** First pause between attempts, ms, doubled each time with jitter; default 200. */
  baseDelayMs: number;
  /**
   * No new attempt starts after this many ms since the first, default 15000: a batch held
   * longer than the consumer group's session timeout (Kafka: 30 s) would cost the consumer
   * its membership, so the caller gets the failure in time to stop consuming cleanly.
   */
  maxElapsedMs: number;
}

/** What a sink needs from outside. */
export interface SinkDeps {
  verdict: Verdict;
  store: EventStore;
  schemas: SchemaLookup;
  validators: ValidatorCache;
  /** First part of index names; default `sift`. */
  indexPrefix?: string;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

/** Counts of what one batch did. */
export interface BatchResult {
  indexed: number;
  rejected: number;
  retries: number;
}

/** A schema whose fields a good document holds under `<under>.<key>`. */
interface Mapping {
  schemaId: number;
  key: string;
  under: MappedRoot;
}

/** A document to index and, for a good event, the schemas its data and entities need mapped. */
interface Built {
  request: IndexRequest;
  mappings?: Mapping[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Turns a batch of good or bad records into documents and indexes them. Resolves only when
 * every document is in the store, so the caller commits offsets after it (at-least-once).
 * A document the store refuses for good goes to the bad index as `index_rejected`.
 */
export class Sink {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly prefix: string;
  /** Event-type fields derived per schema id; undefined when the schema gives nothing to map. */
  private readonly fields = new Map<number, IndexField | undefined>();
  /** `index|under.key|schemaId` combinations whose mapping the store holds already. */
  private readonly mapped = new Set<string>();
  /** Entity keys (`entities.<key>`) and Iglu URIs per schema id. */
  private readonly schemaNames = new Map<number, { key: string; uri: string | undefined }>();

  constructor(private readonly deps: SinkDeps) {
    this.retry = { attempts: 5, baseDelayMs: 200, maxElapsedMs: 15_000, ...deps.retry };
    this.sleep = deps.sleep ?? defaultSleep;
    this.prefix = deps.indexPrefix ?? DEFAULT_INDEX_PREFIX;
  }

  async handleBatch(records: ConsumedRecord[]): Promise<BatchResult> {
    const built = await Promise.all(records.map((record) => this.toRequest(record)));
    await this.ensureMappings(built);
    const requests = built.map(({ request }) => request);
    const result: BatchResult = { indexed: 0, rejected: 0, retries: 0 };
    const refused = await this.indexAll(requests, result);
    if (refused.length > 0) {
      result.rejected = refused.length;
      const again = await this.indexAll(
        refused.map(({ request, reason }) =>
          badDocument(this.rejectedEvent(request, reason), this.prefix),
        ),
        result,
      );
      if (again.length > 0) {
        throw new UpstreamError(
          'SIFT_EVENT_STORE_UNAVAILABLE',
          `The bad index refused ${again.length} documents: ${again[0]?.reason}`,
          {
            retriable: false,
          },
        );
      }
    }
    return result;
  }

  /** Indexes with retries; returns the documents the store refused for good. */
  private async indexAll(
    requests: IndexRequest[],
    result: BatchResult,
  ): Promise<{ request: IndexRequest; reason: string }[]> {
    let pending = requests;
    const refused: { request: IndexRequest; reason: string }[] = [];
    const started = Date.now();
    const outOfTries = (attempt: number) =>
      attempt >= this.retry.attempts || Date.now() - started >= this.retry.maxElapsedMs;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let lastReason = '';
      try {
        const outcomes = await this.deps.store.index(pending);
        const retry: IndexRequest[] = [];
        outcomes.forEach((outcome, i) => {
          const request = pending[i] as IndexRequest;
          if (outcome.status === 'indexed') result.indexed++;
          else if (outcome.status === 'rejected') refused.push({ request, reason: outcome.reason });
          else {
            retry.push(request);
            lastReason = outcome.reason;
          }
        });
        pending = retry;
      } catch (error) {
        lastReason = (error as Error).message;
        if (outOfTries(attempt)) {
          throw new UpstreamError(
            'SIFT_EVENT_STORE_UNAVAILABLE',
            `Indexing failed after ${attempt} attempts: ${lastReason}`,
            {
              cause: error,
            },
          );
        }
      }
      if (pending.length === 0) break;
      if (outOfTries(attempt)) {
        throw new UpstreamError(
          'SIFT_EVENT_STORE_UNAVAILABLE',
          `${pending.length} documents still failing after ${attempt} attempts: ${lastReason}`,
        );
      }
      result.retries++;
      const delay = this.retry.baseDelayMs * 2 ** (attempt - 1);
      this.deps.logger.warn(
        { attempt, pending: pending.length, reason: lastReason },
        'retrying bulk index',
      );
      await this.sleep(delay / 2 + Math.random() * (delay / 2));
    }
    return refused;
  }

  /**
   * Makes the store map the data of every schema met for the first time in an index, before
   * any document with those fields is indexed. A conflict with the index's existing mapping is
   * logged: the documents it concerns are refused and go to the bad index.
   */
  private async ensureMappings(built: Built[]): Promise<void> {
    const store = this.deps.store;
    if (!store.ensureDataMapping) return;
    for (const { request, mappings } of built) {
      for (const mapping of mappings ?? []) {
        const seen = `${request.index}|${mapping.under}.${mapping.key}|${mapping.schemaId}`;
        if (this.mapped.has(seen)) continue;
        const field = await this.fieldOf(mapping.schemaId);
        if (field) {
          try {
            await store.ensureDataMapping(request.index, mapping.key, field, mapping.under);
          } catch (error) {
            if (!(error instanceof ConflictError)) throw error;
            this.deps.logger.warn(
              {
                err: error,
                index: request.index,
                key: `${mapping.under}.${mapping.key}`,
                schemaId: mapping.schemaId,
              },
              'index mapping conflicts with the schema',
            );
          }
        }
        this.mapped.add(seen);
      }
    }
  }

  /** The field derived from a schema, once per schema id. */
  private async fieldOf(schemaId: number): Promise<IndexField | undefined> {
    if (this.fields.has(schemaId)) return this.fields.get(schemaId);
    const { schemaType, schema, references } = await this.deps.schemas.schemaById(schemaId);
    const referenced =
      references.length > 0 ? await this.deps.schemas.referencedSchemas(references) : [];
    let field: IndexField | undefined;
    try {
      field = schemaIndexField(schemaType, { schema, references: referenced });
    } catch (error) {
      this.deps.logger.warn({ err: error, schemaId }, 'no index mapping for the schema');
    }
    this.fields.set(schemaId, field);
    return field;
  }

  private async toRequest(record: ConsumedRecord): Promise<Built> {
    const headers = record.headers ?? {};
    if (this.deps.verdict === 'bad') {
      try {
        const bad = JSON.parse(record.value.toString('utf8')) as BadEvent;
        return { request: badDocument(bad, this.prefix, record) };
      } catch (error) {
        const failure = this.sinkFailure(
          record,
          'malformed_json',
          `not a bad event: ${(error as Error).message}`,
        );
        return { request: badDocument(failure, this.prefix) };
      }
    }
    let decoded: { schemaId: number; data: unknown };
    const entities: (DocumentEntity & { schemaId: number })[] = [];
    let at = '';
    try {
      decoded = await this.decode(record.value);
      const header = headers[goodEventHeaders.entities];
      for (const [index, bytes] of (header ? decodeEntitiesHeader(header) : []).entries()) {
        at = `entity ${index}: `;
        const entity = await this.decode(bytes);
        const { key, uri } = await this.schemaNamesOf(entity.schemaId);
        entities.push({ ...entity, key, ...(uri === undefined ? {} : { uri }) });
      }
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      const failure = this.sinkFailure(
        record,
        'encoding_failed',
        `${at}${(error as Error).message}`,
      );
      return { request: badDocument(failure, this.prefix) };
    }
    const { uri: eventSchema } = await this.schemaNamesOf(decoded.schemaId);
    const request = goodDocument(headers, decoded.data, this.prefix, record, entities, eventSchema);
    const eventType = headers['sift-event-type'];
    const mappings: Mapping[] = entities.map(({ schemaId, key }) => ({
      schemaId,
      key,
      under: 'entities',
    }));
    if (eventType) {
      mappings.unshift({ schemaId: decoded.schemaId, key: dataKey(eventType), under: 'data' });
    }
    return { request, mappings };
  }

  /** Decodes Confluent wire-format bytes with the schema their id names. */
  private async decode(bytes: Buffer): Promise<{ schemaId: number; data: unknown }> {
    const { schemaId, payload } = decodeWireFormat(bytes);
    const { schemaType, schema, references } = await this.deps.schemas.schemaById(schemaId);
    const needed =
      references.length > 0 && !this.deps.validators.has(schemaId)
        ? await this.deps.schemas.referencedSchemas(references)
        : [];
    const data = this.deps.validators.get(schemaId, schemaType, schema, needed).decode(payload);
    return { schemaId, data };
  }

  /**
   * A schema's key under `entities` (its Iglu `<vendor>.<name>`) and its Iglu URI, read once per
   * schema id.
   */
  private async schemaNamesOf(schemaId: number): Promise<{ key: string; uri: string | undefined }> {
    const known = this.schemaNames.get(schemaId);
    if (known !== undefined) return known;
    const { schema } = await this.deps.schemas.schemaById(schemaId);
    const names = { key: entityKey(schema, schemaId), uri: igluUri(schema) };
    this.schemaNames.set(schemaId, names);
    return names;
  }

  /** A record the sink cannot read at all: a bad event carrying its bytes. */
  private sinkFailure(record: ConsumedRecord, kind: BadEventKind, message: string): BadEvent {
    const headers = record.headers ?? {};
    return {
      id: documentId(headers['sift-event-id'], record),
      received_at: receivedTime(headers['sift-received-at'], record),
      stage: 'sink',
      kind,
      ...(headers['sift-event-type'] ? { event: headers['sift-event-type'] } : {}),
      errors: [{ path: '', keyword: kind, message }],
      // Good records are Avro or JSON behind a binary header: keep their bytes exactly.
      payload: record.value.toString(this.deps.verdict === 'good' ? 'base64' : 'utf8'),
      source: { endpoint: `${record.topic}/${record.partition}@${record.offset}` },
      ...(headers['sift-test-id'] ? { test_id: headers['sift-test-id'] } : {}),
    };
  }

  /** A document the store refused: a bad event with the refusal and the document. */
  private rejectedEvent(request: IndexRequest, reason: string): BadEvent {
    const event = request.document['event'] as { dataset?: string; created?: string } | undefined;
    const client = request.document['client'] as { ip?: string } | undefined;
    const userAgent = request.document['user_agent'] as { original?: string } | undefined;
    const testId = request.document['test_id'];
    return {
      id: request.id,
      received_at: event?.created ?? new Date().toISOString(),
      stage: 'sink',
      kind: 'index_rejected',
      ...(event?.dataset ? { event: event.dataset } : {}),
      errors: [
        {
          path: '',
          keyword: 'index_rejected',
          message: `${request.index} refused the document: ${reason}`,
        },
      ],
      payload: JSON.stringify(request.document),
      source: {
        endpoint: `index ${request.index}`,
        ...(client?.ip ? { ip: client.ip } : {}),
        ...(userAgent?.original ? { user_agent: userAgent.original } : {}),
      },
      ...(typeof testId === 'string' ? { test_id: testId } : {}),
    };
  }
}
