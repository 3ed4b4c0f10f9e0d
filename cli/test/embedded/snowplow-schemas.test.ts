import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNOWPLOW_POST_PATH } from '@sift/collector';
import { createLogger } from '@sift/common';
import { loadSnowplowSchemasSetting } from '../../src/embedded/embedded-config';
import { startEmbedded, stopAll } from '../../src/embedded/start-embedded';
import type { EmbeddedPlatform } from '../../src/embedded/start-embedded';

const logger = createLogger('snowplow-schemas-test', 'silent');
let dir: string;
let platform: EmbeddedPlatform | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-snowplow-'));
});
afterEach(async () => {
  if (platform) await stopAll(platform.running, logger);
  platform = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<EmbeddedPlatform> {
  platform = await startEmbedded(
    {},
    {
      SIFT_DATA_DIR: join(dir, 'data'),
      SIFT_REGISTRY_PORT: '0',
      SIFT_COLLECTOR_PORT: '0',
      SIFT_CONSOLE_PORT: '0',
      ...env,
    },
    logger,
  );
  return platform;
}

const igluPath = (name: string, version: string) =>
  `/api/schemas/com.snowplowanalytics.snowplow/${name}/jsonschema/${version}`;

describe("Snowplow's tracker schemas in sift up", () => {
  it('are registered at start, every SchemaVer, client_session 1-0-1 included', async () => {
    const sift = await start();
    for (const [name, version] of [
      ['web_page', '1-0-0'],
      ['client_session', '1-0-2'],
      ['mobile_context', '1-0-3'],
      ['browser_context', '2-0-0'],
      ['unstruct_event', '1-0-0'],
    ] as const) {
      const answer = await fetch(`${sift.registryUrl}${igluPath(name, version)}`);
      expect([name, version, answer.status]).toEqual([name, version, 200]);
    }
  });

  it('are registered with SIFT_REGISTRY_USERNAME and _PASSWORD when registry auth is on', async () => {
    const sift = await start({
      SIFT_REGISTRY_AUTH_USERS: 'sift:s3cret',
      SIFT_REGISTRY_AUTH_READS: 'true',
      SIFT_REGISTRY_USERNAME: 'sift',
      SIFT_REGISTRY_PASSWORD: 's3cret',
    });
    const path = `${sift.registryUrl}${igluPath('client_session', '1-0-2')}`;
    expect((await fetch(path)).status).toBe(401);
    const answer = await fetch(path, {
      headers: { authorization: `Basic ${Buffer.from('sift:s3cret').toString('base64')}` },
    });
    expect(answer.status).toBe(200);
  });

  it("validate a tracker's events against the exact SchemaVer they name, entities included", async () => {
    const sift = await start();
    const linkClick = (targetUrl: unknown) => ({
      e: 'ue',
      eid: crypto.randomUUID(),
      tv: 'node-4.8.0',
      p: 'srv',
      ue_pr: JSON.stringify({
        schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
        data: {
          schema: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1',
          data: { targetUrl },
        },
      }),
      co: JSON.stringify({
        schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
        data: [
          {
            schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
            data: { id: 'b1f2c3d4-0000-4000-8000-000000000000' },
          },
        ],
      }),
    });
    const good = linkClick('https://shop.example/');
    const bad = linkClick(42);
    const answer = await fetch(`${sift.collectorUrl}${SNOWPLOW_POST_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({
        schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
        data: [good, bad],
      }),
    });
    expect([answer.status, await answer.text()]).toEqual([200, 'ok']);

    const stored = async (id: string) => {
      for (;;) {
        const found = await fetch(`${sift.consoleUrl}/api/events/${id}`);
        if (found.status === 200) return (await found.json()) as Record<string, unknown>;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    expect(await stored(good.eid)).toMatchObject({
      verdict: 'good',
      event: 'com.snowplowanalytics.snowplow.link_click',
    });
    expect(await stored(bad.eid)).toMatchObject({ verdict: 'bad', kind: 'schema_violation' });
  });

  it('stay off with SIFT_SNOWPLOW_SCHEMAS=false', async () => {
    expect(loadSnowplowSchemasSetting({})).toBe(true);
    const sift = await start({ SIFT_SNOWPLOW_SCHEMAS: 'false' });
    const answer = await fetch(`${sift.registryUrl}${igluPath('web_page', '1-0-0')}`);
    expect(answer.status).toBe(404);
  });

  it('refuses a SIFT_SNOWPLOW_SCHEMAS that is not a boolean, naming it', () => {
    expect(() => loadSnowplowSchemasSetting({ SIFT_SNOWPLOW_SCHEMAS: 'maybe' })).toThrow(
      /SIFT_SNOWPLOW_SCHEMAS/,
    );
  });
});
