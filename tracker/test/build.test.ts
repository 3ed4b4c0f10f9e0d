import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scripts = join(__dirname, '../scripts');

describe('collector API types', () => {
  it('are in step with collector/openapi.json', () => {
    const check = spawnSync(
      process.execPath,
      [join(scripts, 'generate-collector-api.mjs'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('are reported stale when the document changes', () => {
    const document = JSON.parse(
      readFileSync(join(__dirname, '../../collector/openapi.json'), 'utf8'),
    );
    document.components.schemas.EventEnvelope.properties.priority = { type: 'integer' };
    const dir = mkdtempSync(join(tmpdir(), 'sift-openapi-'));
    const changed = join(dir, 'openapi.json');
    writeFileSync(changed, JSON.stringify(document));
    const check = spawnSync(
      process.execPath,
      [join(scripts, 'generate-collector-api.mjs'), '--check'],
      {
        encoding: 'utf8',
        env: { ...process.env, SIFT_COLLECTOR_OPENAPI: changed },
      },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('tracker/src/collector-api.ts is stale');
  });
});

describe('browser bundle', () => {
  it('stays under 10 kB minified and gzipped', () => {
    const output = execFileSync(process.execPath, [join(scripts, 'build-browser.mjs')], {
      encoding: 'utf8',
    });
    const match = /(\d+) bytes minified, (\d+) bytes minified\+gzip/.exec(output);
    expect(match).not.toBeNull();
    const gzipped = Number(match?.[2]);
    process.stdout.write(
      `tracker browser bundle: ${match?.[1]} bytes minified, ${gzipped} bytes gzip\n`,
    );
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThan(10 * 1024);
  });
});
