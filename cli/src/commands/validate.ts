import type { Command } from 'commander';
import { createLogger } from '@sift/common';
import { loadValidateStageConfig, startValidateStage } from '@sift/collector';
import { runUntilSignal } from '../run-until-signal';

/**
 * Adds `sift validate`: validation as a stream stage, raw topic in, good and bad topics out,
 * for deployments whose collector only records raw request bodies. Runs until SIGINT/SIGTERM.
 */
export function addValidateCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('validate')
    .description(
      'validate raw request bodies from a topic into the good and bad topics ' +
        '(SIFT_RAW_TOPIC, SIFT_VALIDATE_*, SIFT_REGISTRY_URL, SIFT_KAFKA_BROKERS)',
    )
    .action(async () => {
      const logger = createLogger('validate');
      const running = await startValidateStage(loadValidateStageConfig(env), logger);
      runUntilSignal([{ name: 'validate', close: running.close }], logger);
    });
}
