import { ConfigError } from '@sift/common';
import { loadRecoveryConfig, loadValidateStageConfig } from '@sift/collector';

describe('recovery config', () => {
  it('defaults to the contract topics, local services and the sift index prefix', () => {
    expect(loadRecoveryConfig({})).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      registryUrl: 'http://127.0.0.1:8081',
      elasticsearchUrl: 'http://127.0.0.1:9200',
      goodTopic: 'sift.events.good',
      badTopic: 'sift.events.bad',
      indexPrefix: 'sift',
      internalDomains: [],
    });
  });

  it('reads the usual SIFT_* variables', () => {
    expect(
      loadRecoveryConfig({
        SIFT_KAFKA_BROKERS: 'k1:9092, k2:9092',
        SIFT_REGISTRY_URL: 'http://registry:8081',
        SIFT_ELASTICSEARCH_URL: 'http://es:9200',
        SIFT_GOOD_TOPIC: 'g',
        SIFT_BAD_TOPIC: 'b',
        SIFT_INDEX_PREFIX: 'staging',
        SIFT_COLLECTOR_INTERNAL_DOMAINS: 'shop.example,pay.example',
      }),
    ).toEqual({
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      registryUrl: 'http://registry:8081',
      elasticsearchUrl: 'http://es:9200',
      goodTopic: 'g',
      badTopic: 'b',
      indexPrefix: 'staging',
      internalDomains: ['shop.example', 'pay.example'],
    });
  });

  it('names every bad variable in one error', () => {
    expect(() =>
      loadRecoveryConfig({ SIFT_ELASTICSEARCH_URL: 'es:9200', SIFT_INDEX_PREFIX: 'Upper' }),
    ).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringMatching(
          /SIFT_ELASTICSEARCH_URL="es:9200".*SIFT_INDEX_PREFIX="Upper"/,
        ),
      }),
    );
  });
});

describe('validate stage config', () => {
  it('takes enrichment settings from the collector variables', () => {
    expect(
      loadValidateStageConfig({
        SIFT_COLLECTOR_IP_ANONYMIZATION: 'full',
        SIFT_COLLECTOR_INTERNAL_DOMAINS: 'shop.example',
        SIFT_COLLECTOR_GEO_DATABASE: '/data/city.mmdb',
      }),
    ).toMatchObject({
      ipAnonymization: 'full',
      internalDomains: ['shop.example'],
      geoDatabase: '/data/city.mmdb',
    });
    expect(loadValidateStageConfig({})).toMatchObject({
      ipAnonymization: 'partial',
      internalDomains: [],
    });
  });

  it('reads the raw topic and its own group, port and cache time', () => {
    expect(
      loadValidateStageConfig({
        SIFT_RAW_TOPIC: 'raw',
        SIFT_VALIDATE_GROUP_ID: 'v',
        SIFT_VALIDATE_PORT: '0',
        SIFT_VALIDATE_SCHEMA_CACHE_MS: '0',
      }),
    ).toMatchObject({ rawTopic: 'raw', groupId: 'v', port: 0, schemaCacheMs: 0 });
    expect(loadValidateStageConfig({})).toMatchObject({
      rawTopic: 'sift.events.raw',
      groupId: 'sift-validate',
      port: 8085,
    });
  });
});
