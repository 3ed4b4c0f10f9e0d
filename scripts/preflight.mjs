// Checks what `npm test` needs before anything starts, so that a missing tool stops the run at
// once with one message instead of failing tests late. Under CI=true as root, missing Debian
// packages are installed first with apt-get (as the CI path does for Chromium). Anything still
// missing is listed, each with its install command, and the run stops with exit code 1.
//
//   node scripts/preflight.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_CANDIDATES } from './install-chromium.mjs';

const NODE_MINIMUM = [20, 19];

/**
 * Whether a command runs and exits 0; its combined output when it does.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
function run(command, args, env) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`;
}

/**
 * @typedef {object} Prerequisite
 * @property {string} what what it is and what needs it
 * @property {(env: NodeJS.ProcessEnv) => boolean} present
 * @property {string[]} debian the Debian packages that provide it; empty when apt cannot
 * @property {string} install the command a person runs to install it
 */

/** @type {Prerequisite[]} */
export const PREREQUISITES = [
  {
    what: `Node.js ${NODE_MINIMUM.join('.')} or newer (this is ${process.versions.node})`,
    present: () => {
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      return major > NODE_MINIMUM[0] || (major === NODE_MINIMUM[0] && minor >= NODE_MINIMUM[1]);
    },
    debian: [],
    install: 'see https://nodejs.org/en/download (or your Node version manager)',
  },
  {
    what: 'Java 17+ (`java`, or SIFT_JAVA), for Kafka and Elasticsearch in the integration tests',
    present: (env) => {
      const version = run(env.SIFT_JAVA || 'java', ['-version'], env);
      return Number(/version "(?:1\.)?(\d+)/.exec(version ?? '')?.[1] ?? 0) >= 17;
    },
    debian: ['openjdk-17-jdk-headless'],
    install: 'apt-get install -y openjdk-17-jdk-headless',
  },
  {
    what: 'Maven (`mvn`, or SIFT_MVN), which fetches Kafka and Elasticsearch from Maven Central',
    present: (env) => run(env.SIFT_MVN || 'mvn', ['--version'], env) !== undefined,
    debian: ['maven'],
    install: 'apt-get install -y maven',
  },
  {
    what: 'Python 3 with venv (`python3`), for the schemathesis runs against the OpenAPI documents',
    present: (env) => run('python3', ['-c', 'import venv, ensurepip'], env) !== undefined,
    debian: ['python3', 'python3-venv'],
    install: 'apt-get install -y python3 python3-venv',
  },
  {
    what: 'Chromium, for the browser tests (or name a binary in SIFT_CHROMIUM)',
    present: (env) =>
      env.SIFT_CHROMIUM ? existsSync(env.SIFT_CHROMIUM) : CHROMIUM_CANDIDATES.some(existsSync),
    debian: ['chromium'],
    install: 'apt-get install -y chromium',
  },
];

/**
 * The prerequisites that are missing, after installing what CI may install.
 * @param {NodeJS.ProcessEnv} env
 * @param {Prerequisite[]} prerequisites
 * @returns {Prerequisite[]}
 */
export function missingPrerequisites(env = process.env, prerequisites = PREREQUISITES) {
  const missing = prerequisites.filter((item) => !item.present(env));
  const packages = missing.flatMap((item) => item.debian);
  if (packages.length === 0 || env.CI !== 'true' || process.getuid?.() !== 0) return missing;
  process.stderr.write(`preflight: installing ${packages.join(' ')} with apt-get ...\n`);
  const aptGet = (/** @type {string[]} */ args) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  try {
    aptGet(install);
  } catch {
    aptGet(['update']);
    aptGet(install);
  }
  return prerequisites.filter((item) => !item.present(env));
}

/**
 * One message that names each missing piece and how to install it.
 * @param {Prerequisite[]} missing
 */
export function describeMissing(missing) {
  const lines = missing.map(({ what, install }) => `  - ${what}\n      ${install}`);
  return `npm test cannot run here; missing:\n${lines.join('\n')}\nInstall these, then run npm test again.\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(describeMissing(missing));
    process.exitCode = 1;
  }
}
