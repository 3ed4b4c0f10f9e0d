import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SelectedSchema } from '@sift/codegen';
import {
  compileStrict,
  generateIntoTemp,
  loadGenerated,
  removeTempDirs,
} from './support/generated-code';

// Schemas with registry references (Confluent's `references`): the referenced types are
// declared too, and both the types and the validators follow them.
const address = {
  type: 'record',
  name: 'Address',
  namespace: 'com.acme',
  fields: [
    { name: 'country', type: 'string' },
    { name: 'city', type: ['null', 'string'], default: null },
  ],
};
const schemas: SelectedSchema[] = [
  {
    eventType: 'com.acme.order_shipped',
    version: 1,
    schemaType: 'AVRO',
    schema: JSON.stringify({
      type: 'record',
      name: 'OrderShipped',
      namespace: 'com.acme',
      fields: [
        { name: 'order_id', type: 'string' },
        { name: 'to', type: 'Address' },
      ],
    }),
    references: [{ name: 'com.acme.Address', schema: JSON.stringify(address) }],
    pinned: false,
  },
  {
    eventType: 'com.acme.review_posted',
    version: 1,
    schemaType: 'JSON',
    schema: JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { stars: { $ref: 'rating.json' }, text: { type: 'string' } },
      required: ['stars'],
    }),
    references: [
      { name: 'rating.json', schema: JSON.stringify({ type: 'integer', minimum: 1, maximum: 5 }) },
    ],
    pinned: false,
  },
];

// Compiling the generated code in process takes a few seconds on a busy machine.
jest.setTimeout(60_000);

describe('schemas with registry references', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await generateIntoTemp(schemas);
  }, 60_000);

  it('types the referenced parts', () => {
    writeFileSync(
      join(dir, 'use.ts'),
      "import { createSiftTracker } from './tracker';\n" +
        "const t = createSiftTracker({ collectorUrl: 'http://c.test' });\n" +
        "t.orderShipped({ order_id: 'o', to: { country: 'DE' } });\n" +
        "t.reviewPosted({ stars: 4, text: 'good' });\n" +
        "t.orderShipped({ order_id: 'o', to: { city: 'Berlin' } }); // EXPECT\n" +
        "t.reviewPosted({ stars: 'four' }); // EXPECT\n",
    );
    const errors = compileStrict([join(dir, 'use.ts')]);
    expect(errors.map((error) => [error.file.endsWith('use.ts'), error.line])).toEqual([
      [true, 5],
      [true, 6],
    ]);
    expect(errors[0]?.message).toContain("Property 'country' is missing");
  });

  it('validates the referenced parts', () => {
    const { validators } = loadGenerated(dir).validators;
    expect(
      validators['com.acme.order_shipped']?.({ order_id: 'o', to: { country: 'DE' } }),
    ).toEqual([]);
    expect(validators['com.acme.order_shipped']?.({ order_id: 'o', to: { city: 'B' } })).toEqual([
      expect.objectContaining({ path: '/to/country', keyword: 'required' }),
    ]);
    expect(validators['com.acme.review_posted']?.({ stars: 6 })).toEqual([
      expect.objectContaining({ path: '/stars', keyword: 'maximum' }),
    ]);
  });
});

afterAll(removeTempDirs);
