import type { JSONSchemaType } from 'ajv';
import { ConfigError, loadConfig } from '@sift/common';
import type { EnvMap } from '@sift/common';

interface DemoConfig {
  port: number;
  brokers: string[];
  verbose: boolean;
  name: string;
}

const schema: JSONSchemaType<DemoConfig> = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
    brokers: { type: 'array', items: { type: 'string' }, minItems: 1 },
    verbose: { type: 'boolean', default: false },
    name: { type: 'string', default: 'sift' },
  },
  required: ['port', 'brokers', 'verbose', 'name'],
  additionalProperties: false,
};

const fields: EnvMap<DemoConfig> = {
  port: { env: 'SIFT_PORT', type: 'integer' },
  brokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  verbose: { env: 'SIFT_VERBOSE', type: 'boolean' },
  name: { env: 'SIFT_NAME', type: 'string' },
};

describe('loadConfig', () => {
  it('reads typed values and fills defaults', () => {
    const config = loadConfig(schema, fields, {
      SIFT_KAFKA_BROKERS: 'a:1, b:2',
      SIFT_VERBOSE: 'yes',
    });
    expect(config).toEqual({ port: 8080, brokers: ['a:1', 'b:2'], verbose: true, name: 'sift' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(schema, fields, { SIFT_PORT: 'eighty', SIFT_VERBOSE: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('SIFT_PORT="eighty"');
    expect(message).toContain('SIFT_VERBOSE="maybe"');
    expect(message).toContain('SIFT_KAFKA_BROKERS');
    expect((caught as ConfigError).code).toBe('SIFT_CONFIG_INVALID');
  });
});
