import Ajv from 'ajv';
import type { JSONSchemaType } from 'ajv';

export type { JSONSchemaType };
import { ConfigError } from './errors';

/** How one config field is read from the environment. */
export interface EnvField {
  /** The environment variable, e.g. `SIFT_KAFKA_BROKERS`. */
  env: string;
  /** How its text becomes a value. */
  type: 'string' | 'integer' | 'boolean' | 'list';
}

/** Maps each config key to its environment variable. */
export type EnvMap<T> = { [K in keyof T]-?: EnvField };

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false });

function parseField(field: EnvField, text: string): unknown {
  switch (field.type) {
    case 'string':
      return text;
    case 'integer':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean':
      if (/^(true|1|yes)$/i.test(text.trim())) return true;
      if (/^(false|0|no)$/i.test(text.trim())) return false;
      return text;
    case 'list':
      return text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
  }
}

/**
 * Reads a typed config object from environment variables, fills defaults, validates it
 * with `schema`, and returns it frozen. Throws one ConfigError naming every bad variable.
 */
export function loadConfig<T extends object>(
  schema: JSONSchemaType<T>,
  fields: EnvMap<T>,
  env: Readonly<Record<string, string | undefined>>,
): Readonly<T> {
  const raw: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields) as [string, EnvField][]) {
    const text = env[field.env];
    if (text !== undefined && text !== '') raw[key] = parseField(field, text);
  }
  const validate = ajv.compile(schema);
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((error) => {
      const key =
        error.keyword === 'required'
          ? String(error.params['missingProperty'])
          : (error.instancePath.split('/')[1] ?? '');
      const variable = (fields as Record<string, EnvField | undefined>)[key]?.env ?? key;
      const given = env[variable];
      return `${variable}${given === undefined ? '' : `=${JSON.stringify(given)}`} ${error.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`Invalid configuration: ${[...new Set(problems)].join('; ')}`, {
      details: { problems },
    });
  }
  return Object.freeze(raw as T);
}
