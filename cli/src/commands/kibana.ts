import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { UpstreamError } from '@sift/common';
import type { CommandIo } from './recover';

/** The saved objects Sift ships: data views, visualizations, a map, dashboards. */
export const DEFAULT_SAVED_OBJECTS = join(__dirname, '../../../kibana/sift-saved-objects.ndjson');

/** Options of `sift kibana import`. */
export interface KibanaImportOptions {
  /** Kibana's base URL, e.g. http://127.0.0.1:5601. */
  url: string;
  /** NDJSON file of saved objects; default: the ones Sift ships. */
  file?: string;
  /** Kibana space id; default: the default space. */
  space?: string;
}

/** Kibana's answer to `POST /api/saved_objects/_import`. */
interface ImportAnswer {
  success?: boolean;
  successCount?: number;
  errors?: { id: string; type: string; error?: { type?: string; message?: string } }[];
}

/**
 * Loads saved objects into Kibana through its saved-objects import API (multipart field
 * `file`, `overwrite=true`, header `kbn-xsrf`), so importing twice updates rather than copies.
 * Credentials come from `SIFT_KIBANA_USERNAME` and `SIFT_KIBANA_PASSWORD` when set. Resolves
 * with the number of objects imported; throws `SIFT_KIBANA_IMPORT_FAILED` when Kibana does not
 * answer or refuses any object.
 */
export async function importSavedObjects(
  options: KibanaImportOptions,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const file = options.file ?? DEFAULT_SAVED_OBJECTS;
  const ndjson = await readFile(file);
  const base = options.url.replace(/\/+$/, '');
  const space = options.space ? `/s/${encodeURIComponent(options.space)}` : '';
  const form = new FormData();
  const name = file.endsWith('.ndjson') ? basename(file) : 'saved-objects.ndjson';
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), name);
  const headers: Record<string, string> = { 'kbn-xsrf': 'true' };
  const user = env['SIFT_KIBANA_USERNAME'];
  if (user) {
    const secret = `${user}:${env['SIFT_KIBANA_PASSWORD'] ?? ''}`;
    headers['authorization'] = `Basic ${Buffer.from(secret).toString('base64')}`;
  }
  const target = `${base}${space}/api/saved_objects/_import?overwrite=true`;
  let answer: Response;
  try {
    answer = await fetch(target, { method: 'POST', headers, body: form });
  } catch (error) {
    throw new UpstreamError('SIFT_KIBANA_IMPORT_FAILED', `Kibana at ${base} did not answer`, {
      cause: error,
    });
  }
  const body = (await answer.json().catch(() => ({}))) as ImportAnswer;
  if (!answer.ok || body.success !== true) {
    const reasons = (body.errors ?? []).map(
      ({ type, id, error }) => `${type} ${id}: ${error?.message ?? error?.type ?? 'refused'}`,
    );
    throw new UpstreamError(
      'SIFT_KIBANA_IMPORT_FAILED',
      `Kibana at ${base} answered ${answer.status}` +
        (reasons.length > 0 ? `; refused:\n  ${reasons.join('\n  ')}` : ''),
      { retriable: answer.status >= 500, details: { status: answer.status } },
    );
  }
  return body.successCount ?? 0;
}

/** Registers `sift kibana import`. */
export function addKibanaCommand(program: Command, env: NodeJS.ProcessEnv, io: CommandIo): void {
  const kibana = program.command('kibana').description('Kibana saved objects Sift ships');
  kibana
    .command('import')
    .description(
      'load the data views and dashboards into Kibana (SIFT_KIBANA_USERNAME, SIFT_KIBANA_PASSWORD)',
    )
    .requiredOption('--url <url>', "Kibana's base URL, e.g. http://127.0.0.1:5601")
    .option('--file <file>', 'NDJSON saved objects (default: the ones Sift ships)')
    .option('--space <id>', 'Kibana space (default: the default space)')
    .action(async (options: KibanaImportOptions) => {
      try {
        const count = await importSavedObjects(options, env);
        io.stdout(`imported ${count} saved objects into ${options.url}\n`);
        io.setExitCode(0);
      } catch (error) {
        io.stderr(`sift kibana import: ${(error as Error).message}\n`);
        io.setExitCode(1);
      }
    });
}
