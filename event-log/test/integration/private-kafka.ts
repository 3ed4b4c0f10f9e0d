import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// A single-node Kafka of this test's own, on free ports and a temporary data directory, from the
// jars `scripts/services/services.mjs` has already fetched. It can be stopped, frozen and
// restarted without touching the shared broker on 127.0.0.1:9092 that other test files use.

const HOST = '127.0.0.1';
const root = resolve(__dirname, '../../..');
const servicesDir = resolve(process.env.SIFT_SERVICES_DIR ?? join(root, '.services'));
const kafkaVersion = process.env.SIFT_KAFKA_VERSION ?? '3.9.2';
const libs = join(servicesDir, `kafka-${kafkaVersion}`, 'libs');
const log4j = join(root, 'scripts/services/log4j.properties');
const java = process.env.SIFT_JAVA ?? 'java';

/** A port nobody listens on right now. */
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

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: HOST, port });
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A broker this process started; `stop()` leaves nothing behind. */
export class PrivateKafka {
  private child: ChildProcess | undefined;
  private starts = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly config: string,
  ) {}

  /** `127.0.0.1:<port>`. */
  get broker(): string {
    return `${HOST}:${this.port}`;
  }

  /** Writes the config, formats the storage and starts the broker; resolves once it serves. */
  static async start(): Promise<PrivateKafka> {
    if (!existsSync(join(libs, `kafka_2.13-${kafkaVersion}.jar`))) {
      throw new Error(
        `no Kafka jars in ${libs}: run \`npm run services -- start kafka\` once to fetch them`,
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'sift-private-kafka-'));
    const [port, controllerPort] = [await freePort(), await freePort()];
    const config = join(dir, 'server.properties');
    writeFileSync(
      config,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@${HOST}:${controllerPort}`,
        `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        `log.dirs=${join(dir, 'data')}`,
        'num.partitions=1',
        'default.replication.factor=1',
        'min.insync.replicas=1',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'transaction.state.log.num.partitions=1',
        'group.initial.rebalance.delay.ms=0',
        'num.network.threads=1',
        'num.io.threads=2',
        '',
      ].join('\n'),
    );
    const format = spawnSync(
      java,
      [
        `-Dlog4j.configuration=file:${log4j}`,
        '-cp',
        `${libs}/*`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        randomBytes(16).toString('base64url'),
        '-c',
        config,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (format.status !== 0) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`formatting Kafka storage failed: ${format.stderr}${format.stdout}`);
    }
    const kafka = new PrivateKafka(dir, port, config);
    try {
      await kafka.restart();
    } catch (error) {
      await kafka.stop();
      throw error;
    }
    return kafka;
  }

  /** Starts the broker again on the same data (after `kill`); resolves once it serves. */
  async restart(): Promise<void> {
    const logFile = join(this.dir, `kafka-${++this.starts}.log`);
    const out = openSync(logFile, 'w');
    const child = spawn(
      java,
      [
        '-Xms128m',
        '-Xmx384m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${log4j}`,
        `-Dkafka.logs.dir=${this.dir}`,
        '-cp',
        `${libs}/*`,
        'kafka.Kafka',
        this.config,
      ],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    this.child = child;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (/Kafka Server started/.test(readFileSync(logFile, 'utf8')) && (await portOpen(this.port)))
        return;
      await sleep(250);
    }
    throw new Error(
      `private Kafka did not start; last lines of ${logFile}:\n` +
        readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n'),
    );
  }

  /** Sends a signal to the broker: SIGSTOP freezes it, SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Kills the broker at once (its data stays, for `restart`) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the broker and removes its data. */
  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
