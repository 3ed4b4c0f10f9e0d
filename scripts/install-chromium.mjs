// Installs Debian's Chromium for the browser tests when it is missing: under CI=true as root,
// with apt-get (updating the package lists when the first try fails). Elsewhere it only says
// how to install it. Run by the integration tests' global setup, before any test starts, so
// the download never races a test's timeout and two test files never run apt-get at once.
//
//   node scripts/install-chromium.mjs
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where Debian and other distributions put Chromium; `SIFT_CHROMIUM` names another binary. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** @param {NodeJS.ProcessEnv} env */
function found(env) {
  const named = env.SIFT_CHROMIUM;
  if (named) return existsSync(named) ? named : undefined;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path));
}

/** @param {string[]} args */
function aptGet(args) {
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * The Chromium binary, installed first when it is missing and this is CI as root; otherwise
 * undefined when there is none (the browser tests then fail saying how to install it).
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
export function installChromium(env = process.env) {
  const present = found(env);
  if (present) return present;
  if (env.CI !== 'true' || process.getuid?.() !== 0) return undefined;
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  console.error('installing Debian chromium for the browser tests ...');
  try {
    aptGet(install);
  } catch {
    aptGet(['update']);
    aptGet(install);
  }
  const installed = found(env);
  if (!installed) throw new Error('apt-get installed chromium, but no chromium binary was found');
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = installChromium();
  console.log(binary ?? 'no Chromium: install it with `apt-get install -y chromium`');
  if (!binary) process.exitCode = 1;
}
