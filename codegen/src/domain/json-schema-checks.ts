import Ajv from 'ajv';
import { _Code } from 'ajv/dist/compile/codegen/code';
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import { ValidationError } from '@sift/common';

const DATE_TIME =
  /^\d{4}-[01]\d-[0-3]\d[tT ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[zZ]|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/;

/** A full-date (RFC 3339) that is on the calendar: no 2026-02-30. */
const DATE_SOURCE = `(s) => {
  const m = /^(\\d{4})-(\\d\\d)-(\\d\\d)$/.exec(s);
  if (!m) return false;
  const y = +m[1], mo = +m[2], d = +m[3];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days;
}`;

/**
 * Formats checked by code inlined into the generated validators (no ajv-formats at run time):
 * regular expressions, or the source of a self-contained function of the string.
 */
const FORMATS: Record<string, RegExp | { source: string }> = {
  'date-time': {
    source: `(s) => ${DATE_TIME.toString()}.test(s) && (${DATE_SOURCE})(s.slice(0, 10))`,
  },
  date: { source: DATE_SOURCE },
  // As ajv-formats (the collector's) checks them:
  duration: /^P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$/,
  'uri-template':
    // eslint-disable-next-line no-control-regex -- refuses control characters, as ajv-formats does
    /^(?:(?:[^\x00-\x20"'<>%\\^`{|}]|%[0-9a-f]{2})|\{[+#./;?&=,!@|]?(?:[a-z0-9_]|%[0-9a-f]{2})+(?::[1-9][0-9]{0,3}|\*)?(?:,(?:[a-z0-9_]|%[0-9a-f]{2})+(?::[1-9][0-9]{0,3}|\*)?)*\})*$/i,
  'json-pointer': /^(?:\/(?:[^~/]|~0|~1)*)*$/,
  'json-pointer-uri-fragment': /^#(?:\/(?:[a-z0-9_\-.!$&'()*+,;:=@]|%[0-9a-f]{2}|~0|~1)*)*$/i,
  'relative-json-pointer': /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/,
  regex: {
    source: `(s) => {
  if (/[^\\\\]\\\\Z/.test(s)) return false;
  try { new RegExp(s, "u"); return true; } catch { return false; }
}`,
  },
  time: /^(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[zZ]|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/,
  email:
    /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/,
  uri: /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/,
  'uri-reference': /^[^\s]*$/,
  uuid: /^(?:urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  ipv6: /^[0-9a-fA-F:.]+$/,
  hostname:
    /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/,
};

/**
 * Formats that JSON Schema defines or the collector (ajv-formats) checks. One of these that
 * FORMATS lacks is refused at generation time: the validator would let through what the
 * collector refuses. Any other `format` (Iglu's `jsonschema`) is an annotation, there as here.
 */
const CHECKED_SOMEWHERE = new Set([
  ...['date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname'],
  ...['ipv4', 'ipv6', 'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template'],
  ...['json-pointer', 'relative-json-pointer', 'regex', 'json-pointer-uri-fragment', 'url'],
  ...['iso-time', 'iso-date-time', 'byte', 'int32', 'int64', 'float', 'double', 'password'],
  'binary',
]);

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

/** Deep equality for `const`/`enum` of objects, in place of ajv's runtime helper. */
const EQUAL = `function equal(a, b) {
  if (a === b) return true;
  if (a && b && typeof a === "object" && typeof b === "object") {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a !== a && b !== b;
}`;

/** FORMATS as ajv takes them: the functions are made from the very source the code inlines. */
function formatsAtGeneration(): Record<string, RegExp | ((text: string) => boolean)> {
  return Object.fromEntries(
    Object.entries(FORMATS).map(([name, check]) => [
      name,
      check instanceof RegExp
        ? check
        : (new Function(`return (${check.source});`)() as (text: string) => boolean),
    ]),
  );
}

/** ajv warns of a format it has no check for; refuse those the collector or the spec checks. */
function refuseUncheckedFormat(...args: unknown[]): void {
  const match = /^unknown format "(.*)" ignored in schema at path "(.*)"$/.exec(String(args[0]));
  if (match && CHECKED_SOMEWHERE.has(match[1] ?? '')) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `format "${match[1]}" at ${match[2]} is not one generated validators can check`,
    );
  }
}

/**
 * Generates the JavaScript of a validator for a JSON Schema event schema with ajv's standalone
 * code generation: an expression whose value is `(data) => violations`. The code needs no ajv
 * at run time: formats are inlined regular expressions and deep equality is inlined too.
 */
export function jsonSchemaValidatorCode(
  schemaText: string,
  references: readonly { name: string; schema: string }[] = [],
): string {
  const schema = JSON.parse(schemaText) as Record<string, unknown> | boolean;
  const dialect =
    typeof schema === 'object' && String(schema['$schema'] ?? '').replace(/#$/, '') === DRAFT_2020
      ? Ajv2020
      : Ajv;
  const formatsCode = `{${Object.entries(FORMATS)
    .map(
      ([name, check]) =>
        `${JSON.stringify(name)}: ${check instanceof RegExp ? check.toString() : check.source}`,
    )
    .join(', ')}}`;
  const ajv = new dialect({
    allErrors: true,
    strict: false,
    unicode: false,
    logger: { log: () => undefined, warn: refuseUncheckedFormat, error: () => undefined },
    formats: formatsAtGeneration(),
    code: { source: true, formats: new _Code(formatsCode) },
  });
  ajv.addKeyword({ keyword: 'self', schemaType: 'object' });
  let code: string;
  try {
    for (const reference of references)
      ajv.addSchema(JSON.parse(reference.schema) as object, reference.name);
    // A dialect ajv does not know (Iglu's self-describing one) validates as draft-07.
    const withoutDialect =
      typeof schema === 'object' && dialect === Ajv && !DRAFT_07.test(String(schema['$schema']))
        ? Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'))
        : schema;
    const validate = ajv.compile(withoutDialect as object);
    code = standaloneCode(ajv, validate);
  } catch (error) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `Cannot compile JSON schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  code = code.replace(/require\("ajv\/dist\/runtime\/equal"\)\.default/g, 'equal');
  const leftover = /require\("([^"]+)"\)/.exec(code);
  if (leftover) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `The schema needs ${leftover[1]} at run time, which generated validators do not ship`,
    );
  }
  return `(() => {
const module = { exports: {} };
${EQUAL}
${code}
const validate = module.exports;
return (data) => validate(data) ? [] : validate.errors.map((e) => ({ path: e.instancePath, keyword: e.keyword, message: e.message ?? e.keyword }));
})()`;
}
