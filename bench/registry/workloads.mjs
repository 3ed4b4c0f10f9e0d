// @ts-check
/**
 * The schemas and requests of the registry benchmark. Each schema is an Avro event record of
 * seven fields (~500 bytes), made distinct by its namespace or by one extra field.
 */

/** @typedef {import('./load.mjs').BenchRequest} BenchRequest */

/**
 * An Avro event record in its own namespace, with optional extra fields.
 * @param {string} namespace
 * @param {string[]} [extraFields] names of optional string fields added at the end
 * @returns {string} the schema as JSON text
 */
export function eventSchema(namespace, extraFields = []) {
  return JSON.stringify({
    type: 'record',
    name: 'PageView',
    namespace,
    doc: 'A page seen by a user.',
    fields: [
      { name: 'eventId', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'userId', type: ['null', 'string'], default: null },
      { name: 'url', type: 'string' },
      { name: 'referrer', type: ['null', 'string'], default: null },
      { name: 'durationMs', type: 'int' },
      { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
      ...extraFields.map((name) => ({ name, type: ['null', 'string'], default: null })),
    ],
  });
}

/**
 * The subject and schema of the i-th seeded schema.
 * @param {number} i
 */
export function seed(i) {
  return { subject: `bench-seed-${i}`, schema: eventSchema(`bench.seed.s${i}`) };
}

/**
 * A register request.
 * @param {string} subject
 * @param {string} schema
 * @returns {BenchRequest}
 */
export function register(subject, schema) {
  return {
    method: 'POST',
    path: `/subjects/${encodeURIComponent(subject)}/versions`,
    body: JSON.stringify({ schema }),
  };
}

/**
 * The request generators, one per benchmarked operation, given the ids of the seeded schemas.
 * @param {number[]} seededIds ids of seeds 0..n-1, in order
 */
export function workloads(seededIds) {
  const pick = () => Math.floor(Math.random() * seededIds.length);
  let fresh = 0;
  return {
    /** @returns {BenchRequest} GET a random seeded schema by id. */
    getById: () => ({ method: 'GET', path: `/schemas/ids/${seededIds[pick()]}` }),
    /** @returns {BenchRequest} A seeded schema again, under its subject: the idempotent path. */
    registerSame: () => {
      const { subject, schema } = seed(pick());
      return register(subject, schema);
    },
    /** @returns {BenchRequest} A never-seen schema under a never-seen subject: nothing to check against. */
    registerNewSubject: () => {
      const n = fresh++;
      return register(`bench-new-${n}`, eventSchema(`bench.new.n${n}`));
    },
    /**
     * @returns {BenchRequest} A new version of a seeded subject: the seed plus one unique optional
     * field, so BACKWARD compatibility is checked against the latest version and passes.
     */
    registerNewVersion: () => {
      const n = fresh++;
      const i = n % seededIds.length;
      return register(seed(i).subject, eventSchema(`bench.seed.s${i}`, [`extra${n}`]));
    },
  };
}
