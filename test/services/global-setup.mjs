// Starts real Kafka and Elasticsearch for the integration tests, unless they already run.
// Under CI=true a service that cannot start fails the run; it is never a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/services/services.mjs', import.meta.url));

export default async function globalSetup() {
  const status = spawnSync(process.execPath, [script, 'status'], { encoding: 'utf8' });
  if (status.status === 0) {
    process.env.SIFT_TEST_SERVICES_STARTED = 'false';
    return;
  }
  execFileSync(process.execPath, [script, 'start'], { stdio: 'inherit' });
  // Read back by global-teardown.mjs, which runs in this same process.
  process.env.SIFT_TEST_SERVICES_STARTED = 'true';
}
