import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@sift/codegen';
import type { SelectedSchema } from '@sift/codegen';
import { compileStrict, generateIntoTemp, removeTempDirs } from './support/generated-code';

// Schemas nobody here wrote: Snowplow's Iglu Central (self-describing `$schema` and `self`,
// draft-04-era keywords). A sample of their latest versions must generate and compile.
const IGLU = join(__dirname, '../../test/fixtures/iglu-central/schemas');

function latestIgluSchemas(): SelectedSchema[] {
  const found: SelectedSchema[] = [];
  for (const vendor of readdirSync(IGLU).sort()) {
    for (const name of readdirSync(join(IGLU, vendor)).sort()) {
      const dir = join(IGLU, vendor, name, 'jsonschema');
      if (!existsSync(dir)) continue;
      const versions = readdirSync(dir).sort();
      const latest = versions[versions.length - 1];
      if (!latest) continue;
      found.push({
        eventType: `${vendor}.${name}`,
        version: versions.length,
        schemaType: 'JSON',
        schema: readFileSync(join(dir, latest), 'utf8'),
        references: [],
        pinned: false,
      });
    }
  }
  return found;
}

describe('codegen on Iglu Central schemas', () => {
  const all = latestIgluSchemas();
  const external = (schema: SelectedSchema): boolean => /"\$ref"\s*:\s*"http/.test(schema.schema);

  it('generates code for a sample of 1 in 8 that compiles under --strict', async () => {
    const sample = all.filter((schema, index) => index % 8 === 0 && !external(schema));
    expect(sample.length).toBeGreaterThan(50);
    const dir = await generateIntoTemp(sample);
    writeFileSync(
      join(dir, 'use.ts'),
      "import { createSiftTracker } from './tracker';\nimport { validators } from './validators';\n" +
        "export const tracker = createSiftTracker({ collectorUrl: 'http://c.test', validators });\n",
    );
    expect(compileStrict([join(dir, 'use.ts')])).toEqual([]);
  }, 120_000);

  it('refuses a schema whose $ref points outside it, without fetching it', async () => {
    const outside = all.find(external);
    expect(outside).toBeDefined();
    await expect(generate([outside as SelectedSchema])).rejects.toThrow(
      /references http.*neither inside it nor one of its registry references/,
    );
  });
});

afterAll(removeTempDirs);
