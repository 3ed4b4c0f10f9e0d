// @ts-check
/**
 * What the benchmarks share about the servers under test: building the packages they import,
 * forking them as child processes, asking them for their figures, and stopping them. Every child
 * (and every temporary folder handed to `removeOnExit`) is cleaned up when the benchmark ends,
 * fails or is interrupted.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Newest modification time of the files under a folder, ms.
 * @param {string} dir
 * @returns {number}
 */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds the packages the servers import when a dist/ is missing, or with `checkSources` older than
 * its src/ (or when asked); with `skip`, only says which are stale.
 * @param {{ packages: string[]; force: boolean; skip?: boolean; checkSources?: boolean }} options
 */
export function ensureBuilt({ packages, force, skip = false, checkSources = false }) {
  const stale = packages.filter((name) => {
    if (!existsSync(join(ROOT, name, 'dist', 'index.js'))) return true;
    if (!checkSources) return false;
    const info = join(ROOT, name, 'tsconfig.tsbuildinfo');
    if (!existsSync(info)) return true;
    return newest(join(ROOT, name, 'src')) > statSync(info).mtimeMs;
  });
  if (!force && stale.length === 0) return;
  if (skip) {
    console.error(
      `--skip-build: measuring dist/ as it is (older than src/ in ${stale.join(', ')})`,
    );
    return;
  }
  const why = checkSources ? 'stale dist/' : 'no dist/';
  console.error(`building (${force ? '--build' : `${why} in ${stale.join(', ')}`}) ...`);
  const built = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('npx tsc -b tsconfig.build.json failed');
}

/** Every server still running, and the temporary folders: cleaned up on exit, whatever the reason. */
const children = new Set(/** @type {ChildProcess[]} */ ([]));
const tempDirs = new Set(/** @type {string[]} */ ([]));
process.on('exit', () => {
  children.forEach((child) => child.kill('SIGKILL'));
  tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    process.exit(130);
  });
}

/**
 * Removes a folder when the benchmark exits.
 * @param {string} dir
 */
export function removeOnExit(dir) {
  tempDirs.add(dir);
}

/**
 * Forks a server script and waits until it listens (it sends `{ url }`). Its stdout (the server's
 * logs) goes to /dev/null.
 * @param {string} script
 * @param {string[]} args `args[0]` names the server in errors
 * @param {number} startTimeoutMs
 * @returns {Promise<{ child: ChildProcess; url: string }>}
 */
export async function forkServer(script, args, startTimeoutMs) {
  const child = fork(script, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args[0]} server did not start`)),
      startTimeoutMs,
    );
    child.once('message', (/** @type {{ url: string }} */ message) => {
      clearTimeout(timer);
      resolve(message.url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} server exited (${code}) before listening`));
    });
  });
  return { child, url };
}

/**
 * Sends `{ type }` to a server and waits for its answer of the same type; undefined once it is gone.
 * @template T
 * @param {ChildProcess} child
 * @param {string} type
 * @param {(message: any) => T} pick what to keep of the answer
 * @returns {Promise<T | undefined>}
 */
export function ask(child, type, pick) {
  return new Promise((resolve) => {
    if (!child.connected) return resolve(undefined);
    /** @param {{ type: string }} message */
    const answer = (message) => message.type === type && done(pick(message));
    /** @param {T | undefined} value */
    const done = (value) => {
      child.off('message', answer);
      child.off('exit', gone);
      resolve(value);
    };
    const gone = () => done(undefined);
    child.on('message', answer);
    child.once('exit', gone);
    child.send({ type });
  });
}

/**
 * Whether a server has exited.
 * @param {ChildProcess} child
 */
export function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Asks a server to close; kills it if it has not exited within `killAfterMs`.
 * @param {ChildProcess} child
 * @param {number} killAfterMs
 */
async function stopServer(child, killAfterMs) {
  if (exited(child)) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await gone;
  clearTimeout(timer);
}

/**
 * Stops every server still running.
 * @param {number} killAfterMs how long each may take to close before it is killed
 */
export async function stopServers(killAfterMs) {
  await Promise.all([...children].map((child) => stopServer(child, killAfterMs)));
}
