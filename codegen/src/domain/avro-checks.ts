import { AvroNames, declaredFullName, namespaceOf } from './avro-types';
import type { AvroSchema, NamedAvroType } from './avro-types';

type AvroObject = { [key: string]: unknown };

function isObject(value: unknown): value is AvroObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Avro's JSON encoding of bytes: one character per byte, so none above U+00FF. */
const NOT_BYTES = '/[^\\u0000-\\u00ff]/';

/**
 * Generates the JavaScript of a validator for Avro event data in natural JSON (what the
 * collector takes): an expression whose value is `(data) => violations`. Every type gets a
 * small function `t<n>(value, path, out)`; no library is needed to run it.
 */
export function avroValidatorCode(
  schemaText: string,
  references: readonly { schema: string }[] = [],
): string {
  const names = new AvroNames('Root');
  const parse = (text: string): AvroSchema => {
    try {
      return JSON.parse(text) as AvroSchema;
    } catch {
      return text.trim();
    }
  };
  const root = parse(schemaText);
  names.collect(root, undefined, true);
  for (const reference of references) names.collect(parse(reference.schema), undefined, false);

  const functions: string[] = [];
  const namedFunctions = new Map<string, string>();

  const add = (body: string): string => {
    const name = `t${functions.length}`;
    functions.push(`function ${name}(v, p, out) {\n${body}\n}`);
    return name;
  };
  const issue = (keyword: string, message: string): string =>
    `out.push({ path: p, keyword: ${JSON.stringify(keyword)}, message: ${JSON.stringify(message)} });`;

  const checker = (schema: AvroSchema, namespace: string | undefined): string => {
    if (typeof schema === 'string') return primitiveOrNamed(schema, namespace);
    if (Array.isArray(schema)) {
      const branches = schema.map((branch) => checker(branch, namespace));
      const described = schema.map(describe).join(' or ');
      return add(
        `  for (const branch of [${branches.join(', ')}]) { const o = []; branch(v, p, o); if (o.length === 0) return; }\n  ${issue('type', `must be ${described}`)}`,
      );
    }
    const type = schema['type'];
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      return namedChecker(names.resolve(declaredFullName(schema, namespace), undefined));
    }
    if (type === 'array') {
      const items = checker(schema['items'] as AvroSchema, namespace);
      return add(
        `  if (!Array.isArray(v)) { ${issue('type', 'must be an array')} return; }\n  v.forEach((item, i) => ${items}(item, p + "/" + i, out));`,
      );
    }
    if (type === 'map') {
      const values = checker(schema['values'] as AvroSchema, namespace);
      return add(
        `  if (v === null || typeof v !== "object" || Array.isArray(v)) { ${issue('type', 'must be an object (map)')} return; }\n  for (const k of Object.keys(v)) ${values}(v[k], p + "/" + k.replace(/~/g, "~0").replace(/\\//g, "~1"), out);`,
      );
    }
    if (typeof type === 'string') return primitiveOrNamed(type, namespace);
    return checker(type as AvroSchema, namespace);
  };

  const primitiveOrNamed = (name: string, namespace: string | undefined): string => {
    switch (name) {
      case 'null':
        return add(`  if (v !== null) ${issue('type', 'must be null')}`);
      case 'boolean':
        return add(`  if (typeof v !== "boolean") ${issue('type', 'must be a boolean')}`);
      case 'int':
        return add(
          `  if (!Number.isInteger(v) || v < ${INT_MIN} || v > ${INT_MAX}) ${issue('type', 'must be an int (32-bit integer)')}`,
        );
      case 'long':
        return add(
          `  if (!Number.isSafeInteger(v)) ${issue('type', 'must be a long (64-bit integer)')}`,
        );
      case 'float':
      case 'double':
        return add(
          `  if (typeof v !== "number" || !Number.isFinite(v)) ${issue('type', `must be a ${name}`)}`,
        );
      case 'bytes':
        return add(
          `  if (typeof v !== "string" || ${NOT_BYTES}.test(v)) ${issue('type', 'must be a string of bytes (characters U+0000 to U+00FF)')}`,
        );
      case 'string':
        return add(`  if (typeof v !== "string") ${issue('type', 'must be a string')}`);
      default:
        return namedChecker(names.resolve(name, namespace));
    }
  };

  const namedChecker = (named: NamedAvroType): string => {
    const existing = namedFunctions.get(named.fullName);
    if (existing) return existing;
    // Reserve the name first: a recursive record refers to itself.
    const name = `t${functions.length}`;
    namedFunctions.set(named.fullName, name);
    functions.push('');
    const index = functions.length - 1;
    const { schema } = named;
    let body: string;
    if (schema['type'] === 'enum') {
      const symbols = Array.isArray(schema['symbols'])
        ? (schema['symbols'] as unknown[]).map(String)
        : [];
      body = `  if (!${JSON.stringify(symbols)}.includes(v)) ${issue('enum', `must be one of ${symbols.join(', ')}`)}`;
    } else if (schema['type'] === 'fixed') {
      const size = Number(schema['size']);
      body = `  if (typeof v !== "string" || v.length !== ${size} || ${NOT_BYTES}.test(v)) ${issue('type', `must be a string of ${size} bytes (fixed, characters U+0000 to U+00FF)`)}`;
    } else {
      const namespace = namespaceOf(named);
      const fields = (
        Array.isArray(schema['fields']) ? (schema['fields'] as unknown[]) : []
      ).filter(isObject);
      const lines = [
        `  if (v === null || typeof v !== "object" || Array.isArray(v)) { ${issue('type', `must be an object (record ${named.fullName})`)} return; }`,
        `  for (const k of Object.keys(v)) if (!${JSON.stringify(fields.map((f) => String(f['name'])))}.includes(k)) out.push({ path: p + "/" + k, keyword: "additionalProperties", message: "is not a field of ${named.fullName}" });`,
      ];
      for (const field of fields) {
        const fieldName = String(field['name']);
        const check = checker(field['type'] as AvroSchema, namespace);
        const at = JSON.stringify(`/${fieldName.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        const key = JSON.stringify(fieldName);
        lines.push(
          'default' in field
            ? `  if (v[${key}] !== undefined) ${check}(v[${key}], p + ${at}, out);`
            : `  if (v[${key}] === undefined) out.push({ path: p + ${at}, keyword: "required", message: ${JSON.stringify(`is required (${describe(field['type'] as AvroSchema)})`)} });\n  else ${check}(v[${key}], p + ${at}, out);`,
        );
      }
      body = lines.join('\n');
    }
    functions[index] = `function ${name}(v, p, out) {\n${body}\n}`;
    return name;
  };

  const entry = checker(root, undefined);
  return `(() => {\n${functions.join('\n')}\nreturn (data) => { const out = []; ${entry}(data, "", out); return out; };\n})()`;
}

/** How a person reads an Avro type in a message. */
function describe(schema: AvroSchema): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return schema.map(describe).join(' or ');
  const type = schema['type'];
  if (typeof type === 'string') {
    if (type === 'array') return `array of ${describe(schema['items'] as AvroSchema)}`;
    if (type === 'map') return `map of ${describe(schema['values'] as AvroSchema)}`;
    return typeof schema['name'] === 'string' ? `${type} ${schema['name']}` : type;
  }
  return describe(type as AvroSchema);
}
