import type { Command } from 'commander';
import { createLogger } from '@sift/common';
import { loadConsoleConfig, startConsole } from '@sift/console';
import { runUntilSignal } from '../run-until-signal';

/** Registers `sift ui`: the console server alone, reading Elasticsearch (distributed mode). */
export function addUiCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('ui')
    .description(
      'run the console server: test API and Micro paths over Elasticsearch (SIFT_CONSOLE_*)',
    )
    .action(async () => {
      const logger = createLogger('console');
      const running = await startConsole(loadConsoleConfig(env), logger);
      runUntilSignal([{ name: 'console', close: running.close }], logger);
    });
}
