import type { Type, types } from 'avsc';
import type { PathSegment } from '../parse-json';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
  );
}

function isRecord(type: Type): type is types.RecordType {
  return type.typeName === 'record' || type.typeName === 'error';
}

function isWrappedUnion(type: Type): type is types.WrappedUnionType {
  return type.typeName === 'union:wrapped';
}

/** The kind of JSON value a type takes, so a union tries only the branches a value could fit. */
function kindOfType(type: Type): string {
  switch (type.typeName) {
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'enum':
      return 'string';
    case 'record':
    case 'error':
    case 'map':
      return 'object';
    case 'bytes':
    case 'fixed':
      // Avro's JSON encoding writes bytes as text.
      return 'string';
    default:
      return type.typeName;
  }
}

function kindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Buffer.isBuffer(value)) return 'string';
  return typeof value;
}

/** The branch a value in Avro's JSON encoding names (`{"int": 5}`), with the value inside. */
function namedBranch(
  union: types.WrappedUnionType,
  value: unknown,
): { branch: Type; inner: unknown } | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [name] = keys as [string];
  const branch = union.types.find((candidate) => candidate.branchName === name);
  return branch && { branch, inner: value[name] };
}

/** avsc's in-memory form of a union value: `null` bare, any other branch wrapped in its name. */
function wrap(branch: Type, value: unknown): unknown {
  return branch.typeName === 'null' ? null : { [branch.branchName ?? branch.typeName]: value };
}

function fits(type: Type, value: unknown): boolean {
  return type.isValid(value, { noUndeclaredFields: true });
}

/** Whether a branch that takes a number keeps it as is: a float cannot hold every double. */
function holdsExactly(type: Type, value: unknown): boolean {
  return type.typeName !== 'float' || Math.fround(value as number) === value;
}

function issueCount(type: Type, value: unknown): number {
  let count = undeclaredFields(type, value).length;
  type.isValid(value, { errorHook: () => (count += 1) });
  return count;
}

/**
 * Picks the branch of a union for a value. Avro's JSON encoding (`{"string": "x"}`,
 * `{"com.acme.Item": {...}}`) names its branch and wins when its value fits that branch.
 * Natural JSON takes the first branch, in schema order, that holds the value exactly
 * (records without undeclared fields), else the first that holds it at all: `5` is an `int`
 * in `["int", "long"]`, `0.1` a `double` in `["float", "double"]`. A value no branch takes
 * goes into the record, map or array branch it comes closest to (or the only branch it could
 * be), so the issues found point inside it; else it stays bare and the union refuses it.
 */
function toUnionValue(union: types.WrappedUnionType, value: unknown): unknown {
  if (value === undefined) return value;
  const misfits: { branch: Type; converted: unknown }[] = [];
  const named = namedBranch(union, value);
  if (named) {
    const converted = toAvroValue(named.branch, named.inner);
    if (fits(named.branch, converted)) return wrap(named.branch, converted);
    misfits.push({ branch: named.branch, converted });
  }
  let inexact: unknown;
  for (const branch of union.types) {
    if (kindOfType(branch) !== kindOfValue(value)) continue;
    const converted = toAvroValue(branch, value);
    if (!fits(branch, converted)) {
      misfits.push({ branch, converted });
    } else if (holdsExactly(branch, value)) {
      return wrap(branch, converted);
    } else if (inexact === undefined) {
      inexact = wrap(branch, converted);
    }
  }
  if (inexact !== undefined) return inexact;
  let closest: { branch: Type; converted: unknown; issues: number } | undefined;
  for (const misfit of misfits) {
    const issues = issueCount(misfit.branch, misfit.converted);
    if (closest === undefined || issues < closest.issues) closest = { ...misfit, issues };
  }
  const structured =
    closest && ['record', 'error', 'map', 'array'].includes(closest.branch.typeName);
  return closest && (structured || misfits.length === 1)
    ? wrap(closest.branch, closest.converted)
    : value;
}

/**
 * Turns event data into the value avsc checks and encodes for a type compiled with
 * `wrapUnions: 'always'`: missing record fields that declare a default filled in, at every
 * depth, and every union value wrapped in the branch it resolves to. Data may be natural
 * JSON or use Avro's JSON encoding of unions, anywhere; what fits no schema is kept as is.
 */
export function toAvroValue(type: Type, value: unknown): unknown {
  if (isRecord(type)) {
    if (!isPlainObject(value)) return value;
    const converted: Record<string, unknown> = { ...value };
    for (const field of type.fields) {
      const current = value[field.name];
      const filled =
        current === undefined ? field.defaultValue() : toAvroValue(field.type, current);
      if (filled !== undefined) converted[field.name] = filled;
    }
    return converted;
  }
  if (isWrappedUnion(type)) return toUnionValue(type, value);
  switch (type.typeName) {
    case 'array': {
      const items = (type as types.ArrayType).itemsType;
      return Array.isArray(value) ? value.map((item) => toAvroValue(items, item)) : value;
    }
    case 'map': {
      const values = (type as types.MapType).valuesType as Type;
      if (!isPlainObject(value)) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAvroValue(values, v)]));
    }
    case 'bytes':
    case 'fixed':
      // Avro's JSON encoding: one character per byte, code points 0 to 255.
      return typeof value === 'string' && !BEYOND_ONE_BYTE.test(value)
        ? Buffer.from(value, 'latin1')
        : value;
    default:
      return value;
  }
}

/** A character that is not one byte: Avro's JSON encoding of bytes has code points up to 255. */
const BEYOND_ONE_BYTE = /[\u0100-\uffff]/;

/**
 * Turns a value avsc decoded or checked back into natural JSON: unions unwrapped, records
 * as plain objects. With `keepBranches`, a union value stays in Avro's JSON encoding where
 * natural JSON would resolve to another branch (`{"long": 5}` in `["int", "long"]`), so that
 * encoding it again picks the branch the sender named.
 */
export function toNaturalValue(
  type: Type,
  value: unknown,
  options: { keepBranches?: boolean } = {},
): unknown {
  if (isRecord(type)) {
    if (!isPlainObject(value)) return value;
    const fields = new Map(type.fields.map((field) => [field.name, field.type]));
    return Object.fromEntries(
      Object.entries(value).map(([name, current]) => {
        const fieldType = fields.get(name);
        return [name, fieldType ? toNaturalValue(fieldType, current, options) : current];
      }),
    );
  }
  if (isWrappedUnion(type)) {
    const named = namedBranch(type, value);
    if (!named) return value;
    const natural = toNaturalValue(named.branch, named.inner, options);
    if (!options.keepBranches) return natural;
    const again = namedBranch(type, toUnionValue(type, natural));
    return again?.branch === named.branch
      ? natural
      : { [named.branch.branchName ?? named.branch.typeName]: natural };
  }
  switch (type.typeName) {
    case 'array': {
      const items = (type as types.ArrayType).itemsType;
      return Array.isArray(value)
        ? value.map((item) => toNaturalValue(items, item, options))
        : value;
    }
    case 'map': {
      const values = (type as types.MapType).valuesType as Type;
      if (!isPlainObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, toNaturalValue(values, v, options)]),
      );
    }
    default:
      return value;
  }
}

/** A field the data has but its record does not declare. */
export interface UndeclaredField {
  /** Where the field is in the natural JSON. */
  path: PathSegment[];
  record: types.RecordType;
  value: unknown;
}

/** Lists fields the data has but the record does not declare, at every depth of an avsc value. */
export function undeclaredFields(
  type: Type,
  value: unknown,
  path: PathSegment[] = [],
  found: UndeclaredField[] = [],
): UndeclaredField[] {
  if (isRecord(type) && isPlainObject(value)) {
    const names = new Set(type.fields.map((field) => field.name));
    for (const [key, current] of Object.entries(value)) {
      if (!names.has(key)) found.push({ path: [...path, key], record: type, value: current });
    }
    for (const field of type.fields) {
      undeclaredFields(field.type, value[field.name], [...path, field.name], found);
    }
  } else if (isWrappedUnion(type)) {
    const named = namedBranch(type, value);
    if (named) undeclaredFields(named.branch, named.inner, path, found);
  } else if (type.typeName === 'array' && Array.isArray(value)) {
    const items = (type as types.ArrayType).itemsType;
    value.forEach((item, index) => undeclaredFields(items, item, [...path, index], found));
  } else if (type.typeName === 'map' && isPlainObject(value)) {
    const values = (type as types.MapType).valuesType as Type;
    for (const [key, current] of Object.entries(value)) {
      undeclaredFields(values, current, [...path, key], found);
    }
  }
  return found;
}

/**
 * Turns a path avsc's `errorHook` reports into a path in the natural JSON: union branch
 * names dropped, array indices as numbers.
 */
export function naturalPath(type: Type, avscPath: readonly string[]): PathSegment[] {
  const path: PathSegment[] = [];
  let current: Type | undefined = type;
  for (const segment of avscPath) {
    if (current && isWrappedUnion(current)) {
      current = current.types.find((branch) => branch.branchName === segment);
      continue;
    }
    if (current && isRecord(current)) {
      path.push(segment);
      current = current.fields.find((field) => field.name === segment)?.type;
    } else if (current?.typeName === 'array') {
      path.push(Number(segment));
      current = (current as types.ArrayType).itemsType;
    } else {
      path.push(segment);
      current =
        current?.typeName === 'map' ? ((current as types.MapType).valuesType as Type) : undefined;
    }
  }
  return path;
}

/** Names an Avro type the way a person reads it: `string`, `record Address`, `null or string`. */
export function describeType(type: Type): string {
  switch (type.typeName) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed':
      return `${type.typeName} ${type.name ?? ''}`.trimEnd();
    case 'array':
      return `array of ${describeType((type as types.ArrayType).itemsType)}`;
    case 'map':
      return `map of ${describeType((type as types.MapType).valuesType as Type)}`;
    case 'union:unwrapped':
    case 'union:wrapped':
      return (type as types.WrappedUnionType).types.map(describeType).join(' or ');
    case 'int':
      return 'int (32-bit integer)';
    case 'long':
      return 'long (64-bit integer)';
    default:
      return type.typeName;
  }
}
