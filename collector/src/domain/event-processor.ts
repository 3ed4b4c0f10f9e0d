import { randomUUID } from 'node:crypto';
import { goodEventHeaders } from '@sift/common';
import type { BadEvent, BadEventKind, BadEventSource, ValidationIssue } from '@sift/common';
import type { LogRecord } from '@sift/event-log';
import { encodeWireFormat } from '@sift/registry-client';
import type { ValidatorCache } from '@sift/validator';
import type { SchemaSource } from '../ports';
import { isUuid, readEnvelope } from './envelope';
import type { EventEnvelope } from './envelope';

/** What the sender is told about one event. */
export type EventVerdict =
  | { index: number; id: string; status: 'accepted' }
  | {
      index: number | null;
      id: string;
      status: 'rejected';
      kind: BadEventKind;
      errors: ValidationIssue[];
    };

/** The outcome of one request: records for the good topic, bad events, and a verdict per event. */
export interface Collected {
  good: LogRecord[];
  bad: BadEvent[];
  verdicts: EventVerdict[];
}

/** Who sent a request and how. */
export interface RequestSource extends BadEventSource {
  /** The anonymized client address. */
  ip?: string;
}

/** What the processor needs from outside. */
export interface EventProcessorDeps {
  schemas: SchemaSource;
  validators: ValidatorCache;
  now?: () => Date;
  newId?: () => string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Turns a request body into good records and bad events. Every input that is not a good
 * event becomes a bad event with its original payload, so received = good + bad.
 */
export class EventProcessor {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: EventProcessorDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /** Processes the raw text of a `POST /v1/events` body. */
  async processBody(body: string, source: RequestSource): Promise<Collected> {
    const receivedAt = this.now().toISOString();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return this.rejectWhole(body, source, receivedAt, 'malformed_json', [
        {
          path: '',
          keyword: 'json',
          message: `the body is not valid JSON: ${(error as Error).message}`,
        },
      ]);
    }
    const events = Array.isArray((parsed as { events?: unknown } | null)?.events)
      ? (parsed as { events: unknown[] }).events
      : undefined;
    if (!events) {
      return this.rejectWhole(body, source, receivedAt, 'invalid_envelope', [
        { path: '/events', keyword: 'required', message: 'the body must be {"events": [ ... ]}' },
      ]);
    }
    const collected: Collected = { good: [], bad: [], verdicts: [] };
    const outcomes = await Promise.all(
      events.map((raw) => this.processEvent(raw, source, receivedAt)),
    );
    outcomes.forEach((outcome, index) => {
      if ('record' in outcome) {
        collected.good.push(outcome.record);
        collected.verdicts.push({ index, id: outcome.id, status: 'accepted' });
      } else {
        collected.bad.push(outcome.bad);
        const { id, kind, errors } = outcome.bad;
        collected.verdicts.push({ index, id, status: 'rejected', kind, errors });
      }
    });
    return collected;
  }

  private async processEvent(
    raw: unknown,
    source: RequestSource,
    receivedAt: string,
  ): Promise<{ record: LogRecord; id: string } | { bad: BadEvent }> {
    const payload = JSON.stringify(raw) ?? 'undefined';
    const givenId = (raw as { id?: unknown } | null)?.id;
    const id = isUuid(givenId) ? givenId : this.newId();
    const read = readEnvelope(raw);
    const bad = (
      kind: BadEventKind,
      errors: ValidationIssue[],
      envelope?: EventEnvelope,
      version?: number,
    ): { bad: BadEvent } => ({
      bad: {
        id,
        received_at: receivedAt,
        stage:
          kind === 'schema_violation' || kind === 'encoding_failed' ? 'validator' : 'collector',
        kind,
        ...(envelope ? { event: envelope.event } : {}),
        ...(version !== undefined
          ? { version }
          : envelope?.version !== undefined
            ? { version: envelope.version }
            : {}),
        errors,
        payload,
        source,
      },
    });
    if ('issues' in read) return bad('invalid_envelope', read.issues);
    const { envelope } = read;

    const resolved = await this.deps.schemas.resolve(envelope.event, envelope.version);
    if (resolved === 'unknown_event') {
      return bad(
        'unknown_event',
        [
          {
            path: '/event',
            keyword: 'unknown_event',
            message: `no schema is registered for event type "${envelope.event}"`,
          },
        ],
        envelope,
      );
    }
    if (resolved === 'unknown_version') {
      return bad(
        'unknown_version',
        [
          {
            path: '/version',
            keyword: 'unknown_version',
            message: `event type "${envelope.event}" has no version ${envelope.version}`,
          },
        ],
        envelope,
      );
    }

    const compiled = this.deps.validators.get(
      resolved.id,
      resolved.schemaType,
      resolved.schema,
      resolved.references,
    );
    const { value, issues } = compiled.validate(envelope.data);
    if (issues.length > 0) return bad('schema_violation', issues, envelope, resolved.version);
    let encoded: Buffer;
    try {
      encoded = compiled.encode(value);
    } catch (error) {
      return bad(
        'encoding_failed',
        [{ path: '', keyword: 'encode', message: (error as Error).message }],
        envelope,
        resolved.version,
      );
    }

    const context = envelope.context ?? {};
    const userId = text(context['user_id']);
    const sessionId = text(context['session_id']);
    const headers: Record<string, string> = {
      [goodEventHeaders.eventId]: id,
      [goodEventHeaders.eventType]: envelope.event,
      [goodEventHeaders.schemaId]: String(resolved.id),
      [goodEventHeaders.schemaVersion]: String(resolved.version),
      [goodEventHeaders.receivedAt]: receivedAt,
    };
    const optional: [string, string | undefined][] = [
      [goodEventHeaders.sentAt, envelope.sent_at],
      [goodEventHeaders.userAgent, source.user_agent],
      [goodEventHeaders.clientIp, source.ip],
      [goodEventHeaders.pageUrl, text(context['page_url'])],
      [goodEventHeaders.referrer, text(context['referrer'])],
      [goodEventHeaders.userId, userId],
      [goodEventHeaders.sessionId, sessionId],
    ];
    for (const [name, value] of optional) if (value !== undefined) headers[name] = value;
    return {
      id,
      record: {
        key: userId ?? sessionId ?? id,
        value: encodeWireFormat(resolved.id, encoded),
        headers,
      },
    };
  }

  private rejectWhole(
    body: string,
    source: RequestSource,
    receivedAt: string,
    kind: BadEventKind,
    errors: ValidationIssue[],
  ): Collected {
    const bad: BadEvent = {
      id: this.newId(),
      received_at: receivedAt,
      stage: 'collector',
      kind,
      errors,
      payload: body,
      source,
    };
    return {
      good: [],
      bad: [bad],
      verdicts: [{ index: null, id: bad.id, status: 'rejected', kind, errors }],
    };
  }
}
