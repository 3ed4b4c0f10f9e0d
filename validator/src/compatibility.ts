import type { CompatibilityOptions, SchemaFormat, SchemaText } from './schema-format';

/** Confluent's compatibility levels. */
export const compatibilityLevels = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

/** How new versions of a subject must relate to earlier ones. */
export type CompatibilityLevel = (typeof compatibilityLevels)[number];

/** An earlier version a candidate is checked against. */
export interface PreviousVersion extends SchemaText {
  version: number;
  schemaType: string;
}

/**
 * Checks a candidate schema against a subject's live versions (oldest first) under a level,
 * and returns why it is not compatible, in words; empty when it is. Non-transitive levels
 * look at the latest version only. BACKWARD: the candidate reads data written with the old
 * schema; FORWARD: the old schema reads data written with the candidate; FULL: both.
 * `options` tune the rules (Confluent's by default).
 */
export function compatibilityMessages(
  format: SchemaFormat,
  level: CompatibilityLevel,
  candidate: SchemaText,
  previous: PreviousVersion[],
  options: CompatibilityOptions = {},
): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const messages: string[] = [];
  for (const old of [...against].reverse()) {
    if (old.schemaType !== format.schemaType) {
      messages.push(
        `version ${old.version} is a ${old.schemaType} schema; a ${format.schemaType} schema cannot replace it`,
      );
      continue;
    }
    const checks: [string, SchemaText, SchemaText][] = [];
    if (backward) checks.push(['the new schema cannot read data written with', candidate, old]);
    if (forward)
      checks.push(['data written with the new schema cannot be read by', old, candidate]);
    for (const [what, reader, writer] of checks) {
      for (const issue of format.readerIncompatibilities(reader, writer, options)) {
        messages.push(
          `${level}: ${what} version ${old.version}: ${issue.message} (${issue.keyword} at ${issue.path || '/'})`,
        );
      }
    }
  }
  return messages;
}
