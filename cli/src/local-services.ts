import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's services script (real Kafka and Elasticsearch, fetched through Maven Central). */
const script = join(__dirname, '..', '..', 'scripts', 'services', 'services.mjs');

function run(action: 'start' | 'stop' | 'status'): number {
  const result = spawnSync(process.execPath, [script, action], {
    stdio: action === 'status' ? 'ignore' : 'inherit',
  });
  return result.status ?? 1;
}

/**
 * Starts local Kafka and Elasticsearch unless they already run. Returns whether this call
 * started them, so the caller stops only what it started.
 */
export function ensureLocalServices(): boolean {
  if (!existsSync(script)) {
    throw new Error(
      `No Kafka or Elasticsearch configured and no ${script} to start them: set SIFT_KAFKA_BROKERS and SIFT_ELASTICSEARCH_URL`,
    );
  }
  if (run('status') === 0) return false;
  if (run('start') !== 0)
    throw new Error('Local Kafka and Elasticsearch did not start; see the log above');
  return true;
}

/** Stops local Kafka and Elasticsearch. */
export function stopLocalServices(): void {
  run('stop');
}
