import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// A single-node Elasticsearch of this test's own, on free ports and a temporary data directory,
// from the distribution `scripts/services/services.mjs` has already unpacked. It can be stopped
// (SIGTERM) and started again on the same data without touching the shared node on port 9200.

const HOST = '127.0.0.1';
const root = resolve(__dirname, '../../..');
const servicesDir = resolve(process.env['SIFT_SERVICES_DIR'] ?? join(root, '.services'));
const esVersion = process.env['SIFT_ES_VERSION'] ?? '8.19.21';
const esUser = process.env['SIFT_ES_USER'] ?? 'sift-es';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** uid and gid of the user Elasticsearch runs as when we are root (it refuses root). */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, esUser]).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownTree(child, uid, gid);
    else chownSync(child, uid, gid);
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** An Elasticsearch node this process started; `destroy()` leaves nothing behind. */
export class PrivateElasticsearch {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly home: string,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {}

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  /** Writes its config and data folders and starts the node; resolves once it answers. */
  static async create(): Promise<PrivateElasticsearch> {
    const home = realpathSync(join(servicesDir, 'elasticsearch', `elasticsearch-${esVersion}`));
    if (!existsSync(join(home, 'bin', 'elasticsearch'))) {
      throw new Error(
        `no Elasticsearch in ${home}: run \`npm run services -- start elasticsearch\` once`,
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'sift-private-es-'));
    const [port, transport] = [await freePort(), await freePort()];
    const config = join(dir, 'config');
    cpSync(join(home, 'config'), config, { recursive: true });
    for (const sub of ['data', 'logs', 'tmp']) mkdirSync(join(dir, sub));
    writeFileSync(
      join(config, 'elasticsearch.yml'),
      [
        'cluster.name: sift-private',
        'node.name: sift-private-1',
        'discovery.type: single-node',
        `network.host: ${HOST}`,
        `http.port: ${port}`,
        `transport.port: ${transport}`,
        `path.data: ${join(dir, 'data')}`,
        `path.logs: ${join(dir, 'logs')}`,
        'xpack.security.enabled: false',
        'cluster.routing.allocation.disk.threshold_enabled: false',
        '',
      ].join('\n'),
    );
    writeFileSync(join(config, 'jvm.options.d', 'sift-heap.options'), '-Xms256m\n-Xmx256m\n');
    const user = owner();
    if (user) chownTree(dir, user.uid, user.gid);
    const node = new PrivateElasticsearch(dir, port, home, user);
    await node.start();
    return node;
  }

  /** Starts the node on its data; resolves once `/_cluster/health` answers. */
  async start(timeoutMs = 90_000): Promise<void> {
    const java = realpathSync(execFileSync('which', ['java']).toString().trim());
    const child = spawn(join(this.home, 'bin', 'elasticsearch'), [], {
      cwd: this.home,
      stdio: 'ignore',
      // Its own process group: the launcher runs the server as a child, and both get the signal.
      detached: true,
      env: {
        ...process.env,
        ES_JAVA_HOME: dirname(dirname(java)),
        ES_PATH_CONF: join(this.dir, 'config'),
        ES_TMPDIR: join(this.dir, 'tmp'),
        HOME: this.dir,
      },
      ...(this.user ? { uid: this.user.uid, gid: this.user.gid } : {}),
    });
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (!(await this.answers())) {
      if (child.exitCode !== null) throw new Error(`Elasticsearch exited with ${child.exitCode}`);
      if (Date.now() > deadline)
        throw new Error(`Elasticsearch did not start within ${timeoutMs} ms`);
      await sleep(500);
    }
  }

  /** Whether the node answers a health request now. */
  async answers(): Promise<boolean> {
    const answer = await fetch(`${this.url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(3_000),
    }).catch(() => undefined);
    return answer?.status === 200;
  }

  /** Stops the node with SIGTERM and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      const signal = (name: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, name);
        } catch {
          child.kill(name);
        }
      };
      const timer = setTimeout(() => signal('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      signal('SIGTERM');
    });
    // The launcher may exit before the server has let go of its port and data folder.
    while (await this.answers()) await sleep(200);
  }

  /** Stops the node and removes its folders. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
