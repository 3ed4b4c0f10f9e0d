// Stops the services that global-setup.mjs started (leaving ones a developer started alone),
// then checks that no Java process of theirs is left behind.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/services/services.mjs', import.meta.url));

/** Live (not zombie) processes whose command line names Kafka's or Elasticsearch's main class. */
function leftoverServiceProcesses() {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (
        state !== 'Z' &&
        /java/.test(cmdline) &&
        /kafka\.Kafka|org\.elasticsearch\./.test(cmdline)
      ) {
        found.push(`${pid}: ${cmdline.slice(0, 120)}`);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export default async function globalTeardown() {
  const started = (process.env.SIFT_TEST_SERVICES_STARTED ?? '').split(',').filter(Boolean);
  if (started.length === 0) return;
  execFileSync(process.execPath, [script, 'stop', ...started], { stdio: 'inherit' });
  if (started.length < 2) return; // the other service still runs by design
  const left = leftoverServiceProcesses();
  if (left.length > 0) {
    throw new Error(`services stop left Java processes running:\n${left.join('\n')}`);
  }
}
