import { ConflictError, isSiftError, ValidationError } from '@sift/common';
import { registryClientFromConfig } from '@sift/registry-client';
import { compatibilityLevels } from '@sift/validator';
import type { CompatibilityLevel } from '@sift/validator';
import { HttpRegistryLookup } from '../http-registry-lookup';
import { loadRegistryCredentials } from '../registry-credentials';
import {
  allowPublishedSchemas,
  groupByEventType,
  listSchemaFiles,
  pushSchemas,
  schemaFileLabel,
  SNOWPLOW_SCHEMAS_DIR,
  versionNumberingProblem,
} from '../schemas-folder';
import type { SchemaFile } from '../schemas-folder';
import { formatCheckReport } from './format-check-report';
import { checkSchemas } from './schemas-check';

/** Where a command writes. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes of `sift schemas check|push`. */
export const EXIT_OK = 0;
/** An invalid or incompatible schema, a version the registry refused, a folder out of step. */
export const EXIT_SCHEMAS_REFUSED = 1;
/** Bad options, no schemas folder, no usable answer from the registry. */
export const EXIT_USAGE = 2;

/** Options of `sift schemas check`. */
export interface SchemasCheckOptions {
  dir: string;
  registry?: string;
  level?: CompatibilityLevel;
  format: 'text' | 'json';
}

/** Options of `sift schemas push`. */
export interface SchemasPushOptions {
  dir: string;
  registry?: string;
  /** Push the bundled Snowplow tracker schemas instead of `dir`, their subjects at NONE. */
  snowplow?: boolean;
}

/** Reads `--level`: one of Confluent's levels, any case. */
export function parseCompatibilityLevel(value: string): CompatibilityLevel {
  const level = value.toUpperCase();
  if (!(compatibilityLevels as readonly string[]).includes(level)) {
    throw new ValidationError(
      'SIFT_REGISTRY_COMPATIBILITY_INVALID',
      `'${value}' is not a compatibility level; use one of ${compatibilityLevels.join(', ')}`,
    );
  }
  return level as CompatibilityLevel;
}

/** `sift schemas check`: prints the report and returns the exit code. */
export async function schemasCheck(
  options: SchemasCheckOptions,
  env: NodeJS.ProcessEnv,
  out: CommandOutput,
): Promise<number> {
  const registryUrl = options.registry ?? env['SIFT_REGISTRY_URL'];
  if (registryUrl && options.level) {
    out.stderr(
      `sift schemas check: --level is for checks without a registry; with ${registryUrl} ` +
        `(--registry or SIFT_REGISTRY_URL) each subject's level comes from the registry\n`,
    );
    return EXIT_USAGE;
  }
  try {
    const files = await readFolder(options.dir);
    const report = await checkSchemas(files, {
      ...(options.level ? { level: options.level } : {}),
      ...(registryUrl
        ? {
            registry: new HttpRegistryLookup({
              registryUrl,
              ...loadRegistryCredentials(env),
            }),
          }
        : {}),
    });
    out.stdout(
      options.format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatCheckReport(report),
    );
    return report.ok ? EXIT_OK : EXIT_SCHEMAS_REFUSED;
  } catch (error) {
    out.stderr(`sift schemas check: ${describe(error)}\n`);
    return EXIT_USAGE;
  }
}

/**
 * `sift schemas push`: registers the folder's versions in order, printing each; stops at the
 * first version the registry refuses and returns the exit code.
 */
export async function schemasPush(
  options: SchemasPushOptions,
  env: NodeJS.ProcessEnv,
  out: CommandOutput,
): Promise<number> {
  const url = options.registry ?? env['SIFT_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
  const dir = options.snowplow ? SNOWPLOW_SCHEMAS_DIR : options.dir;
  let files: SchemaFile[];
  try {
    files = await readFolder(dir);
  } catch (error) {
    out.stderr(`sift schemas push: ${describe(error)}\n`);
    return EXIT_USAGE;
  }
  for (const [eventType, versions] of groupByEventType(files)) {
    const problem = versionNumberingProblem(versions);
    if (problem) {
      out.stderr(`sift schemas push: ${eventType}: ${problem}; nothing was pushed\n`);
      return EXIT_SCHEMAS_REFUSED;
    }
  }
  let registered = 0;
  try {
    const client = registryClientFromConfig({ registryUrl: url, ...loadRegistryCredentials(env) });
    if (options.snowplow) await allowPublishedSchemas(client, files);
    await pushSchemas(client, files, ({ file, id, version }) => {
      registered++;
      const elsewhere = version !== undefined && (file.iglu || version !== file.version);
      out.stdout(
        `${schemaFileLabel(file)}: schema id ${id}` +
          `${elsewhere ? ` (${file.iglu ? 'subject version' : 'registry version'} ${version})` : ''}\n`,
      );
    });
    return EXIT_OK;
  } catch (error) {
    const refused = files[registered];
    if ((error instanceof ValidationError || error instanceof ConflictError) && refused) {
      const status = error.details?.['status'] ?? 'an error';
      out.stderr(
        `sift schemas push: the registry refused ${schemaFileLabel(refused)} ` +
          `(${refused.file}) with ${String(status)}: ${error.message}\n` +
          `${plural(registered, 'version')} registered before it; nothing after it was pushed\n`,
      );
      return EXIT_SCHEMAS_REFUSED;
    }
    out.stderr(`sift schemas push: ${describe(error)}\n`);
    return EXIT_USAGE;
  }
}

/** Lists the folder's schema files; a missing folder is a usage error, named as such. */
async function readFolder(dir: string): Promise<SchemaFile[]> {
  try {
    return await listSchemaFiles(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no schemas folder at ${dir} (use --dir)`, { cause: error });
    }
    throw error;
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return isSiftError(error) ? `${message} [${error.code}]` : message;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
