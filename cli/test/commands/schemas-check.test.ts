import { checkSchemas } from '../../src/commands/schemas-check';
import type { CheckReport, RegistryLookup } from '../../src/commands/schemas-check';
import { formatCheckReport } from '../../src/commands/format-check-report';
import { listSchemaFiles } from '../../src/schemas-folder';
import { removeSchemasDirs, schemasDir } from '../support/schemas-dir';
import type { SchemaFiles } from '../support/schemas-dir';
import { checkoutAvro, optionalCoupon, requiredCurrency, signupJson } from '../support/schemas';

const checkout = 'com.acme.checkout_completed';
const signup = 'com.acme.signup';

async function check(
  files: SchemaFiles,
  options: Parameters<typeof checkSchemas>[1] = {},
): Promise<{ report: CheckReport; text: string }> {
  const report = await checkSchemas(await listSchemaFiles(schemasDir(files)), options);
  return { report, text: formatCheckReport(report) };
}

function versionOf(report: CheckReport, eventType: string, version: number) {
  const found = report.subjects
    .find((subject) => subject.eventType === eventType)
    ?.versions.find((v) => v.version === version);
  if (!found) throw new Error(`no v${version} of ${eventType} in the report`);
  return found;
}

afterAll(removeSchemasDirs);

describe('checkSchemas without a registry', () => {
  it('accepts an Avro field added with a default and a JSON property added to a closed model', async () => {
    const { report, text } = await check({
      [`${checkout}/1.avsc`]: checkoutAvro(),
      [`${checkout}/2.avsc`]: checkoutAvro([optionalCoupon]),
      [`${signup}/1.json`]: signupJson(),
      [`${signup}/2.json`]: signupJson({ referrer: { type: 'string' } }),
    });

    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({
      subjects: 2,
      versions: 4,
      ok: 4,
      incompatible: 0,
      invalid: 0,
      problems: 0,
    });
    expect(text).toBe(
      [
        `${checkout} (AVRO, level BACKWARD)`,
        '  v1 ok',
        '  v2 compatible with v1 (BACKWARD)',
        '',
        `${signup} (JSON, level BACKWARD)`,
        '  v1 ok',
        '  v2 compatible with v1 (BACKWARD)',
        '',
        '2 subjects, 4 versions: 4 ok, 0 incompatible, 0 invalid',
        '',
      ].join('\n'),
    );
  });

  it('refuses a new Avro field without a default under BACKWARD, with the reason indented', async () => {
    const { report, text } = await check({
      [`${checkout}/1.avsc`]: checkoutAvro(),
      [`${checkout}/2.avsc`]: checkoutAvro([requiredCurrency]),
    });

    expect(report.ok).toBe(false);
    const v2 = versionOf(report, checkout, 2);
    expect(v2.verdict).toBe('incompatible');
    expect(v2.checkedAgainst).toEqual([1]);
    expect(v2.reasons.join('\n')).toContain('currency');
    expect(text).toContain('  v2 NOT compatible with v1 (BACKWARD):\n      BACKWARD: ');
    expect(text).toContain('2 versions: 1 ok, 1 incompatible, 0 invalid');
  });

  it('refuses a JSON property that became required under BACKWARD', async () => {
    const { report } = await check({
      [`${signup}/1.json`]: signupJson(),
      [`${signup}/2.json`]: signupJson({}, ['email', 'plan']),
    });

    const v2 = versionOf(report, signup, 2);
    expect(v2.verdict).toBe('incompatible');
    expect(v2.reasons.join('\n')).toContain('plan');
  });

  it('reports a schema that does not parse and one that is not a valid schema as invalid', async () => {
    const { report, text } = await check({
      [`${checkout}/1.avsc`]: checkoutAvro(),
      [`${checkout}/2.avsc`]: '{"type": "record", "name": "Checkout", "fields": [',
      [`${signup}/1.json`]: { type: 'objekt' },
    });

    expect(versionOf(report, checkout, 1).verdict).toBe('ok');
    expect(versionOf(report, checkout, 2).verdict).toBe('invalid');
    expect(versionOf(report, checkout, 2).reasons).toHaveLength(1);
    expect(versionOf(report, signup, 1).verdict).toBe('invalid');
    expect(text).toContain('  v2 invalid:\n      ');
    expect(text).toContain('2 subjects, 3 versions: 1 ok, 0 incompatible, 2 invalid');
    expect(report.ok).toBe(false);
  });

  it('compares a version after an invalid one with the last valid one', async () => {
    const { report } = await check({
      [`${checkout}/1.avsc`]: checkoutAvro(),
      [`${checkout}/2.avsc`]: '{}',
      [`${checkout}/3.avsc`]: checkoutAvro([requiredCurrency]),
    });

    expect(versionOf(report, checkout, 3).checkedAgainst).toEqual([1]);
    expect(versionOf(report, checkout, 3).verdict).toBe('incompatible');
  });

  it('flags a gap in the version numbers as a problem', async () => {
    const { report, text } = await check({
      [`${checkout}/1.avsc`]: checkoutAvro(),
      [`${checkout}/3.avsc`]: checkoutAvro([optionalCoupon]),
    });

    expect(report.ok).toBe(false);
    expect(report.subjects[0]?.problems).toEqual([
      'versions must be numbered 1, 2, 3 … with one file each and no gaps; found 1, 3',
    ]);
    expect(text).toContain('  problem: versions must be numbered');
    expect(text).toContain('2 versions: 2 ok, 0 incompatible, 0 invalid, 1 problem');
  });

  it('flags two files with the same version number', async () => {
    const { report } = await check({
      [`${checkout}/1.avsc`]: checkoutAvro(),
      [`${checkout}/1.json`]: signupJson(),
    });

    expect(report.subjects[0]?.problems[0]).toContain('found 1, 1');
    expect(report.ok).toBe(false);
  });

  it('refuses a removed field without a default under FORWARD but accepts it under BACKWARD', async () => {
    const files = {
      [`${checkout}/1.avsc`]: checkoutAvro([requiredCurrency]),
      [`${checkout}/2.avsc`]: checkoutAvro(),
    };

    const forward = await check(files, { level: 'FORWARD' });
    const backward = await check(files, { level: 'BACKWARD' });

    expect(versionOf(forward.report, checkout, 2).verdict).toBe('incompatible');
    expect(forward.text).toContain(`${checkout} (AVRO, level FORWARD)`);
    expect(forward.text).toContain('  v2 NOT compatible with v1 (FORWARD):');
    expect(versionOf(backward.report, checkout, 2).verdict).toBe('ok');
  });

  it('refuses under FULL what either direction refuses and accepts an optional field', async () => {
    const added = await check(
      {
        [`${checkout}/1.avsc`]: checkoutAvro(),
        [`${checkout}/2.avsc`]: checkoutAvro([requiredCurrency]),
      },
      { level: 'FULL' },
    );
    const removed = await check(
      {
        [`${checkout}/1.avsc`]: checkoutAvro([requiredCurrency]),
        [`${checkout}/2.avsc`]: checkoutAvro(),
      },
      { level: 'FULL' },
    );
    const optional = await check(
      {
        [`${checkout}/1.avsc`]: checkoutAvro(),
        [`${checkout}/2.avsc`]: checkoutAvro([optionalCoupon]),
      },
      { level: 'FULL' },
    );

    expect(versionOf(added.report, checkout, 2).verdict).toBe('incompatible');
    expect(versionOf(removed.report, checkout, 2).verdict).toBe('incompatible');
    expect(versionOf(optional.report, checkout, 2).verdict).toBe('ok');
    expect(optional.text).toContain('  v2 compatible with v1 (FULL)');
  });

  it('checks only against the latest version unless the level is transitive', async () => {
    const files = {
      [`${checkout}/1.avsc`]: checkoutAvro([requiredCurrency]),
      [`${checkout}/2.avsc`]: checkoutAvro([{ ...requiredCurrency, default: 'EUR' }]),
      [`${checkout}/3.avsc`]: checkoutAvro(),
    };

    const forward = await check(files, { level: 'FORWARD' });
    const transitive = await check(files, { level: 'FORWARD_TRANSITIVE' });

    expect(versionOf(forward.report, checkout, 3).verdict).toBe('ok');
    expect(versionOf(transitive.report, checkout, 3).verdict).toBe('incompatible');
    expect(transitive.text).toContain('  v3 NOT compatible with v1, v2 (FORWARD_TRANSITIVE):');
  });

  it('compares nothing under NONE', async () => {
    const { report, text } = await check(
      {
        [`${checkout}/1.avsc`]: checkoutAvro(),
        [`${checkout}/2.avsc`]: checkoutAvro([requiredCurrency]),
      },
      { level: 'NONE' },
    );

    expect(report.ok).toBe(true);
    expect(text).toContain('  v2 ok (NONE: not compared)');
  });

  it('says an Avro version cannot replace a JSON one', async () => {
    const { report } = await check({
      [`${checkout}/1.json`]: signupJson(),
      [`${checkout}/2.avsc`]: checkoutAvro(),
    });

    expect(report.subjects[0]?.schemaTypes).toEqual(['JSON', 'AVRO']);
    expect(versionOf(report, checkout, 2).verdict).toBe('incompatible');
  });
});

describe('checkSchemas with a registry lookup', () => {
  /** A registry holding given versions of one subject, each by schema text. */
  function fakeRegistry(held: string[], refusals: string[] = []): RegistryLookup {
    return {
      url: 'http://registry.test',
      compatibilityLevel: async () => 'BACKWARD',
      lookup: async (_subject, file) => {
        const index = held.indexOf(file.schema);
        return index < 0 ? undefined : { id: 100 + index, version: index + 1 };
      },
      versions: async () => held.map((_schema, index) => index + 1),
      latestIncompatibilities: async () => refusals,
    };
  }

  it('flags a file whose version number disagrees with the registry', async () => {
    const v1 = JSON.stringify(checkoutAvro());
    const v2 = JSON.stringify(checkoutAvro([optionalCoupon]));
    const { report, text } = await check(
      { [`${checkout}/1.avsc`]: v2, [`${checkout}/2.avsc`]: v1 },
      { registry: fakeRegistry([v1, v2]) },
    );

    expect(versionOf(report, checkout, 1).problems[0]).toContain(
      'the registry holds this schema as version 2, not 1',
    );
    expect(text).toContain('  v1 ok; registered as id 101, version 2:');
    expect(report.summary.problems).toBe(2);
  });

  it('asks the registry only about the first version it does not hold', async () => {
    const v1 = JSON.stringify(checkoutAvro());
    const asked: string[] = [];
    const registry = fakeRegistry([v1]);
    registry.latestIncompatibilities = async (_subject, file) => {
      asked.push(file.schema);
      return [];
    };
    const v2 = checkoutAvro([optionalCoupon]);

    const { text } = await check(
      {
        [`${checkout}/1.avsc`]: v1,
        [`${checkout}/2.avsc`]: v2,
        [`${checkout}/3.avsc`]: checkoutAvro([optionalCoupon], 'long'),
      },
      { registry },
    );

    expect(asked).toEqual([JSON.stringify(v2, null, 2)]);
    expect(text).toContain(
      '  v2 compatible with v1 (BACKWARD); not registered yet (sift schemas push will add it)',
    );
  });
});
