// Installs schemathesis (PyPI) into a project-local virtualenv, `.sift-tools/schemathesis/`
// (gitignored), for the API fuzzing test (test/integration/schemathesis.test.ts). Idempotent:
// a venv that already holds the pinned version is reused as it is. Needs python3 with venv and
// pip; run by the integration tests' global setup, before any test starts, so the download
// never races a test's timeout.
//
//   node scripts/install-schemathesis.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The schemathesis release the tests run; bump it on purpose, not by drift. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** The virtualenv, under the repository root. */
export const SCHEMATHESIS_VENV = fileURLToPath(
  new URL('../.sift-tools/schemathesis', import.meta.url),
);

/** The `schemathesis` command inside the virtualenv. */
export const SCHEMATHESIS_BIN = path.join(SCHEMATHESIS_VENV, 'bin', 'schemathesis');

const python = path.join(SCHEMATHESIS_VENV, 'bin', 'python');

/** The version of schemathesis installed in the venv, or undefined when there is none. */
function installedVersion() {
  if (!existsSync(python) || !existsSync(SCHEMATHESIS_BIN)) return undefined;
  const shown = spawnSync(python, ['-m', 'pip', 'show', 'schemathesis'], { encoding: 'utf8' });
  if (shown.status !== 0) return undefined;
  return /^Version:\s*(\S+)/m.exec(shown.stdout)?.[1];
}

/**
 * The path of the pinned schemathesis, installed first into `.sift-tools/schemathesis/` when
 * missing or at another version (`python3 -m venv`, then `pip install`). Throws when python3
 * or pip fail, saying what to install.
 * @returns {string}
 */
export function installSchemathesis() {
  const present = installedVersion();
  if (present === SCHEMATHESIS_VERSION) return SCHEMATHESIS_BIN;
  const run = (/** @type {string} */ file, /** @type {string[]} */ args) =>
    execFileSync(file, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    if (!existsSync(python)) {
      console.error(`creating a virtualenv for schemathesis in ${SCHEMATHESIS_VENV} ...`);
      run('python3', ['-m', 'venv', SCHEMATHESIS_VENV]);
    }
    console.error(
      `installing schemathesis ${SCHEMATHESIS_VERSION}` +
        (present ? ` (replacing ${present})` : '') +
        ' from PyPI ...',
    );
    run(python, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      `schemathesis==${SCHEMATHESIS_VERSION}`,
    ]);
  } catch (error) {
    throw new Error(
      'Cannot install schemathesis: the API tests need python3 with venv and pip ' +
        '(Debian: apt-get install -y python3-venv python3-pip)',
      { cause: error },
    );
  }
  const installed = installedVersion();
  if (installed !== SCHEMATHESIS_VERSION) {
    throw new Error(
      `pip installed schemathesis ${installed ?? 'nowhere'}, not ${SCHEMATHESIS_VERSION}`,
    );
  }
  return SCHEMATHESIS_BIN;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(installSchemathesis());
}
