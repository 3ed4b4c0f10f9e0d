import { createLogger, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { FileSchemaStore } from './adapters/file/file-schema-store';
import { buildRegistryApp } from './app';
import type { RegistryConfig } from './config';

/** Starts the registry with its file store; `close()` stops the server and the store. */
export async function startRegistry(
  config: Readonly<RegistryConfig>,
  logger: Logger = createLogger('registry'),
): Promise<RunningServer> {
  const store = new FileSchemaStore(config.dataFile);
  const { app } = await buildRegistryApp(config, { store, logger });
  const running = await listen(app, config.port, config.host);
  logger.info({ url: running.url, dataFile: config.dataFile }, 'registry listening');
  return {
    ...running,
    close: async () => {
      await running.close();
      await store.close();
    },
  };
}
