import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The repository root. */
export const repoRoot = join(__dirname, '..', '..', '..');

/**
 * Builds every workspace (`tsc -b tsconfig.build.json`), so the tests run the CLI as users do;
 * a lock keeps test files that build at once from writing the same outputs together.
 */
export function buildCli(): void {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    'flock',
    ['/tmp/sift-test-build.lock', process.execPath, tsc, '-b', 'tsconfig.build.json'],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`tsc -b tsconfig.build.json failed:\n${result.stdout}${result.stderr}`);
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A folder holding links to just these tools, found on the test's PATH. */
function toolsFolder(tools: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-path-'));
  for (const tool of tools) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found === '') throw new Error(`${tool} is not on PATH`);
    symlinkSync(found, join(dir, tool));
  }
  return dir;
}

let noJavaPath: string | undefined;

/**
 * The test's environment with no way to Java: PATH is a folder holding only `node`, `sh` and
 * `curl` (Debian puts `java` in /usr/bin, so leaving folders out is not enough), no JAVA_HOME,
 * and no SIFT_* variables, so `sift up` runs embedded unless the test sets them.
 */
export function envWithoutJava(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('SIFT_') && name !== 'JAVA_HOME') env[name] = value;
  }
  noJavaPath ??= toolsFolder(['node', 'sh', 'curl']);
  env['PATH'] = noJavaPath;
  return { ...env, ...extra };
}

/** The ports a `sift up` process listens on. */
export interface SiftPorts {
  registry: number;
  collector: number;
  console: number;
}

/** A running `node cli/dist/bin.js up`. */
export interface SiftProcess {
  child: ChildProcess;
  ports: SiftPorts;
  /** Everything it printed so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Free ports for the three servers. */
export async function freePorts(): Promise<SiftPorts> {
  return { registry: await freePort(), collector: await freePort(), console: await freePort() };
}

/** Starts `sift up` from the built CLI and resolves once it says it is up. */
export async function startSiftUp(options: {
  dataDir: string;
  ports: SiftPorts;
  env?: Record<string, string>;
  args?: string[];
}): Promise<SiftProcess> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'cli', 'dist', 'bin.js'), 'up', ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env: envWithoutJava({
        SIFT_DATA_DIR: options.dataDir,
        SIFT_REGISTRY_PORT: String(options.ports.registry),
        SIFT_COLLECTOR_PORT: String(options.ports.collector),
        SIFT_CONSOLE_PORT: String(options.ports.console),
        ...options.env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sift up did not start:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes('Sift is up')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sift up exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    ports: options.ports,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
