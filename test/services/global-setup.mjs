// Starts real Kafka and Elasticsearch for the integration tests, unless they already run.
// Under CI=true a service that cannot start fails the run; it is never a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { installChromium } from '../../scripts/install-chromium.mjs';
import { installSchemathesis } from '../../scripts/install-schemathesis.mjs';

const script = fileURLToPath(new URL('../../scripts/services/services.mjs', import.meta.url));

export default async function globalSetup() {
  // The browser tests' Chromium: installed here under CI (see the script), not inside a test.
  installChromium();
  // The API fuzzing test's schemathesis, in a project-local virtualenv (see the script).
  installSchemathesis();
  const stopped = ['kafka', 'elasticsearch'].filter(
    (name) =>
      spawnSync(process.execPath, [script, 'status', name], { stdio: 'ignore' }).status !== 0,
  );
  if (stopped.length > 0) {
    execFileSync(process.execPath, [script, 'start', ...stopped], { stdio: 'inherit' });
  }
  // Read back by global-teardown.mjs, which runs in this same process: it stops only these.
  process.env.SIFT_TEST_SERVICES_STARTED = stopped.join(',');
}
