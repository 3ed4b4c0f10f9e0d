import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

// Helpers of the collector's tests against real Kafka and Elasticsearch.
export const KAFKA = '127.0.0.1:9092';
export const ELASTICSEARCH = 'http://127.0.0.1:9200';

/** A record read back from Kafka. */
export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning with a fresh group until `done` holds for what was read;
 * fails after `timeoutMs`.
 */
export async function readTopicUntil(
  topic: string,
  done: (records: ReadRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const consumer = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).consumer({
    groupId: `sift-it-reader-${randomUUID()}`,
  });
  const records: ReadRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topic}: condition not met by ${records.length} records`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value !== undefined)
              headers[name] = String(Array.isArray(value) ? value[0] : value);
          }
          records.push({
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value ?? Buffer.alloc(0),
            headers,
          });
          if (done(records)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Reads a topic from its beginning until `count` records pass `keep` (all, by default); returns those. */
export async function readTopic(
  topic: string,
  count: number,
  keep: (record: ReadRecord) => boolean = () => true,
): Promise<ReadRecord[]> {
  const kept: ReadRecord[] = [];
  await readTopicUntil(topic, (records) => {
    const last = records[records.length - 1];
    if (last !== undefined && keep(last)) kept.push(last);
    return kept.length >= count;
  });
  return kept;
}

/** A search hit with its version. */
export interface Hit {
  _index: string;
  _id: string;
  _version: number;
  _source: Record<string, unknown>;
}

/** Searches indices for documents by `_id`; polls until `done` holds for the hits. */
export async function searchIdsUntil(
  index: string,
  ids: string[],
  done: (hits: Hit[]) => boolean,
  timeoutMs = 30_000,
): Promise<Hit[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetch(`${ELASTICSEARCH}/${index}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: true, size: 100, query: { ids: { values: ids } } }),
    });
    if (answer.ok) {
      const hits = ((await answer.json()) as { hits: { hits: Hit[] } }).hits.hits;
      if (done(hits)) return hits;
    }
    if (Date.now() > deadline) throw new Error(`${index}: ${ids.join(', ')} not as expected`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Deletes the topics, indices and index templates a test created. */
export async function cleanUp(topics: string[], indexPrefix?: string): Promise<void> {
  if (indexPrefix) {
    await fetch(`${ELASTICSEARCH}/${indexPrefix}-*`, { method: 'DELETE' });
    for (const verdict of ['good', 'bad']) {
      await fetch(`${ELASTICSEARCH}/_index_template/${indexPrefix}-${verdict}`, {
        method: 'DELETE',
      });
    }
  }
  const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}
