import type { Enrichment } from './enrich';

/** What a hook sees of one good event: read it, do not change it. */
export interface EnrichmentHookEvent {
  /** The event type: `com.acme.checkout_completed`. */
  eventType: string;
  /** The event data, validated against its schema. */
  data: unknown;
  /** The envelope's `context` (`{}` when it had none). */
  context: Record<string, unknown>;
  /** What the built-in enrichments found. */
  enrichment: Enrichment;
}

/**
 * Custom enrichment, run on every good event after the built-in enrichments and before the
 * event is written to the good topic. Returns extra headers for the good-topic record
 * (`{ 'acme-user-name': 'Ada' }`), or nothing. Keep it fast and cache what it looks up: the
 * collector answers the sender only after every hook of every event in the request settled.
 * Names starting with `sift-` are Sift's own and are ignored. A hook that throws or rejects
 * makes `runEnrichmentHooks` reject; return nothing when a lookup merely finds nothing.
 *
 * @example
 * const userName: EnrichmentHook = async ({ context }) => {
 *   const name = await users.nameOf(String(context['user_id']));
 *   return name === undefined ? undefined : { 'acme-user-name': name };
 * };
 */
export type EnrichmentHook = (
  event: EnrichmentHookEvent,
) => Promise<Record<string, string> | void> | Record<string, string> | void;

/** The headers hooks returned, and the names ignored (reserved `sift-*`, or a value not a string). */
export interface HookHeaders {
  headers: Record<string, string>;
  ignored: string[];
}

const RESERVED_PREFIX = 'sift-';

/**
 * Runs hooks concurrently on one event and merges their headers in hook order, a later hook
 * winning a name two return. Rejects with the first hook error, unchanged.
 */
export async function runEnrichmentHooks(
  hooks: readonly EnrichmentHook[],
  event: EnrichmentHookEvent,
): Promise<HookHeaders> {
  const results = await Promise.all(hooks.map(async (hook) => hook(event)));
  const merged: HookHeaders = { headers: {}, ignored: [] };
  for (const result of results) {
    if (result === undefined || result === null) continue;
    for (const [name, value] of Object.entries(result)) {
      if (
        name === '' ||
        name.toLowerCase().startsWith(RESERVED_PREFIX) ||
        typeof value !== 'string'
      ) {
        merged.ignored.push(name);
      } else {
        merged.headers[name] = value;
      }
    }
  }
  return merged;
}
