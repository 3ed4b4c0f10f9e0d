import type { Type } from 'avsc';

interface AvroField {
  name: string;
  type: Type;
  defaultValue(): unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
  );
}

/**
 * Returns a copy of natural JSON data with every missing record field that declares a
 * default filled in, at every depth, so senders may leave out optional fields.
 */
export function applyDefaults(type: Type, value: unknown): unknown {
  switch (type.typeName) {
    case 'record':
    case 'error': {
      if (!isPlainObject(value)) return value;
      const filled: Record<string, unknown> = { ...value };
      for (const field of (type as unknown as { fields: AvroField[] }).fields) {
        const current = filled[field.name];
        if (current === undefined) {
          const fallback = field.defaultValue();
          if (fallback !== undefined) filled[field.name] = fallback;
        } else {
          filled[field.name] = applyDefaults(field.type, current);
        }
      }
      return filled;
    }
    case 'array': {
      const items = (type as unknown as { itemsType: Type }).itemsType;
      return Array.isArray(value) ? value.map((item) => applyDefaults(items, item)) : value;
    }
    case 'map': {
      const values = (type as unknown as { valuesType: Type }).valuesType;
      if (!isPlainObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, applyDefaults(values, v)]),
      );
    }
    case 'union:unwrapped': {
      // Fill defaults inside the one record branch that matches the value's shape.
      const branches = (type as unknown as { types: Type[] }).types;
      const record = branches.find((branch) => branch.typeName === 'record');
      return record && isPlainObject(value) ? applyDefaults(record, value) : value;
    }
    default:
      return value;
  }
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
      return `array of ${describeType((type as unknown as { itemsType: Type }).itemsType)}`;
    case 'map':
      return `map of ${describeType((type as unknown as { valuesType: Type }).valuesType)}`;
    case 'union:unwrapped':
    case 'union:wrapped':
      return (type as unknown as { types: Type[] }).types.map(describeType).join(' or ');
    case 'int':
      return 'int (32-bit integer)';
    case 'long':
      return 'long (64-bit integer)';
    default:
      return type.typeName;
  }
}
