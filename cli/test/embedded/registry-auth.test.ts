import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@sift/common';
import { startEmbedded, stopAll } from '../../src/embedded/start-embedded';
import type { EmbeddedPlatform } from '../../src/embedded/start-embedded';

const logger = createLogger('test', 'silent');
const auth = { SIFT_REGISTRY_AUTH_USERS: 'sift:s3cret', SIFT_REGISTRY_AUTH_READS: 'true' };
const credentials = { SIFT_REGISTRY_USERNAME: 'sift', SIFT_REGISTRY_PASSWORD: 's3cret' };

let dir: string;
let platform: EmbeddedPlatform | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-embedded-auth-'));
  await mkdir(join(dir, 'schemas', 'com.test.click'), { recursive: true });
  await writeFile(
    join(dir, 'schemas', 'com.test.click', '1.json'),
    JSON.stringify({
      type: 'object',
      properties: { button: { type: 'string' } },
      required: ['button'],
    }),
  );
});

afterEach(async () => {
  if (platform) await stopAll(platform.running, logger);
  platform = undefined;
  await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): Promise<EmbeddedPlatform> {
  return startEmbedded(
    { schemas: join(dir, 'schemas') },
    {
      SIFT_DATA_DIR: join(dir, 'data'),
      SIFT_REGISTRY_PORT: '0',
      SIFT_COLLECTOR_PORT: '0',
      SIFT_CONSOLE_PORT: '0',
      SIFT_SCHEMAS_WATCH: 'false',
      ...env,
    },
    logger,
  );
}

describe('the embedded platform with registry auth on', () => {
  it('registers the schemas folder and validates events with SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD', async () => {
    platform = await start({ ...auth, ...credentials });
    const basic = `Basic ${Buffer.from('sift:s3cret').toString('base64')}`;
    const versions = await fetch(`${platform.registryUrl}/subjects/com.test.click/versions`, {
      headers: { authorization: basic },
    });
    expect(await versions.json()).toEqual([1]);

    const answer = await fetch(`${platform.collectorUrl}/v1/events?wait=indexed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { event: 'com.test.click', data: { button: 'buy' } },
          { event: 'com.test.click', data: { button: 42 } },
        ],
      }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ accepted: 1, rejected: 1 });
    const counts = await (await fetch(`${platform.consoleUrl}/api/counts`)).json();
    expect(counts).toEqual({ total: 2, good: 1, bad: 1 });
  });

  it('stops at start naming SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD when they are not set', async () => {
    await expect(start(auth)).rejects.toMatchObject({
      code: 'SIFT_CONFIG_INVALID',
      message: expect.stringMatching(
        /requires credentials.*set SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD/,
      ),
    });
  });

  it('stops at start naming the user the registry refused when the password is wrong', async () => {
    await expect(
      start({ ...auth, ...credentials, SIFT_REGISTRY_PASSWORD: 'wrong' }),
    ).rejects.toMatchObject({
      code: 'SIFT_CONFIG_INVALID',
      message: expect.stringMatching(/refused SIFT_REGISTRY_USERNAME="sift".*PASSWORD/),
    });
  });

  it('stops at start when registry auth is on for writes only and credentials are missing', async () => {
    await expect(start({ SIFT_REGISTRY_AUTH_USERS: 'sift:s3cret' })).rejects.toMatchObject({
      code: 'SIFT_CONFIG_INVALID',
      message: expect.stringMatching(/SIFT_REGISTRY_USERNAME/),
    });
  });

  it('names SIFT_REGISTRY_PASSWORD when only SIFT_REGISTRY_USERNAME is set', async () => {
    await expect(start({ ...auth, SIFT_REGISTRY_USERNAME: 'sift' })).rejects.toMatchObject({
      code: 'SIFT_CONFIG_INVALID',
      message: expect.stringMatching(
        /SIFT_REGISTRY_PASSWORD is not set but SIFT_REGISTRY_USERNAME is/,
      ),
    });
  });

  it('can start again on the same folder after refusing to start', async () => {
    await expect(start(auth)).rejects.toMatchObject({ code: 'SIFT_CONFIG_INVALID' });
    platform = await start({ ...auth, ...credentials });
    expect(platform.collectorUrl).toMatch(/^http:/);
  });
});
