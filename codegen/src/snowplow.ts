import { ValidationError } from '@sift/common';
import { header, lockOf, OUTPUT_FILES, schemaDescription, validatorEntriesOf } from './generate';
import type { SelectedSchema } from './generate';
import { jsonSchemaTypeScript } from './json-schema-types';
import { docComment, eventNames } from './domain/names';

/** The tracker code codegen writes: Sift's own, or functions calling a Snowplow tracker. */
export type CodegenTarget = 'sift' | 'snowplow-browser' | 'snowplow-node';

/** Every target `--target` takes. */
export const CODEGEN_TARGETS: readonly CodegenTarget[] = [
  'sift',
  'snowplow-browser',
  'snowplow-node',
];

/** The `iglu:<vendor>/<name>/<format>/<M-R-A>` URI of a self-describing schema, from its `self`. */
export function igluUri(schema: SelectedSchema): string {
  let self: unknown;
  try {
    self = (JSON.parse(schema.schema) as { self?: unknown }).self;
  } catch {
    self = undefined;
  }
  const fields = (self ?? {}) as Record<string, unknown>;
  const parts = [fields['vendor'], fields['name'], fields['format'], fields['version']];
  if (
    schema.schemaType !== 'JSON' ||
    !parts.every((part) => typeof part === 'string' && part !== '') ||
    !/^\d+-\d+-\d+$/.test(fields['version'] as string)
  ) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `${schema.eventType} v${schema.version}: not a self-describing JSON Schema (no "self" block with vendor, name, format and version M-R-A); the Snowplow targets need Iglu schemas`,
    );
  }
  return `iglu:${parts.join('/')}`;
}

/**
 * Generates typed functions that call a Snowplow tracker: `events.ts` (one type per schema),
 * `tracker.ts` (one `track<Type>` function per event schema, typed entities, `useValidators`),
 * `validators.ts` and the lock file. `entities` are schemas only attached as entities; when
 * none are given, every schema may be attached as an entity. Same input, same output.
 */
export async function generateSnowplow(
  target: 'snowplow-browser' | 'snowplow-node',
  events: readonly SelectedSchema[],
  entities: readonly SelectedSchema[] = [],
): Promise<Record<string, string>> {
  const eventTypes = new Set(events.map((schema) => schema.eventType));
  const all = [...events, ...entities.filter((schema) => !eventTypes.has(schema.eventType))].sort(
    (a, b) => a.eventType.localeCompare(b.eventType),
  );
  const lock = lockOf(all);
  const names = eventNames(all.map((schema) => schema.eventType));
  const typeOf = (eventType: string): string => names.get(eventType)?.type ?? '_';
  const uris = new Map(all.map((schema) => [schema.eventType, igluUri(schema)]));
  const uriOf = (eventType: string): string => JSON.stringify(uris.get(eventType));
  const entitySchemas = entities.length > 0 ? entities : all;

  const types = await jsonSchemaTypeScript(
    all.map((schema) => ({
      typeName: typeOf(schema.eventType),
      schema: schema.schema,
      references: schema.references,
    })),
  );
  const eventsFile = `${header(lock)}\n${types}`;

  const node = target === 'snowplow-node';
  const entityUnion = [...entitySchemas]
    .sort((a, b) => a.eventType.localeCompare(b.eventType))
    .map(
      (schema) => `\n  | { schema: ${uriOf(schema.eventType)}; data: ${typeOf(schema.eventType)} }`,
    )
    .join('');
  const functions = all
    .filter((schema) => eventTypes.has(schema.eventType))
    .map((schema) => {
      const type = typeOf(schema.eventType);
      const quoted = JSON.stringify(schema.eventType);
      const doc = `${schemaDescription(schema) ?? schema.eventType}\nSends \`${uris.get(schema.eventType)}\` (\`${schema.eventType}\` v${schema.version}).`;
      const call = node
        ? `tracker.track(buildSelfDescribingEvent<${type}>({ event: { schema: schemaUris[${quoted}], data } }), entities);`
        : `trackSelfDescribingEvent<${type}>({ event: { schema: schemaUris[${quoted}], data }, context: entities }, trackers);`;
      const parameters = node
        ? `tracker: Tracker, data: ${type}, entities: SnowplowEntity[] = []`
        : `data: ${type}, entities: SnowplowEntity[] = [], trackers?: string[]`;
      return `\n${docComment(doc)}export function track${type}(${parameters}): void {\n  check(${quoted}, data);\n  checkEntities(entities);\n  ${call}\n}\n`;
    })
    .join('');
  const imports = node
    ? `import { buildSelfDescribingEvent } from '@snowplow/node-tracker';\nimport type { Tracker } from '@snowplow/node-tracker';`
    : `import { trackSelfDescribingEvent } from '@snowplow/browser-tracker';`;
  const tracker = `${header(lock)}
${imports}
import { throwOnViolation } from '@sift/tracker';
import type { EventValidator, ViolationHandler } from '@sift/tracker';
import type { ${all.map((schema) => typeOf(schema.eventType)).join(', ')} } from './events';

/** The Iglu URI of each schema (event type \`<vendor>.<name>\`), exactly as its \`self\` names it. */
export const schemaUris = {
${all.map((schema) => `  ${JSON.stringify(schema.eventType)}: ${uriOf(schema.eventType)},\n`).join('')}} as const;

/** An event type (schema) this code knows. */
export type SiftEventType = keyof typeof schemaUris;

/** The registry version each event type's code was generated from (reported with violations). */
export const eventVersions = {
${all.map((schema) => `  ${JSON.stringify(schema.eventType)}: ${schema.version},\n`).join('')}} as const;

/** An entity these functions may attach: a self-describing JSON with its exact schema and typed data. */
export type SnowplowEntity =${entityUnion};

/** Validators by event type, such as \`validators\` from \`./validators\`. */
export type SiftValidators = { readonly [E in SiftEventType]?: EventValidator };

const eventTypeOfUri = new Map<string, SiftEventType>(
  (Object.keys(schemaUris) as SiftEventType[]).map((eventType) => [schemaUris[eventType], eventType]),
);

let validation: { validators: SiftValidators; onViolation: ViolationHandler } | undefined;

/**
 * Checks every event and entity before it is sent (development and tests):
 * \`useValidators(validators)\` with \`validators\` from \`./validators\`. A violation goes to
 * \`onViolation\` (default: throw an EventViolationError); \`useValidators(undefined)\` stops checking.
 */
export function useValidators(
  validators: SiftValidators | undefined,
  onViolation: ViolationHandler = throwOnViolation,
): void {
  validation = validators ? { validators, onViolation } : undefined;
}

function check(eventType: SiftEventType, data: unknown): void {
  const validate = validation?.validators[eventType];
  if (!validation || !validate) return;
  const violations = validate(data);
  if (violations.length > 0) validation.onViolation(eventType, eventVersions[eventType], violations);
}

function checkEntities(entities: readonly SnowplowEntity[]): void {
  for (const entity of entities) {
    const eventType = eventTypeOfUri.get(entity.schema);
    if (eventType) check(eventType, entity.data);
  }
}
${functions}`;

  const validators = `${header(lock, '// Precompiled validators (ajv standalone code); no ajv at run time.\n')}// @ts-nocheck
/* eslint-disable */
import type { EventValidator } from '@sift/tracker';
import type { SiftEventType } from './tracker';

/** A validator per event type, for useValidators. */
export const validators: { readonly [E in SiftEventType]: EventValidator } = {
${validatorEntriesOf(all).join('')}};
`;
  return {
    [OUTPUT_FILES.events]: eventsFile,
    [OUTPUT_FILES.tracker]: tracker,
    [OUTPUT_FILES.validators]: validators,
    [OUTPUT_FILES.lock]: `${JSON.stringify(lock, null, 2)}\n`,
  };
}
