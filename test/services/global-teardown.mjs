// Stops the services that global-setup.mjs started; leaves ones a developer started alone.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/services/services.mjs', import.meta.url));

export default async function globalTeardown() {
  if (process.env.SIFT_TEST_SERVICES_STARTED === 'true') {
    execFileSync(process.execPath, [script, 'stop'], { stdio: 'inherit' });
  }
}
