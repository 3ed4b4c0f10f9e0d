import pino from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

export type { Logger };

/** Creates the root logger of a service; units of work take `logger.child({...})`. */
export function createLogger(name: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
