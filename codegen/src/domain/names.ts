const WORD = /[A-Za-z0-9]+/g;

function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `checkout_completed` → `CheckoutCompleted`; a leading digit gets an `_`. */
export function pascalCase(text: string): string {
  const name = words(text).map(capitalize).join('');
  return /^[0-9]/.test(name) ? `_${name}` : name || '_';
}

/** `checkout_completed` → `checkoutCompleted`. */
export function camelCase(text: string): string {
  const name = pascalCase(text);
  return name.startsWith('_') ? name : name.charAt(0).toLowerCase() + name.slice(1);
}

/** Members the generated tracker has besides the event methods. */
const RESERVED = new Set([
  'track',
  'flush',
  'shutdown',
  'identify',
  'runtime',
  'captureErrors',
  'constructor',
]);

/**
 * The method and type name of each event type: its last segment (`com.acme.checkout_completed`
 * → `checkoutCompleted`, `CheckoutCompleted`), or the whole dotted name when two event types
 * share a last segment.
 */
export function eventNames(
  eventTypes: readonly string[],
): Map<string, { method: string; type: string }> {
  const lastOf = (eventType: string): string => eventType.slice(eventType.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const eventType of eventTypes) {
    const key = camelCase(lastOf(eventType));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const names = new Map<string, { method: string; type: string }>();
  for (const eventType of eventTypes) {
    const short = camelCase(lastOf(eventType));
    let method = (counts.get(short) ?? 0) > 1 ? camelCase(eventType) : short;
    if (RESERVED.has(method)) method = `${method}Event`;
    names.set(eventType, { method, type: capitalize(method) });
  }
  return names;
}

/** A property key as TypeScript writes it: bare when an identifier, else quoted. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A doc comment for text (one or more lines), indented; empty when there is no text. */
export function docComment(text: string | undefined, indent = ''): string {
  if (!text || text.trim() === '') return '';
  const lines = text.replace(/\*\//g, '*\\/').trim().split(/\r?\n/);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`;
}
