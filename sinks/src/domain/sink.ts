import { randomUUID } from 'node:crypto';
import { DEFAULT_INDEX_PREFIX, UpstreamError } from '@sift/common';
import type { BadEvent, BadEventKind, Logger, Verdict } from '@sift/common';
import type { ConsumedRecord } from '@sift/event-log';
import { decodeWireFormat } from '@sift/registry-client';
import type { ValidatorCache } from '@sift/validator';
import type { EventStore, IndexRequest, SchemaLookup } from '../ports';
import { badDocument, goodDocument } from './documents';

/** How hard to try before a batch is left for the log to deliver again. */
export interface RetryPolicy {
  /** Attempts per batch, the first included; default 5. */
  attempts: number;
  /** First pause between attempts, ms, doubled each time with jitter; default 200. */
  baseDelayMs: number;
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

  constructor(private readonly deps: SinkDeps) {
    this.retry = { attempts: 5, baseDelayMs: 200, ...deps.retry };
    this.sleep = deps.sleep ?? defaultSleep;
    this.prefix = deps.indexPrefix ?? DEFAULT_INDEX_PREFIX;
  }

  async handleBatch(records: ConsumedRecord[]): Promise<BatchResult> {
    const requests = await Promise.all(records.map((record) => this.toRequest(record)));
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
        if (attempt >= this.retry.attempts) {
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
      if (attempt >= this.retry.attempts) {
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

  private async toRequest(record: ConsumedRecord): Promise<IndexRequest> {
    const headers = record.headers ?? {};
    if (this.deps.verdict === 'bad') {
      try {
        return badDocument(JSON.parse(record.value.toString('utf8')) as BadEvent, this.prefix);
      } catch (error) {
        return badDocument(
          this.sinkFailure(
            record,
            'malformed_json',
            `not a bad event: ${(error as Error).message}`,
          ),
          this.prefix,
        );
      }
    }
    let decoded: unknown;
    try {
      const { schemaId, payload } = decodeWireFormat(record.value);
      const { schemaType, schema, references } = await this.deps.schemas.schemaById(schemaId);
      const needed =
        references.length > 0 && !this.deps.validators.has(schemaId)
          ? await this.deps.schemas.referencedSchemas(references)
          : [];
      decoded = this.deps.validators.get(schemaId, schemaType, schema, needed).decode(payload);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      return badDocument(
        this.sinkFailure(record, 'encoding_failed', (error as Error).message),
        this.prefix,
      );
    }
    return goodDocument(headers, decoded, this.prefix);
  }

  /** A record the sink cannot read at all: a bad event carrying its bytes. */
  private sinkFailure(record: ConsumedRecord, kind: BadEventKind, message: string): BadEvent {
    const headers = record.headers ?? {};
    return {
      id: headers['sift-event-id'] ?? randomUUID(),
      received_at: headers['sift-received-at'] ?? new Date(record.timestamp).toISOString(),
      stage: 'sink',
      kind,
      ...(headers['sift-event-type'] ? { event: headers['sift-event-type'] } : {}),
      errors: [{ path: '', keyword: kind, message }],
      // Good records are Avro or JSON behind a binary header: keep their bytes exactly.
      payload: record.value.toString(this.deps.verdict === 'good' ? 'base64' : 'utf8'),
      source: { endpoint: `${record.topic}/${record.partition}@${record.offset}` },
    };
  }

  /** A document the store refused: a bad event with the refusal and the document. */
  private rejectedEvent(request: IndexRequest, reason: string): BadEvent {
    const event = request.document['event'] as { dataset?: string; created?: string } | undefined;
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
      source: { endpoint: `index ${request.index}` },
    };
  }
}
