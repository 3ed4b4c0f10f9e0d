import { ConfigError, GOOD_TOPIC } from '@sift/common';
import { loadConsoleConfig } from '@sift/console';

describe('loadConsoleConfig', () => {
  it('defaults the registry, Kafka and good topic the console UI needs in sift ui', () => {
    const config = loadConsoleConfig({});
    expect(config).toMatchObject({
      registryUrl: 'http://127.0.0.1:8081',
      kafkaBrokers: ['127.0.0.1:9092'],
      goodTopic: GOOD_TOPIC,
      indexPrefix: 'sift',
    });
    expect(config.registryUsername).toBeUndefined();
    expect(config.registryPassword).toBeUndefined();
  });

  it('reads the registry, its credentials, the brokers and the good topic', () => {
    const config = loadConsoleConfig({
      SIFT_REGISTRY_URL: 'http://registry:8081',
      SIFT_REGISTRY_USERNAME: 'qa',
      SIFT_REGISTRY_PASSWORD: 's3cret',
      SIFT_KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      SIFT_GOOD_TOPIC: 'acme.good',
      SIFT_INDEX_PREFIX: 'acme',
    });
    expect(config).toMatchObject({
      registryUrl: 'http://registry:8081',
      registryUsername: 'qa',
      registryPassword: 's3cret',
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
      goodTopic: 'acme.good',
      indexPrefix: 'acme',
    });
  });

  it('names every bad variable in one error', () => {
    let thrown: unknown;
    try {
      loadConsoleConfig({ SIFT_REGISTRY_URL: 'registry:8081', SIFT_KAFKA_BROKERS: 'kafka' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(/SIFT_REGISTRY_URL="registry:8081"/);
    expect((thrown as Error).message).toMatch(/SIFT_KAFKA_BROKERS="kafka"/);
  });
});
