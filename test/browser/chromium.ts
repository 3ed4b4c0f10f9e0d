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
  "SIFT_CHROMIUM to a Chromium or Chrome binary. Under CI=true as root, the integration tests' " +
  'global setup installs it (`node scripts/install-chromium.mjs`).';

/** The first Chromium binary found, or undefined. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env['SIFT_CHROMIUM'];
  if (named) return existsSync(named) ? named : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * The Chromium binary, or an error that says how to install it. Under CI=true as root the
 * integration tests' global setup has installed it (`scripts/install-chromium.mjs`).
 */
export function ensureChromium(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if (found) return found;
  throw new Error(
    `No Chromium found (looked at ${env['SIFT_CHROMIUM'] ?? CANDIDATES.join(', ')}). ${HOW_TO_INSTALL}`,
  );
}

/** A headless Chromium with a fresh profile; `close` ends it and removes the profile. */
export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data-dir. */
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
