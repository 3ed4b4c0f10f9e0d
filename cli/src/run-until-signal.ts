import type { Logger } from '@sift/common';

/** Something running that can be stopped. */
export interface Stoppable {
  name: string;
  close(): Promise<void>;
}

/**
 * Waits for SIGINT or SIGTERM, then stops everything in reverse start order and exits.
 * A second signal exits at once.
 */
export function runUntilSignal(running: Stoppable[], logger: Logger, afterStop?: () => void): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    for (const part of [...running].reverse()) {
      try {
        await part.close();
      } catch (error) {
        logger.error({ err: error, part: part.name }, 'did not stop cleanly');
      }
    }
    afterStop?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
