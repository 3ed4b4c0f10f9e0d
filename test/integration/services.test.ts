import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The services script as `npm run services -- …` runs it; global-setup.mjs has already started both.
const script = join(__dirname, '../../scripts/services/services.mjs');

function services(...args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
    ms: Date.now() - started,
  };
}

describe('npm run services', () => {
  it('reports both services running', () => {
    const { status, output } = services('status');
    expect(status).toBe(0);
    expect(output).toMatch(/kafka: running/);
    expect(output).toMatch(/elasticsearch: running/);
  });

  it('treats a second start as harmless: no new process, exit 0', () => {
    const before = services('status').output;
    const { status, output } = services('start');
    expect(status).toBe(0);
    expect(output).toMatch(/kafka: already running/);
    expect(output).toMatch(/elasticsearch: already running/);
    expect(services('status').output).toBe(before);
  });
});
