import type { Command } from 'commander';
import { createLogger } from '@sift/common';
import { loadConsoleConfig, startConsole } from '@sift/console';
import { runUntilSignal } from '../run-until-signal';

/** Registers `sift ui`: the console server alone with the console UI, on Elasticsearch and Kafka (distributed mode). */
export function addUiCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('ui')
    .description(
      'run the console server: test API, Micro paths and the console UI (/ui/) over Elasticsearch (SIFT_CONSOLE_*, SIFT_REGISTRY_URL, SIFT_KAFKA_BROKERS)',
    )
    .action(async () => {
      const logger = createLogger('console');
      const running = await startConsole(loadConsoleConfig(env), logger);
      runUntilSignal([{ name: 'console', close: running.close }], logger);
    });
}
