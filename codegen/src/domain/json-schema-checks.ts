import Ajv from 'ajv';
import { _Code } from 'ajv/dist/compile/codegen/code';
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import { ValidationError } from '@sift/common';

/** Formats checked by regular expressions inlined into the generated code (no ajv-formats at run time). */
const FORMATS: Record<string, RegExp> = {
  'date-time':
    /^\d{4}-[01]\d-[0-3]\d[tT ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[zZ]|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/,
  date: /^\d{4}-[01]\d-[0-3]\d$/,
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
    .map(([name, regex]) => `${JSON.stringify(name)}: ${regex.toString()}`)
    .join(', ')}}`;
  const ajv = new dialect({
    allErrors: true,
    strict: false,
    unicode: false,
    logger: false,
    formats: FORMATS,
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
