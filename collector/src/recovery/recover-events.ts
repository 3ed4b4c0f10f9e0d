import type { BadEvent, BadEventKind } from '@sift/common';
import type { EventLog, LogRecord } from '@sift/event-log';
import { ValidatorCache } from '@sift/validator';
import type { EnrichmentHook, EnrichmentOptions } from '../domain/enrichment';
import { EventProcessor } from '../domain/event-processor';
import type { SchemaSource } from '../ports';
import { matchesQuery } from './bad-event-reader';
import type { BadEventQuery, BadEventReader } from './bad-event-reader';

/** What recovery needs from outside. */
export interface RecoveryDeps {
  schemas: SchemaSource;
  validators?: ValidatorCache;
  /** Where events that now pass go; not touched in a dry run. */
  log: Pick<EventLog, 'append'>;
  goodTopic: string;
  /**
   * Enrichment as the collector does it; default: keep the stored client address as it is
   * (`ipAnonymization: 'none'`), since the collector anonymized it before storing it.
   */
  enrichment?: EnrichmentOptions;
  /** Custom enrichments, as the collector runs them; none by default. */
  hooks?: readonly EnrichmentHook[];
}

/** How one recovery run reads and writes. */
export interface RecoveryOptions {
  query: BadEventQuery;
  /** Stop after this many bad events matched the query; default: no limit. */
  limit?: number;
  /** Report what would pass without writing anything. */
  dryRun: boolean;
  /** Good records per append; default 100. */
  appendBatch?: number;
  /** Matched events listed one by one in the report; default 100. */
  maxListed?: number;
}

/** What became of one matched bad event. */
export type RecoveryOutcome =
  | { id: string; event?: string; kind: BadEventKind; status: 'recovered' }
  | {
      id: string;
      event?: string;
      kind: BadEventKind;
      status: 'still_bad';
      /** The kind it has now. */
      now: BadEventKind;
      /** The first reason it still fails. */
      reason: string;
    }
  | { id: string; event?: string; kind: BadEventKind; status: 'skipped'; reason: string };

/** The counts of one recovery run. */
export interface RecoveryReport {
  dryRun: boolean;
  /** Records or documents read. */
  read: number;
  /** Records that are not bad events at all. */
  unreadable: number;
  /** Bad events that matched the query. */
  matched: number;
  /** Matched events that now pass: sent to the good topic (in a dry run: would be). */
  recovered: number;
  /** Matched events that still fail, not sent anywhere (they are in the bad topic already). */
  stillBad: number;
  /** Still-bad events by the kind they have now. */
  stillBadByKind: Partial<Record<BadEventKind, number>>;
  /** Matched events that cannot be re-validated, such as whole malformed bodies. */
  skipped: number;
  skippedByReason: Record<string, number>;
  /** The first `maxListed` matched events and what became of them. */
  events: RecoveryOutcome[];
  /** Matched events past `maxListed`, counted only. */
  unlisted: number;
}

/** Why a bad event cannot be re-validated as one event, or its payload as a one-event body. */
function oneEventBody(bad: BadEvent): { body: string } | { skip: string } {
  if (bad.stage === 'sink') {
    return { skip: 'found bad by a sink: the payload is not the event sent' };
  }
  if (bad.kind === 'malformed_json') return { skip: 'a malformed or unreadable request body' };
  if (bad.kind === 'size_violation') return { skip: 'over a size limit' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bad.payload);
  } catch {
    return { skip: 'the payload is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { skip: 'the payload is not a JSON object' };
  }
  if (Array.isArray((parsed as { events?: unknown }).events)) {
    return { skip: 'a whole request body, not one event' };
  }
  // The payload text is the event exactly as it was read; wrapping it keeps it byte for byte.
  return { body: `{"events":[${bad.payload}]}` };
}

/**
 * Re-validates bad events against the current schemas and appends those that now pass to
 * the good topic, with the bad event's id and received time and the same headers as the
 * collector writes. The same event recovered twice is appended twice with one id: the good
 * index stores documents under `_id` = event id, so the second copy overwrites the first.
 * Events that still fail are counted, not written again.
 */
export async function recoverEvents(
  reader: BadEventReader,
  options: RecoveryOptions,
  deps: RecoveryDeps,
): Promise<RecoveryReport> {
  const validators = deps.validators ?? new ValidatorCache();
  const enrichment: EnrichmentOptions = deps.enrichment ?? { ipAnonymization: 'none' };
  const appendBatch = options.appendBatch ?? 100;
  const maxListed = options.maxListed ?? 100;
  const report: RecoveryReport = {
    dryRun: options.dryRun,
    read: 0,
    unreadable: 0,
    matched: 0,
    recovered: 0,
    stillBad: 0,
    stillBadByKind: {},
    skipped: 0,
    skippedByReason: {},
    events: [],
    unlisted: 0,
  };
  const list = (outcome: RecoveryOutcome) => {
    if (report.events.length < maxListed) report.events.push(outcome);
    else report.unlisted++;
  };
  let pending: LogRecord[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const records = pending;
    pending = [];
    await deps.log.append(deps.goodTopic, records);
  };

  if (options.limit === undefined || options.limit > 0) {
    for await (const item of reader.read(options.query)) {
      report.read++;
      if ('unreadable' in item) {
        report.unreadable++;
        continue;
      }
      const { bad } = item;
      if (!matchesQuery(bad, options.query)) continue;
      report.matched++;
      const described = { id: bad.id, ...(bad.event ? { event: bad.event } : {}), kind: bad.kind };

      const input = oneEventBody(bad);
      if ('skip' in input) {
        report.skipped++;
        report.skippedByReason[input.skip] = (report.skippedByReason[input.skip] ?? 0) + 1;
        list({ ...described, status: 'skipped', reason: input.skip });
      } else {
        const receivedAt = Number.isNaN(Date.parse(bad.received_at))
          ? new Date()
          : new Date(bad.received_at);
        // newId answers the bad event's id, so an event sent without a UUID keeps it too.
        const processor = new EventProcessor({
          schemas: deps.schemas,
          validators,
          enrichment,
          ...(deps.hooks ? { hooks: deps.hooks } : {}),
          now: () => receivedAt,
          newId: () => bad.id,
        });
        const collected = await processor.processBody(input.body, bad.source, {
          ...(bad.source.ip ? { clientIp: bad.source.ip } : {}),
          ...(bad.test_id ? { testId: bad.test_id } : {}),
        });
        const good = collected.good[0];
        const still = collected.bad[0];
        if (good) {
          report.recovered++;
          if (!options.dryRun) pending.push(good);
          list({ ...described, status: 'recovered' });
        } else if (still) {
          report.stillBad++;
          report.stillBadByKind[still.kind] = (report.stillBadByKind[still.kind] ?? 0) + 1;
          list({
            ...described,
            status: 'still_bad',
            now: still.kind,
            reason: still.errors[0]?.message ?? still.kind,
          });
        }
        if (pending.length >= appendBatch) await flush();
      }
      if (options.limit !== undefined && report.matched >= options.limit) break;
    }
  }
  await flush();
  return report;
}
