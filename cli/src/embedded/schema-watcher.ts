import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import type { Logger } from '@sift/common';
import type { RegistryClient } from '@sift/registry-client';
import { pushSchemas, pushSnowplowSchemas, readSchemasFolder } from '../schemas-folder';

/**
 * Registers the versions of a schemas folder missing from the registry; never throws, so a
 * bad file is reported and the platform keeps running until it is fixed.
 */
export async function registerSchemasFolder(
  registry: RegistryClient,
  dir: string,
  logger: Logger,
): Promise<number> {
  try {
    const pushed = await pushSchemas(registry, await readSchemasFolder(dir));
    logger.info({ schemas: pushed.length, from: dir }, 'schemas registered');
    return pushed.length;
  } catch (error) {
    logger.error({ err: error, from: dir }, 'schemas folder not registered; fix it and save again');
    return 0;
  }
}

/**
 * Registers the bundled Snowplow tracker schemas; never throws, so the platform starts
 * without them when the registry refuses one (the log says which).
 */
export async function registerSnowplowSchemas(
  registry: RegistryClient,
  logger: Logger,
  dir?: string,
): Promise<number> {
  try {
    const pushed = await pushSnowplowSchemas(registry, dir);
    logger.info({ schemas: pushed.length }, 'Snowplow tracker schemas registered');
    return pushed.length;
  } catch (error) {
    logger.error({ err: error }, 'Snowplow tracker schemas not registered');
    return 0;
  }
}

/** Registers the folder again whenever a file in it changes (after `debounceMs` of quiet). */
export function watchSchemasFolder(
  registry: RegistryClient,
  dir: string,
  logger: Logger,
  debounceMs = 300,
): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(() => registerSchemasFolder(registry, dir, logger));
      }, debounceMs);
    });
    watcher.on('error', (error) => logger.warn({ err: error }, 'schemas folder watch failed'));
  } catch (error) {
    logger.warn({ err: error, dir }, 'cannot watch the schemas folder; restart to load changes');
  }
  return {
    close: async () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
      await running;
    },
  };
}
