import { formatSchemaVer, igluSelfOf, schemaVerBump } from '@sift/registry';
import type { SchemaVer, SchemaVerBump } from '@sift/registry';
import { compatibilityMessages, schemaFormat } from '@sift/validator';
import type { CompatibilityLevel, PreviousVersion, SchemaFormat } from '@sift/validator';
import { groupByEventType, versionNumberingProblem } from '../schemas-folder';
import type { SchemaFile } from '../schemas-folder';

/** What `sift schemas check` asks a live registry; `HttpRegistryLookup` asks over HTTP. */
export interface RegistryLookup {
  /** Base URL, for messages. */
  readonly url: string;
  /** The subject's compatibility level, or the global one when it has none of its own. */
  compatibilityLevel(subject: string): Promise<CompatibilityLevel>;
  /** The version and id the subject holds this schema under; undefined when it does not. */
  lookup(
    subject: string,
    file: Pick<SchemaFile, 'schema' | 'schemaType'>,
  ): Promise<{ id: number; version: number } | undefined>;
  /** The subject's live version numbers; empty when the registry has no such subject. */
  versions(subject: string): Promise<number[]>;
  /** Why the registry would refuse the schema as the subject's next version; empty when it would not. */
  latestIncompatibilities(
    subject: string,
    file: Pick<SchemaFile, 'schema' | 'schemaType'>,
  ): Promise<string[]>;
}

/** What `checkSchemas` needs besides the files. */
export interface CheckOptions {
  /** The level every subject is checked under when there is no registry; default BACKWARD. */
  level?: CompatibilityLevel;
  /** A live registry: each subject's level comes from it, and the folder is compared with it. */
  registry?: RegistryLookup;
}

/** `ok`: valid and compatible; `incompatible`: with earlier versions or the live registry. */
export type Verdict = 'ok' | 'incompatible' | 'invalid';

/** The verdict on one schema file. */
export interface VersionCheck {
  version: number;
  file: string;
  schemaType: 'AVRO' | 'JSON';
  verdict: Verdict;
  /** The earlier versions it was checked against under the level; empty for v1 and under NONE. */
  checkedAgainst: number[];
  /** Why it is invalid, or not compatible with the earlier versions of the folder. */
  reasons: string[];
  /** How it stands in the live registry; absent without a registry or for an invalid schema. */
  registry?: {
    /** The id and registry version holding this schema; null when not registered yet. */
    registered: { id: number; version: number } | null;
    /**
     * Why the registry refuses it after its latest version; checked for the first version of
     * the folder that is not registered yet (the one `sift schemas push` registers next).
     */
    refusals: string[];
  };
  /** Where the file disagrees with the registry (another version number). */
  problems: string[];
  /** Iglu layout: the file's SchemaVer (`M-R-A`). */
  schemaVer?: string;
  /** Iglu layout: what the SchemaVer declares against the previous valid one. */
  bump?: SchemaVerBump;
  /** Iglu layout: what a reviewer should know that is not an error (a breaking MODEL bump). */
  notes?: string[];
}

/** The verdicts on one event type (registry subject). */
export interface SubjectCheck {
  eventType: string;
  schemaTypes: ('AVRO' | 'JSON')[];
  level: CompatibilityLevel;
  levelFrom: 'registry' | 'option';
  versions: VersionCheck[];
  /** Folder-wide problems: version numbering, registered versions with no file. */
  problems: string[];
}

/** Counts over a whole check. */
export interface CheckSummary {
  subjects: number;
  versions: number;
  ok: number;
  incompatible: number;
  invalid: number;
  /** Numbering problems and disagreements with the registry. */
  problems: number;
}

/** The result of `sift schemas check`, as `--format json` prints it. */
export interface CheckReport {
  /** Whether everything is valid, compatible and in step with the registry. */
  ok: boolean;
  registry: string | null;
  subjects: SubjectCheck[];
  summary: CheckSummary;
}

/**
 * Checks a schemas folder: every version valid, each version compatible with the earlier ones
 * under its subject's level and, with a registry, in step with what the registry holds.
 * Throws only when the registry cannot be asked.
 */
export async function checkSchemas(
  files: SchemaFile[],
  options: CheckOptions = {},
): Promise<CheckReport> {
  const subjects: SubjectCheck[] = [];
  for (const [eventType, versions] of groupByEventType(files)) {
    subjects.push(await checkSubject(eventType, versions, options));
  }
  const all = subjects.flatMap((subject) => subject.versions);
  const summary: CheckSummary = {
    subjects: subjects.length,
    versions: all.length,
    ok: all.filter((v) => v.verdict === 'ok').length,
    incompatible: all.filter((v) => v.verdict === 'incompatible').length,
    invalid: all.filter((v) => v.verdict === 'invalid').length,
    problems: subjects.reduce(
      (sum, subject) =>
        sum + subject.problems.length + subject.versions.reduce((n, v) => n + v.problems.length, 0),
      0,
    ),
  };
  return {
    ok: summary.ok === summary.versions && summary.problems === 0,
    registry: options.registry?.url ?? null,
    subjects,
    summary,
  };
}

async function checkSubject(
  eventType: string,
  files: SchemaFile[],
  options: CheckOptions,
): Promise<SubjectCheck> {
  const { registry } = options;
  const level = registry
    ? await registry.compatibilityLevel(eventType)
    : (options.level ?? 'BACKWARD');
  const versions = files[0]?.iglu ? checkIgluLocally(files, level) : checkLocally(files, level);
  const problems: string[] = [];
  const numbering = versionNumberingProblem(files);
  if (numbering) problems.push(numbering);
  if (registry) problems.push(...(await compareWithRegistry(registry, eventType, files, versions)));
  return {
    eventType,
    schemaTypes: [...new Set(files.map((file) => file.schemaType))],
    level,
    levelFrom: registry ? 'registry' : 'option',
    versions,
    problems,
  };
}

/** Validity of each file and compatibility with the earlier valid ones of the folder. */
function checkLocally(files: SchemaFile[], level: CompatibilityLevel): VersionCheck[] {
  const checks: VersionCheck[] = [];
  const valid: PreviousVersion[] = [];
  for (const file of files) {
    const check: VersionCheck = {
      version: file.version,
      file: file.file,
      schemaType: file.schemaType,
      verdict: 'ok',
      checkedAgainst: [],
      reasons: [],
      problems: [],
    };
    checks.push(check);
    let format: SchemaFormat;
    try {
      format = schemaFormat(file.schemaType);
      format.canonicalize({ schema: file.schema });
    } catch (error) {
      check.verdict = 'invalid';
      check.reasons.push((error as Error).message);
      continue;
    }
    const previous = valid.filter((v) => v.version < file.version);
    if (level !== 'NONE' && previous.length > 0) {
      const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
      check.checkedAgainst = against.map((v) => v.version);
      try {
        check.reasons.push(
          ...compatibilityMessages(format, level, { schema: file.schema }, previous),
        );
      } catch (error) {
        check.reasons.push(`could not be compared: ${(error as Error).message}`);
      }
      if (check.reasons.length > 0) check.verdict = 'incompatible';
    }
    valid.push({ version: file.version, schemaType: file.schemaType, schema: file.schema });
  }
  return checks;
}

/**
 * Looks each valid file up in the registry, asks the registry about the first one it does not
 * hold yet, and returns the subject's registered versions that have no file.
 */
async function compareWithRegistry(
  registry: RegistryLookup,
  eventType: string,
  files: SchemaFile[],
  checks: VersionCheck[],
): Promise<string[]> {
  const matched = new Set<number>();
  let askedLatest = false;
  for (const [index, file] of files.entries()) {
    const check = checks[index];
    if (!check || check.verdict === 'invalid') continue;
    const registered = (await registry.lookup(eventType, file)) ?? null;
    check.registry = { registered, refusals: [] };
    if (registered) {
      matched.add(registered.version);
      // In Iglu layout the SchemaVer names the version, whatever number the registry gave it.
      if (registered.version !== file.version && !file.iglu) {
        check.problems.push(
          `the registry holds this schema as version ${registered.version}, not ${file.version}: ` +
            `the file name must be the registry's version`,
        );
      }
    } else if (!askedLatest) {
      askedLatest = true;
      check.registry.refusals = await registry.latestIncompatibilities(eventType, file);
      if (check.registry.refusals.length > 0) check.verdict = 'incompatible';
    }
  }
  const problems: string[] = [];
  for (const version of await registry.versions(eventType)) {
    if (matched.has(version)) continue;
    const sameNumber = files.find((file) => file.version === version);
    problems.push(
      sameNumber
        ? `registry version ${version} is not the schema in ${sameNumber.file}: the folder must hold every registered version as registered`
        : `registry version ${version} has no file: the folder must hold every registered version`,
    );
  }
  return problems;
}

/** A check of one file before any comparison: `invalid` when it does not parse or compile. */
function startCheck(file: SchemaFile): { check: VersionCheck; format?: SchemaFormat } {
  const check: VersionCheck = {
    version: file.version,
    file: file.file,
    schemaType: file.schemaType,
    verdict: 'ok',
    checkedAgainst: [],
    reasons: [],
    problems: [],
  };
  try {
    const format = schemaFormat(file.schemaType);
    format.canonicalize({ schema: file.schema });
    return { check, format };
  } catch (error) {
    check.verdict = 'invalid';
    check.reasons.push((error as Error).message);
    return { check };
  }
}

/** A compatibility message without its `LEVEL: … version n:` lead, which names registry versions. */
function plainReason(message: string): string {
  return message.replace(/^[A-Z_]+: [^:]*version \d+: /, '');
}

/**
 * Iglu layout: each file's `self` block must name its path, and each SchemaVer bump must
 * match the change. An ADDITION must be compatible under the level with the earlier
 * versions of its MODEL-REVISION (the registry checks exactly that); a REVISION or MODEL bump
 * may break earlier data, which is noted, not refused.
 */
function checkIgluLocally(files: SchemaFile[], level: CompatibilityLevel): VersionCheck[] {
  const checks: VersionCheck[] = [];
  const valid: { previous: PreviousVersion; schemaVer: SchemaVer }[] = [];
  const single = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
  for (const file of files) {
    const { check, format } = startCheck(file);
    checks.push(check);
    const place = file.iglu;
    if (!place) continue;
    const current = place.schemaVer;
    const name = formatSchemaVer(current);
    check.schemaVer = name;
    if (!format) continue;
    let self;
    try {
      self = igluSelfOf(JSON.parse(file.schema));
    } catch (error) {
      check.verdict = 'invalid';
      check.reasons.push((error as Error).message);
      continue;
    }
    const at = `iglu:${place.vendor}/${place.name}/jsonschema/${name}`;
    const claimed =
      self && `iglu:${self.vendor}/${self.name}/jsonschema/${formatSchemaVer(self.version)}`;
    if (claimed !== at) {
      check.verdict = 'invalid';
      check.reasons.push(
        claimed
          ? `its "self" block names ${claimed}, but the file sits at ${at}: they must agree`
          : `it has no "self" block: an Iglu schema names itself (vendor, name, format, version)`,
      );
      continue;
    }
    const last = valid.at(-1);
    if (last) {
      const bump = schemaVerBump(last.schemaVer, current) as SchemaVerBump;
      check.bump = bump;
      const from = formatSchemaVer(last.schemaVer);
      if (bump === 'ADDITION') {
        const scope = valid.filter(
          (v) => v.schemaVer.model === current.model && v.schemaVer.revision === current.revision,
        );
        const against =
          level === 'NONE' ? [] : level.endsWith('_TRANSITIVE') ? scope : scope.slice(-1);
        check.checkedAgainst = against.map((v) => v.previous.version);
        const fix = `this needs a new REVISION (${current.model}-${current.revision + 1}-0) or MODEL (${current.model + 1}-0-0)`;
        for (const earlier of against) {
          const was = formatSchemaVer(earlier.schemaVer);
          const effect = level.startsWith('FORWARD')
            ? `readers of ${was} would refuse data valid under ${name}`
            : `data valid under ${was} would be refused`;
          try {
            for (const message of compatibilityMessages(format, single, { schema: file.schema }, [
              earlier.previous,
            ])) {
              check.reasons.push(
                `${was} → ${name} is an ADDITION, but ${plainReason(message)}: ${effect}; ${fix}`,
              );
            }
          } catch (error) {
            check.reasons.push(`could not be compared with ${was}: ${(error as Error).message}`);
          }
        }
        if (check.reasons.length > 0) check.verdict = 'incompatible';
      } else {
        let breaks: string[] = [];
        try {
          breaks = compatibilityMessages(format, 'BACKWARD', { schema: file.schema }, [
            last.previous,
          ]);
        } catch {
          breaks = [];
        }
        check.notes = [
          breaks.length > 0
            ? `${from} → ${name} is a ${bump} bump and breaks data valid under ${from} ` +
              `(${plainReason(breaks[0] as string)}${breaks.length > 1 ? `, and ${breaks.length - 1} more` : ''}), ` +
              `as a ${bump} may: the registry checks the subject's level only between versions of one MODEL-REVISION, so it registers`
            : `${from} → ${name} is a ${bump} bump, though no data valid under ${from} would be refused: an ADDITION would do`,
        ];
      }
    }
    valid.push({
      previous: { version: file.version, schemaType: file.schemaType, schema: file.schema },
      schemaVer: current,
    });
  }
  return checks;
}
