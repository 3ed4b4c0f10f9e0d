import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Where Debian and other distributions put Chromium; `SIFT_CHROMIUM` names another binary. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Flags for a quiet, headless Chromium in a container (no sandbox as root, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const HOW_TO_INSTALL =
  'Chromium is needed for the browser tests. Install it with ' +
  '`sudo apt-get install -y --no-install-recommends chromium` (Debian/Ubuntu), or set ' +
  'SIFT_CHROMIUM to a Chromium or Chrome binary. Under CI=true as root the tests install it themselves.';

/** The first Chromium binary found, or undefined. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env['SIFT_CHROMIUM'];
  if (named) return existsSync(named) ? named : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

function aptGet(args: string[]): void {
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * The Chromium binary. When there is none and this is CI (`CI=true`) running as root, installs
 * Debian's `chromium` with apt-get (updating the package lists if the first try fails);
 * otherwise throws an error that says how to install it.
 */
export function ensureChromium(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (env['CI'] !== 'true' || !isRoot) {
    throw new Error(
      `No Chromium found (looked at ${env['SIFT_CHROMIUM'] ?? CANDIDATES.join(', ')}). ${HOW_TO_INSTALL}`,
    );
  }
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  try {
    aptGet(install);
  } catch {
    aptGet(['update']);
    aptGet(install);
  }
  const installed = findChromium(env);
  if (!installed)
    throw new Error(`apt-get installed chromium but no binary was found. ${HOW_TO_INSTALL}`);
  return installed;
}

/** A headless Chromium with a fresh profile; `close` ends it and removes the profile. */
export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium (installing it under CI, see ensureChromium) with a fresh user-data-dir. */
export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'sift-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
