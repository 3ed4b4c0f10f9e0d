import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { jsonSchemaFormat } from '@sift/validator';

// docker-compose.yml and the Dockerfile checked without Docker: against the Compose
// Specification's JSON schema (vendored in test/compose/), through compose-go (the loader
// Docker Compose itself uses), and against what the Sift code knows.
const root = join(__dirname, '..', '..');
const composeFile = join(root, 'docker-compose.yml');
const run = promisify(execFile);
// The Go toolchain: on PATH, else where the official tarball installs it.
const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  restart?: string;
  environment?: Record<string, unknown>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function loadCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

const compose = loadCompose(readFileSync(composeFile, 'utf8'));
const services = Object.entries(compose.services);
const siftServices = services.filter(([, service]) => service.image === 'sift:local');
const oneShot = (service: Service) => service.restart === 'no';

/** The Compose Specification schema, compiled by ajv (draft 2020-12) through @sift/validator. */
function specification() {
  const schema = readFileSync(join(root, 'test/compose/compose-spec.json'), 'utf8');
  return jsonSchemaFormat.compile({ schema });
}

/** Every `SIFT_*` variable a config loader reads: the names in `*\/src/**\/config.ts` and `*-config.ts`. */
function knownVariables(): Set<string> {
  const known = new Set<string>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/(^|-)config\.ts$/.test(entry.name)) {
        for (const match of readFileSync(path, 'utf8').matchAll(/'(SIFT_[A-Z0-9_]+)'/g)) {
          known.add(match[1] as string);
        }
      }
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const src = join(root, entry.name, 'src');
    if (entry.isDirectory() && entry.name !== 'node_modules' && existsSync(src)) visit(src);
  }
  return known;
}

describe('docker-compose.yml', () => {
  it('is valid under the Compose Specification schema, which refuses a broken copy', () => {
    const spec = specification();
    const broken = loadCompose(readFileSync(composeFile, 'utf8'));
    (broken.services['collector'] as unknown as Record<string, unknown>)['depends_on'] = {
      registry: { condition: 'service_ready' },
    };
    (broken.services['registry'] as unknown as Record<string, unknown>)['healthcheck'] = {
      test: ['CMD', 'true'],
      interval_ms: 1000,
    };

    expect(spec.validate(compose).issues).toEqual([]);
    expect(spec.validate(broken).issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        '/services/collector/depends_on/registry/condition',
        '/services/registry/healthcheck',
      ]),
    );
  });

  it('runs Kafka, Elasticsearch, Kibana, the registry, the collector, both sinks and the console', () => {
    expect(compose.services['kafka']?.image).toMatch(/^apache\/kafka:3\./);
    expect(compose.services['elasticsearch']?.image).toMatch(/elasticsearch:8\.19\./);
    expect(compose.services['kibana']?.image).toMatch(/kibana:8\.19\./);
    expect(Object.fromEntries(siftServices.map(([name, s]) => [name, s.command]))).toEqual({
      registry: ['registry'],
      'schemas-push': [
        'schemas',
        'push',
        '--dir',
        '/app/schemas',
        '--registry',
        'http://registry:8081',
      ],
      collector: ['collector'],
      'sink-good': ['sink', '--kind', 'good'],
      'sink-bad': ['sink', '--kind', 'bad'],
      console: ['ui'],
      'kibana-import': ['kibana', 'import', '--url', 'http://kibana:5601'],
    });
    expect(compose.services['registry']?.environment?.['SIFT_REGISTRY_STORE']).toBe('kafka');
  });

  it('gives every long-running service a health check, Sift ones on /healthz of their own port', () => {
    const ports: Record<string, string> = {
      registry: 'SIFT_REGISTRY_PORT',
      collector: 'SIFT_COLLECTOR_PORT',
      'sink-good': 'SIFT_SINK_PORT',
      'sink-bad': 'SIFT_SINK_PORT',
      console: 'SIFT_CONSOLE_PORT',
    };
    for (const [name, service] of services) {
      if (oneShot(service)) continue;
      expect({ name, healthcheck: service.healthcheck !== undefined }).toEqual({
        name,
        healthcheck: true,
      });
    }
    for (const [name, variable] of Object.entries(ports)) {
      const service = compose.services[name] as Service;
      const port = String(service.environment?.[variable]);
      expect(JSON.stringify(service.healthcheck?.test)).toContain(`127.0.0.1:${port}/healthz`);
    }
  });

  it('depends only on services that exist, healthy ones on a health check and completed ones on a one-shot', () => {
    for (const [name, service] of services) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        const dependency = compose.services[target];
        expect({ name, target, exists: dependency !== undefined }).toEqual({
          name,
          target,
          exists: true,
        });
        if (condition === 'service_healthy') expect(dependency?.healthcheck).toBeDefined();
        if (condition === 'service_completed_successfully')
          expect(oneShot(dependency as Service)).toBe(true);
      }
    }
  });

  it('starts every Sift service that reads the registry or Kafka only once that one is healthy', () => {
    const needs: Record<string, string> = {
      SIFT_REGISTRY_URL: 'registry',
      SIFT_KAFKA_BROKERS: 'kafka',
    };
    const missing = siftServices.flatMap(([name, service]) =>
      Object.entries(needs)
        .filter(([variable]) => service.environment?.[variable] !== undefined)
        .filter(([, target]) => service.depends_on?.[target]?.condition !== 'service_healthy')
        .map(([variable, target]) => `${name} reads ${variable} but does not wait for ${target}`),
    );

    expect(siftServices.map(([name]) => name)).toContain('console');
    expect(missing).toEqual([]);
  });

  it('uses only named volumes it declares', () => {
    const used = services.flatMap(([, service]) =>
      (service.volumes ?? []).map((volume) => volume.split(':')[0] as string),
    );

    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((volume) => !(volume in (compose.volumes ?? {})))).toEqual([]);
  });

  it('sets only SIFT_* variables that the config loaders read', () => {
    const known = knownVariables();
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const used = new Set([
      ...services.flatMap(([, service]) =>
        Object.keys(service.environment ?? {}).filter((name) => name.startsWith('SIFT_')),
      ),
      ...[...dockerfile.matchAll(/\b(SIFT_[A-Z0-9_]+)=/g)].map((match) => match[1] as string),
    ]);

    expect(known.has('SIFT_KAFKA_BROKERS')).toBe(true);
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('is the one the Sift services build from', () => {
    for (const [, service] of siftServices) {
      expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    }
  });

  it('copies only paths that exist, and the manifest of every workspace', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap(
      (match) => (match[1] as string).split(/\s+/),
    );
    const workspaces = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;

    expect(sources.filter((source) => !existsSync(join(root, source)))).toEqual([]);
    expect(workspaces.filter((name) => !sources.includes(`${name}/package.json`))).toEqual([]);
  });

  it('builds in one stage and runs as a non-root user in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/cli\/dist\/bin\.js"\]$/m);
  });
});

describe('docker-compose.yml through compose-go', () => {
  const work = mkdtempSync(join(tmpdir(), 'sift-compose-'));
  const checker = join(work, 'compose-go-check');

  beforeAll(async () => {
    // compose-go from the Go module proxy, pinned by test/compose/compose-go/go.sum.
    await run(go, ['build', '-o', checker, '.'], {
      cwd: join(root, 'test/compose/compose-go'),
      timeout: 240_000,
    });
  }, 250_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('loads the way docker compose config loads it, and refuses a service depending on a missing one', async () => {
    const loaded = await run(checker, [composeFile], { cwd: root });
    const normalized = parse(loaded.stdout) as ComposeFile;
    const broken = join(work, 'docker-compose.yml');
    writeFileSync(
      broken,
      readFileSync(composeFile, 'utf8').replace(
        /(\n {2}collector:\n(?:.*\n)*? {4}depends_on:\n)/,
        '$1      zookeeper:\n        condition: service_started\n',
      ),
    );

    expect(loaded.stderr).toContain(`valid: ${services.length} services`);
    expect(Object.keys(normalized.services).sort()).toEqual(services.map(([name]) => name).sort());
    await expect(run(checker, [broken], { cwd: root })).rejects.toMatchObject({
      stderr: expect.stringContaining('zookeeper'),
    });
  });
});
