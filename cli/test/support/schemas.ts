/** Schema builders for the schemas-as-code tests. */

/** An Avro record `com.acme.Checkout` with `order_id` and `total` plus extra fields. */
export function checkoutAvro(
  extraFields: Record<string, unknown>[] = [],
  totalType: string = 'int',
): Record<string, unknown> {
  return {
    type: 'record',
    name: 'Checkout',
    namespace: 'com.acme',
    fields: [
      { name: 'order_id', type: 'string' },
      { name: 'total', type: totalType },
      ...extraFields,
    ],
  };
}

/** An optional Avro field: a union with null, default null. */
export const optionalCoupon = { name: 'coupon', type: ['null', 'string'], default: null };

/** An Avro field with no default: old data cannot fill it. */
export const requiredCurrency = { name: 'currency', type: 'string' };

/** A closed JSON Schema object (`additionalProperties: false`) for a signup. */
export function signupJson(
  properties: Record<string, unknown> = {},
  required: string[] = ['email'],
): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { email: { type: 'string' }, plan: { type: 'string' }, ...properties },
    required,
    additionalProperties: false,
  };
}
