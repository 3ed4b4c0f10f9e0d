// @ts-check
/**
 * Local Kafka + Elasticsearch for Sift, without Docker.
 *
 *   node scripts/services/services.mjs start  [kafka|elasticsearch ...]
 *   node scripts/services/services.mjs stop   [kafka|elasticsearch ...]
 *   node scripts/services/services.mjs status [kafka|elasticsearch ...]
 *
 * Also usable as a module (e.g. from a jest globalSetup):
 *   import { startServices, stopServices, servicesStatus } from './scripts/services/services.mjs';
 *
 * Only node: builtins. Needs `java` (17+) and `mvn` on PATH. See README.md beside this file.
 */

import { spawn, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const execFileP = promisify(execFile);
const inflateRawP = promisify(zlib.inflateRaw);

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');

export const KAFKA_VERSION = process.env.SIFT_KAFKA_VERSION || '3.9.2';
export const ES_VERSION = process.env.SIFT_ES_VERSION || '8.19.21';

const SERVICES_DIR = path.resolve(
  process.env.SIFT_SERVICES_DIR || path.join(REPO_ROOT, '.services'),
);
const RUN_DIR = path.join(SERVICES_DIR, 'run');
const LOG_DIR = path.join(SERVICES_DIR, 'logs');
const DOWNLOAD_DIR = path.join(SERVICES_DIR, 'downloads');

const JAVA = process.env.SIFT_JAVA || 'java';
const MVN = process.env.SIFT_MVN || 'mvn';
const DEP_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';
const ES_USER = process.env.SIFT_ES_USER || 'sift-es';
const ES_HEAP = process.env.SIFT_ES_HEAP || '512m';

const HOST = '127.0.0.1';
const KAFKA_PORT = 9092;
const KAFKA_CONTROLLER_PORT = 9093;
const ES_HTTP_PORT = 9200;
const ES_TRANSPORT_PORT = 9300;

const KAFKA_TIMEOUT_MS = Number(process.env.SIFT_KAFKA_TIMEOUT_MS || 90_000);
const ES_TIMEOUT_MS = Number(process.env.SIFT_ES_TIMEOUT_MS || 180_000);
const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 60;

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** @typedef {'kafka' | 'elasticsearch'} ServiceName */
/**
 * @typedef {object} ServiceStatus
 * @property {ServiceName} name
 * @property {boolean} running   process alive and port answering
 * @property {number | null} pid
 * @property {boolean} alive     the recorded process is alive
 * @property {boolean} ready     the service answers
 * @property {string} address
 */

/** @type {ServiceName[]} */
export const SERVICE_NAMES = ['kafka', 'elasticsearch'];

/**
 * @typedef {object} Service
 * @property {ServiceName} name
 * @property {string} address
 * @property {number[]} ports            ports that must be free before starting
 * @property {number} timeoutMs
 * @property {string} logFile            stdout/stderr of the process
 * @property {string} pidFile
 * @property {() => string} marker       a string found in the command line of every process of ours
 * @property {() => Promise<void>} prepare
 * @property {(logFd: number) => import('node:child_process').ChildProcess} spawnProcess
 * @property {(since?: boolean) => Promise<boolean>} isReady
 */

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {string} msg */
function log(msg) {
  console.log(msg);
}

/** @param {string} p */
async function exists(p) {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} dir */
async function mkdirp(dir) {
  await fsp.mkdir(dir, { recursive: true });
}

/** @param {number} ms */
function secs(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Find an executable on PATH.
 * @param {string} cmd
 * @returns {string | null}
 */
function which(cmd) {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : null;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** @param {string} file @param {number} n */
async function tail(file, n) {
  try {
    const text = await fsp.readFile(file, 'utf8');
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/**
 * TCP connect check.
 * @param {number} port
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
function portOpen(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    const done = (/** @type {boolean} */ ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * @param {string} urlPath
 * @param {number} [timeoutMs]
 * @returns {Promise<{ status: number, body: string } | null>}
 */
function httpGet(urlPath, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const req = http.get(
      { host: HOST, port: ES_HTTP_PORT, path: urlPath, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode || 0, body }));
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

// ---------------------------------------------------------------------------
// Processes (Linux /proc based)
// ---------------------------------------------------------------------------

/**
 * @param {number} pid
 * @returns {{ state: string, pgid: number } | null}
 */
function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ..." — comm may contain spaces/parens
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], pgid: Number(rest[2]) };
  } catch {
    return null;
  }
}

/** @param {number} pid */
function procCmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** @param {number} pid alive and not a zombie */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EPERM') return false;
  }
  const st = procStat(pid);
  if (!st) return fs.existsSync('/proc') ? false : true;
  return st.state !== 'Z' && st.state !== 'X';
}

/** @returns {number[]} */
function allPids() {
  try {
    return fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/** Live processes of a process group. @param {number} pgid */
function groupMembers(pgid) {
  return allPids().filter((p) => {
    const st = procStat(p);
    return st && st.pgid === pgid && st.state !== 'Z' && st.state !== 'X';
  });
}

/**
 * Live java (or launcher shell) processes whose command line contains marker;
 * other processes that merely mention the path (an editor, `tail -f`) are left alone.
 * @param {string} marker
 */
function processesWithMarker(marker) {
  return allPids().filter((p) => {
    if (p === process.pid || !isAlive(p)) return false;
    const cmd = procCmdline(p);
    if (!cmd.includes(marker)) return false;
    const argv0 = path.basename(cmd.split(' ')[0]);
    return argv0 === 'java' || cmd.includes('bin/elasticsearch');
  });
}

/**
 * The recorded pid is alive and (where /proc exists) still one of ours, not a reused pid.
 * @param {number} pid
 * @param {string} marker
 */
function isOurs(pid, marker) {
  if (!isAlive(pid)) return false;
  if (!fs.existsSync(`/proc/${pid}`)) return true;
  return procCmdline(pid).includes(marker);
}

/**
 * Best effort: who listens on a TCP port on this machine.
 * @param {number} port
 * @returns {string}
 */
function describePortOwner(port) {
  /** @type {Set<string>} */
  const inodes = new Set();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      if (localPort === port && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return 'an unknown process';
  for (const pid of allPids()) {
    let fds = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) {
        const cmd = procCmdline(pid);
        return `pid ${pid} (${cmd.length > 160 ? cmd.slice(0, 160) + '…' : cmd})`;
      }
    }
  }
  return 'another process';
}

/** @param {string} pidFile @returns {Promise<number | null>} */
async function readPid(pidFile) {
  try {
    const n = Number((await fsp.readFile(pidFile, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, logFile: string, env?: NodeJS.ProcessEnv }} opts
 * @returns {Promise<number>} exit code
 */
async function runLogged(cmd, args, opts) {
  await mkdirp(path.dirname(opts.logFile));
  const fd = fs.openSync(opts.logFile, 'a');
  fs.writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env || process.env,
        stdio: ['ignore', fd, fd],
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    fs.closeSync(fd);
  }
}

// Maven runs one at a time: two parallel first-time runs would both download
// the dependency plugin into the same ~/.m2.
/** @type {Promise<unknown>} */
let mvnQueue = Promise.resolve();
/**
 * @param {string[]} args
 * @param {string} logFile
 * @param {string} what for messages
 */
function mvn(args, logFile, what) {
  const run = async () => {
    if (!which(MVN))
      throw new Error(
        `${what}: '${MVN}' not found on PATH (install Maven, e.g. apt-get install maven)`,
      );
    // Try offline first: works without network when ~/.m2 already has everything.
    const offline = await runLogged(MVN, ['-o', ...args], { logFile });
    if (offline === 0) return;
    const online = await runLogged(MVN, args, { logFile });
    if (online !== 0) {
      throw new Error(
        `${what}: mvn failed (exit ${online}); last lines of ${logFile}:\n${await tail(logFile, 40)}`,
      );
    }
  };
  const p = mvnQueue.then(run, run);
  mvnQueue = p.catch(() => {});
  return p;
}

/** @returns {string} JDK home of the `java` that will be used */
function javaHome() {
  if (process.env.ES_JAVA_HOME) return process.env.ES_JAVA_HOME;
  const j = which(JAVA);
  if (!j)
    throw new Error(
      `'${JAVA}' not found on PATH: install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless)`,
    );
  return path.dirname(path.dirname(fs.realpathSync(j)));
}

// ---------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------

const KAFKA_HOME = path.join(SERVICES_DIR, `kafka-${KAFKA_VERSION}`);
const KAFKA_LIBS = path.join(KAFKA_HOME, 'libs');
const KAFKA_LIBS_MARKER = path.join(KAFKA_LIBS, '.complete');
const KAFKA_DIR = path.join(SERVICES_DIR, 'kafka'); // config + data (kept across versions only if compatible)
const KAFKA_CONFIG = path.join(KAFKA_DIR, 'server.properties');
const KAFKA_DATA = path.join(KAFKA_DIR, 'data');
const KAFKA_LOG = path.join(LOG_DIR, 'kafka.log');

async function kafkaFetch() {
  if (await exists(KAFKA_LIBS_MARKER)) return;
  log(
    `kafka: fetching jars for Kafka ${KAFKA_VERSION} from Maven Central (via mvn, cached in ~/.m2)…`,
  );
  const t0 = Date.now();
  await fsp.rm(KAFKA_LIBS, { recursive: true, force: true });
  await mkdirp(KAFKA_LIBS);
  await mvn(
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      path.join(HERE, 'kafka-pom.xml'),
      `-Dkafka.version=${KAFKA_VERSION}`,
      `${DEP_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${KAFKA_LIBS}`,
    ],
    path.join(LOG_DIR, 'fetch-kafka.log'),
    'kafka',
  );
  const jars = (await fsp.readdir(KAFKA_LIBS)).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    throw new Error(
      `kafka: mvn finished but kafka_2.13-${KAFKA_VERSION}.jar is missing in ${KAFKA_LIBS}`,
    );
  }
  await fsp.writeFile(KAFKA_LIBS_MARKER, jars.sort().join('\n') + '\n');
  log(`kafka: ${jars.length} jars in ${secs(Date.now() - t0)}`);
}

function kafkaServerProperties() {
  return [
    '# Written by scripts/services/services.mjs on every start; edits are lost.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${KAFKA_CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${KAFKA_CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${KAFKA_DATA}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
    'log.retention.hours=24',
    'log.segment.bytes=104857600',
    '',
  ].join('\n');
}

async function kafkaPrepare() {
  await kafkaFetch();
  await mkdirp(KAFKA_DATA);
  await fsp.writeFile(KAFKA_CONFIG, kafkaServerProperties());
  if (!(await exists(path.join(KAFKA_DATA, 'meta.properties')))) {
    const clusterId = randomBytes(16).toString('base64url');
    const code = await runLogged(
      JAVA,
      [
        `-Dlog4j.configuration=file:${path.join(HERE, 'log4j.properties')}`,
        '-cp',
        `${KAFKA_LIBS}/*`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        KAFKA_CONFIG,
        '--ignore-formatted',
      ],
      { logFile: path.join(LOG_DIR, 'kafka-format.log') },
    );
    if (code !== 0) {
      throw new Error(
        `kafka: formatting storage failed:\n${await tail(path.join(LOG_DIR, 'kafka-format.log'), 30)}`,
      );
    }
    log(`kafka: formatted storage in ${KAFKA_DATA} (cluster id ${clusterId})`);
  }
}

/** @param {number} logFd */
function kafkaSpawn(logFd) {
  return spawn(
    JAVA,
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${path.join(HERE, 'log4j.properties')}`,
      `-Dkafka.logs.dir=${LOG_DIR}`,
      '-cp',
      `${KAFKA_LIBS}/*`,
      'kafka.Kafka',
      KAFKA_CONFIG,
    ],
    { cwd: KAFKA_DIR, detached: true, stdio: ['ignore', logFd, logFd], env: process.env },
  );
}

async function kafkaReady() {
  if (!(await portOpen(KAFKA_PORT))) return false;
  try {
    const text = await fsp.readFile(KAFKA_LOG, 'utf8');
    return /Kafka Server started/.test(text);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Elasticsearch
// ---------------------------------------------------------------------------

const ES_ZIP = path.join(DOWNLOAD_DIR, `elasticsearch-${ES_VERSION}.zip`);
const ES_ZIP_MARKER = `${ES_ZIP}.complete`;
const ES_LOG = path.join(LOG_DIR, 'elasticsearch.log');

/**
 * Every parent folder of `dir` can be entered by "others" (the ES user).
 * @param {string} dir
 */
function traversableByOthers(dir) {
  let p = path.resolve(dir);
  for (;;) {
    try {
      if (!(fs.statSync(p).mode & 0o001)) return false;
    } catch {
      /* not created yet: we create it 0755 */
    }
    const parent = path.dirname(p);
    if (parent === p) return true;
    p = parent;
  }
}

/**
 * Where the unpacked distribution, data and logs of ES live.
 * As root, ES runs as an unprivileged user, which must be able to reach the
 * folder; if some parent of SIFT_SERVICES_DIR is closed (e.g. a clone under
 * /root, mode 0700) the runtime goes to /var/tmp/sift-services/<hash> instead.
 */
function esRoot() {
  const inServices = path.join(SERVICES_DIR, 'elasticsearch');
  if (!IS_ROOT || traversableByOthers(SERVICES_DIR)) return inServices;
  const h = createHash('sha256').update(SERVICES_DIR).digest('hex').slice(0, 12);
  return path.join('/var/tmp/sift-services', h, 'elasticsearch');
}
const ES_ROOT = esRoot();
const ES_HOME = path.join(ES_ROOT, `elasticsearch-${ES_VERSION}`);
const ES_HOME_MARKER = path.join(ES_HOME, '.sift-unpacked');
const ES_DATA = path.join(ES_ROOT, 'data');
const ES_LOGS = path.join(ES_ROOT, 'logs');
const ES_TMP = path.join(ES_ROOT, 'tmp');

async function esFetch() {
  if (await exists(ES_ZIP_MARKER)) return;
  log(
    `elasticsearch: fetching elasticsearch-${ES_VERSION}.zip (integ-test-zip, ~100 MB) from Maven Central…`,
  );
  const t0 = Date.now();
  await mkdirp(DOWNLOAD_DIR);
  await mvn(
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      `${DEP_PLUGIN}:copy`,
      `-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip`,
      `-DoutputDirectory=${DOWNLOAD_DIR}`,
    ],
    path.join(LOG_DIR, 'fetch-elasticsearch.log'),
    'elasticsearch',
  );
  if (!(await exists(ES_ZIP)))
    throw new Error(`elasticsearch: mvn finished but ${ES_ZIP} is missing`);
  await fsp.writeFile(ES_ZIP_MARKER, `${ES_VERSION}\n`);
  log(`elasticsearch: downloaded in ${secs(Date.now() - t0)}`);
}

/**
 * Minimal zip extractor (stored + deflate, zip64 aware, unix modes and symlinks).
 * @param {string} zipFile
 * @param {string} dest
 */
async function unzip(zipFile, dest) {
  const buf = await fsp.readFile(zipFile);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipFile}: not a zip file`);
  let count = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== 0x07064b50)
      throw new Error(`${zipFile}: bad zip64 locator`);
    const z64 = Number(buf.readBigUInt64LE(loc + 8));
    count = Number(buf.readBigUInt64LE(z64 + 32));
    cdOffset = Number(buf.readBigUInt64LE(z64 + 48));
  }
  const root = path.resolve(dest);
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory`);
    const madeBy = buf.readUInt16LE(p + 4) >> 8;
    const method = buf.readUInt16LE(p + 10);
    let compSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const extAttr = buf.readUInt32LE(p + 38);
    let localOff = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (compSize === 0xffffffff || localOff === 0xffffffff) {
      // zip64 extra field: [uncomp][comp][localOffset] in that order, only those that overflowed
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = buf.readUInt16LE(e);
        const len = buf.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (buf.readUInt32LE(p + 24) === 0xffffffff) q += 8;
          if (compSize === 0xffffffff) {
            compSize = Number(buf.readBigUInt64LE(q));
            q += 8;
          }
          if (localOff === 0xffffffff) localOff = Number(buf.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
    }
    p += 46 + nameLen + extraLen + commentLen;

    const target = path.resolve(root, name);
    if (target !== root && !target.startsWith(root + path.sep))
      throw new Error(`zip entry escapes: ${name}`);
    const unixMode = madeBy === 3 ? extAttr >>> 16 : 0;
    if (name.endsWith('/')) {
      await mkdirp(target);
      continue;
    }
    const lnNameLen = buf.readUInt16LE(localOff + 26);
    const lnExtraLen = buf.readUInt16LE(localOff + 28);
    const dataStart = localOff + 30 + lnNameLen + lnExtraLen;
    const raw = buf.subarray(dataStart, dataStart + compSize);
    /** @type {Buffer} */
    let data;
    if (method === 0) data = raw;
    else if (method === 8) data = await inflateRawP(raw);
    else throw new Error(`${zipFile}: unsupported compression method ${method} for ${name}`);
    await mkdirp(path.dirname(target));
    if ((unixMode & 0o170000) === 0o120000) {
      await fsp.symlink(data.toString('utf8'), target);
    } else {
      await fsp.writeFile(target, data, { mode: unixMode & 0o777 || 0o644 });
    }
  }
}

/** @param {string} p @param {number} uid @param {number} gid */
async function chownR(p, uid, gid) {
  await fsp.lchown(p, uid, gid);
  const st = await fsp.lstat(p);
  if (!st.isDirectory()) return;
  for (const e of await fsp.readdir(p)) await chownR(path.join(p, e), uid, gid);
}

/** @returns {Promise<{ uid: number, gid: number } | null>} null = run as the current user */
async function esUser() {
  if (!IS_ROOT) return null;
  const lookup = async () => {
    try {
      const { stdout: u } = await execFileP('id', ['-u', ES_USER]);
      const { stdout: g } = await execFileP('id', ['-g', ES_USER]);
      return { uid: Number(u.trim()), gid: Number(g.trim()) };
    } catch {
      return null;
    }
  };
  let ids = await lookup();
  if (!ids) {
    log(`elasticsearch: creating system user ${ES_USER} (Elasticsearch refuses to run as root)`);
    await execFileP('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      ES_USER,
    ]);
    ids = await lookup();
    if (!ids) throw new Error(`elasticsearch: could not create user ${ES_USER}`);
  }
  return ids;
}

/** @param {string} name */
function esModule(name) {
  return fs.existsSync(path.join(ES_HOME, 'modules', name));
}

function esYaml() {
  const lines = [
    '# Written by scripts/services/services.mjs on every start; edits are lost.',
    'cluster.name: sift-dev',
    'node.name: sift-dev-1',
    'discovery.type: single-node',
    `network.host: ${HOST}`,
    `http.port: ${ES_HTTP_PORT}`,
    `transport.port: ${ES_TRANSPORT_PORT}`,
    `path.data: ${ES_DATA}`,
    `path.logs: ${ES_LOGS}`,
    'action.destructive_requires_name: false',
    'cluster.routing.allocation.disk.threshold_enabled: false',
  ];
  // Settings of modules that are absent are unknown settings, which stop the node.
  if (esModule('x-pack-security')) lines.push('xpack.security.enabled: false');
  if (esModule('x-pack-ml')) lines.push('xpack.ml.enabled: false');
  if (esModule('x-pack-watcher')) lines.push('xpack.watcher.enabled: false');
  if (esModule('x-pack-monitoring')) lines.push('xpack.monitoring.collection.enabled: false');
  if (esModule('ingest-geoip')) lines.push('ingest.geoip.downloader.enabled: false');
  return lines.join('\n') + '\n';
}

async function esPrepare() {
  await esFetch();
  const owner = await esUser();
  if (!(await exists(ES_HOME_MARKER))) {
    log(`elasticsearch: unpacking into ${ES_HOME}`);
    await mkdirp(ES_ROOT);
    const tmp = path.join(ES_ROOT, `.unpack-${process.pid}`);
    await fsp.rm(tmp, { recursive: true, force: true });
    await fsp.rm(ES_HOME, { recursive: true, force: true });
    await unzip(ES_ZIP, tmp);
    const top = (await fsp.readdir(tmp)).filter((e) => !e.startsWith('.'));
    const src = top.length === 1 ? path.join(tmp, top[0]) : tmp;
    await fsp.rename(src, ES_HOME);
    await fsp.rm(tmp, { recursive: true, force: true });
    for (const f of await fsp.readdir(path.join(ES_HOME, 'bin'))) {
      await fsp.chmod(path.join(ES_HOME, 'bin', f), 0o755);
    }
    await fsp.writeFile(ES_HOME_MARKER, `${ES_VERSION}\n`);
  }
  for (const d of [ES_DATA, ES_LOGS, ES_TMP, path.join(ES_HOME, 'config', 'jvm.options.d')])
    await mkdirp(d);
  await fsp.writeFile(path.join(ES_HOME, 'config', 'elasticsearch.yml'), esYaml());
  await fsp.writeFile(
    path.join(ES_HOME, 'config', 'jvm.options.d', 'sift-heap.options'),
    `# Written by scripts/services/services.mjs\n-Xms${ES_HEAP}\n-Xmx${ES_HEAP}\n`,
  );
  if (owner) {
    // every folder from / down to ES_ROOT must be enterable by the ES user
    for (let p = ES_ROOT; p !== path.dirname(p); p = path.dirname(p)) {
      const st = await fsp.stat(p);
      if (!(st.mode & 0o001)) {
        if (p.startsWith(SERVICES_DIR) || p.startsWith('/var/tmp/sift-services'))
          await fsp.chmod(p, st.mode | 0o055);
        else
          throw new Error(
            `elasticsearch: user ${ES_USER} cannot enter ${p}; set SIFT_SERVICES_DIR elsewhere`,
          );
      }
    }
    await chownR(ES_ROOT, owner.uid, owner.gid);
  }
  if (ES_ROOT !== path.join(SERVICES_DIR, 'elasticsearch')) {
    const link = path.join(SERVICES_DIR, 'elasticsearch');
    try {
      const cur = await fsp.readlink(link);
      if (cur !== ES_ROOT) throw new Error('stale');
    } catch {
      await fsp.rm(link, { recursive: true, force: true });
      await fsp.symlink(ES_ROOT, link);
    }
  }
}

/**
 * @param {number} logFd
 * @param {{ uid: number, gid: number } | null} owner
 */
function esSpawn(logFd, owner) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    ES_JAVA_HOME: javaHome(),
    ES_PATH_CONF: path.join(ES_HOME, 'config'),
    ES_TMPDIR: ES_TMP,
  };
  if (owner) {
    env.HOME = ES_ROOT;
    env.USER = ES_USER;
    env.LOGNAME = ES_USER;
  }
  return spawn(path.join(ES_HOME, 'bin', 'elasticsearch'), [], {
    cwd: ES_HOME,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
}

async function esReady() {
  const res = await httpGet('/_cluster/health?wait_for_status=yellow&timeout=1s');
  return !!res && res.status === 200;
}

// ---------------------------------------------------------------------------
// Service table
// ---------------------------------------------------------------------------

/** @type {{ uid: number, gid: number } | null} */
let esOwner = null;

/** @type {Record<ServiceName, Service>} */
const SERVICES = {
  kafka: {
    name: 'kafka',
    address: `${HOST}:${KAFKA_PORT}`,
    ports: [KAFKA_PORT, KAFKA_CONTROLLER_PORT],
    timeoutMs: KAFKA_TIMEOUT_MS,
    logFile: KAFKA_LOG,
    pidFile: path.join(RUN_DIR, 'kafka.pid'),
    marker: () => KAFKA_CONFIG,
    prepare: kafkaPrepare,
    spawnProcess: kafkaSpawn,
    isReady: kafkaReady,
  },
  elasticsearch: {
    name: 'elasticsearch',
    address: `http://${HOST}:${ES_HTTP_PORT}`,
    ports: [ES_HTTP_PORT, ES_TRANSPORT_PORT],
    timeoutMs: ES_TIMEOUT_MS,
    logFile: ES_LOG,
    pidFile: path.join(RUN_DIR, 'elasticsearch.pid'),
    marker: () => ES_HOME,
    prepare: async () => {
      await esPrepare();
      esOwner = await esUser();
    },
    spawnProcess: (fd) => esSpawn(fd, esOwner),
    isReady: esReady,
  },
};

/** @param {string[] | undefined} names @returns {ServiceName[]} */
function resolveNames(names) {
  if (!names || names.length === 0) return [...SERVICE_NAMES];
  return names.map((n) => {
    const k = n.toLowerCase();
    if (k === 'kafka') return 'kafka';
    if (k === 'elasticsearch' || k === 'es' || k === 'elastic') return 'elasticsearch';
    throw new Error(`unknown service '${n}' (known: ${SERVICE_NAMES.join(', ')})`);
  });
}

async function ensureServicesDir() {
  await mkdirp(SERVICES_DIR);
  await mkdirp(RUN_DIR);
  await mkdirp(LOG_DIR);
  const gi = path.join(SERVICES_DIR, '.gitignore');
  if (!(await exists(gi)))
    await fsp.writeFile(gi, '# downloads and runtime state of scripts/services/services.mjs\n*\n');
}

/**
 * @param {Service} svc
 * @returns {Promise<ServiceStatus>}
 */
async function statusOf(svc) {
  let pid = await readPid(svc.pidFile);
  let alive = pid !== null && isOurs(pid, svc.marker());
  if (!alive) {
    // pid file lost or stale, but a process of ours may still be around: adopt it
    const found = processesWithMarker(svc.marker());
    if (found.length) {
      pid = found.find((p) => procStat(p)?.pgid === p) ?? found[0];
      alive = true;
    }
  }
  const ready = alive ? await svc.isReady() : false;
  return {
    name: svc.name,
    pid: alive ? pid : null,
    alive,
    ready,
    running: alive && ready,
    address: svc.address,
  };
}

/**
 * @param {Service} svc
 * @param {number} pid
 * @param {number} startedAt
 */
async function waitReady(svc, pid, startedAt) {
  const deadline = startedAt + svc.timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new Error(
        `${svc.name}: process ${pid} exited during startup; last lines of ${svc.logFile}:\n${await tail(svc.logFile, LOG_TAIL_LINES)}`,
      );
    }
    if (await svc.isReady()) return;
    await sleep(500);
  }
  throw new Error(
    `${svc.name}: not ready after ${secs(svc.timeoutMs)}; last lines of ${svc.logFile}:\n${await tail(svc.logFile, LOG_TAIL_LINES)}`,
  );
}

/** @param {Service} svc */
async function startOne(svc) {
  const st = await statusOf(svc);
  if (st.alive && st.pid && (await readPid(svc.pidFile)) !== st.pid) {
    await fsp.writeFile(svc.pidFile, `${st.pid}\n`); // adopted a process whose pid file was lost
  }
  if (st.alive && st.ready) {
    log(`${svc.name}: already running (pid ${st.pid}) on ${svc.address}`);
    return;
  }
  if (st.alive && st.pid) {
    log(`${svc.name}: already starting (pid ${st.pid}), waiting…`);
    const t0 = Date.now();
    await waitReady(svc, st.pid, t0);
    log(`${svc.name}: ready on ${svc.address} in ${secs(Date.now() - t0)}`);
    return;
  }
  if (await exists(svc.pidFile)) {
    await fsp.rm(svc.pidFile, { force: true });
    log(`${svc.name}: removed stale pid file`);
  }
  for (const port of svc.ports) {
    if (await portOpen(port, 500)) {
      throw new Error(
        `${svc.name}: port ${HOST}:${port} is already in use by ${describePortOwner(port)}, not by a service started here; stop it first`,
      );
    }
  }

  await svc.prepare();

  // keep the previous log for post-mortems
  if (await exists(svc.logFile)) await fsp.rename(svc.logFile, `${svc.logFile}.prev`);
  const fd = fs.openSync(svc.logFile, 'w');
  const startedAt = Date.now();
  let child;
  try {
    child = svc.spawnProcess(fd);
  } finally {
    fs.closeSync(fd);
  }
  const pid = child.pid;
  if (!pid) {
    const err = await new Promise((r) => child.once('error', r));
    throw new Error(`${svc.name}: could not start: ${err}`);
  }
  child.on('error', () => {});
  child.unref();
  await fsp.writeFile(svc.pidFile, `${pid}\n`);
  log(`${svc.name}: started pid ${pid}, waiting for ${svc.address} (log: ${svc.logFile})`);
  try {
    await waitReady(svc, pid, startedAt);
  } catch (e) {
    await killGroup(svc, pid, 5_000).catch(() => {});
    await fsp.rm(svc.pidFile, { force: true });
    throw e;
  }
  log(`${svc.name}: ready on ${svc.address} in ${secs(Date.now() - startedAt)}`);
}

/**
 * SIGTERM the process group (and any stray process of ours), wait, then SIGKILL.
 * @param {Service} svc
 * @param {number | null} pid
 * @param {number} timeoutMs
 * @returns {Promise<number[]>} the pids that were running
 */
async function killGroup(svc, pid, timeoutMs) {
  const collect = () => {
    const s = new Set(processesWithMarker(svc.marker()));
    if (pid) {
      if (isOurs(pid, svc.marker())) s.add(pid);
      for (const p of groupMembers(pid)) if (procCmdline(p).includes(svc.marker())) s.add(p);
    }
    return [...s];
  };
  const initial = collect();
  if (initial.length === 0) return [];
  /** @param {NodeJS.Signals} sig */
  const signal = (sig) => {
    if (pid && groupMembers(pid).some((p) => initial.includes(p))) {
      try {
        process.kill(-pid, sig);
      } catch {
        /* no such group */
      }
    }
    for (const p of collect()) {
      try {
        process.kill(p, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && collect().length) await sleep(250);
  if (collect().length) {
    log(`${svc.name}: still running after ${secs(timeoutMs)}, sending SIGKILL`);
    signal('SIGKILL');
    const d2 = Date.now() + 10_000;
    while (Date.now() < d2 && collect().length) await sleep(100);
    const left = collect();
    if (left.length) throw new Error(`${svc.name}: processes ${left.join(', ')} survived SIGKILL`);
  }
  return initial;
}

/** @param {Service} svc */
async function stopOne(svc) {
  const pid = await readPid(svc.pidFile);
  const t0 = Date.now();
  const killed = await killGroup(svc, pid, STOP_TIMEOUT_MS);
  await fsp.rm(svc.pidFile, { force: true });
  if (killed.length)
    log(`${svc.name}: stopped (pid ${killed.join(', ')}) in ${secs(Date.now() - t0)}`);
  else log(`${svc.name}: not running`);
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * Start the services (all by default) in parallel and wait until they answer.
 * Harmless when they already run. Throws (after starting what it could) if any fails.
 * @param {string[]} [names]
 */
export async function startServices(names) {
  const list = resolveNames(names);
  await ensureServicesDir();
  const results = await Promise.allSettled(list.map((n) => startOne(SERVICES[n])));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (errors.length) {
    const err = new Error(
      errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'),
    );
    throw err;
  }
}

/**
 * Stop the services (all by default). Resolves when no process of theirs is left.
 * @param {string[]} [names]
 */
export async function stopServices(names) {
  const list = resolveNames(names);
  await Promise.all(list.map((n) => stopOne(SERVICES[n])));
}

/**
 * @param {string[]} [names]
 * @returns {Promise<ServiceStatus[]>}
 */
export async function servicesStatus(names) {
  const list = resolveNames(names);
  return Promise.all(list.map((n) => statusOf(SERVICES[n])));
}

export const paths = {
  repoRoot: REPO_ROOT,
  servicesDir: SERVICES_DIR,
  esRoot: ES_ROOT,
  esHome: ES_HOME,
  kafkaHome: KAFKA_HOME,
};

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

/** @param {string[]} argv @returns {Promise<number>} */
async function main(argv) {
  const [cmd, ...names] = argv;
  switch (cmd) {
    case 'start':
      await startServices(names);
      return 0;
    case 'stop':
      await stopServices(names);
      return 0;
    case 'status': {
      const all = await servicesStatus(names);
      for (const s of all) {
        if (s.running) log(`${s.name}: running (pid ${s.pid}) on ${s.address}`);
        else if (s.alive)
          log(`${s.name}: starting or unhealthy (pid ${s.pid}), ${s.address} not answering`);
        else log(`${s.name}: stopped`);
      }
      return all.every((s) => s.running) ? 0 : 1;
    }
    default:
      console.error(
        'usage: node scripts/services/services.mjs start|stop|status [kafka|elasticsearch ...]',
      );
      return 2;
  }
}

function invokedDirectly() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
