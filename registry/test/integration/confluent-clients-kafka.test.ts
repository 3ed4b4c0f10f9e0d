import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import { KafkaSchemaStore } from '@sift/registry';
import { describeConfluentClients } from '../support/confluent-client-suite';

// Both Confluent clients against the registry on a real Kafka `_schemas`-style topic.
const KAFKA = '127.0.0.1:9092';
const topics: string[] = [];

describeConfluentClients('kafka', () => {
  const topic = `_schemas_clients_${randomUUID().slice(0, 8)}`;
  topics.push(topic);
  return new KafkaSchemaStore({
    brokers: [KAFKA],
    topic,
    logger: createLogger('clients-kafka', 'warn'),
  });
});

afterAll(async () => {
  const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});
