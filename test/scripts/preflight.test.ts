import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const preflight = join(root, 'scripts/preflight.mjs');

function runPreflight(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [preflight], { env, encoding: 'utf8', cwd: root });
}

describe('npm test preflight', () => {
  it('is the first step of npm test', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toMatch(/^node scripts\/preflight\.mjs && /);
  });

  it('stops at once with one message naming each missing piece and its install command', () => {
    // A PATH that holds node and nothing else: no java, mvn or python3.
    const bin = mkdtempSync(join(tmpdir(), 'sift-preflight-'));
    try {
      symlinkSync(process.execPath, join(bin, 'node'));
      const result = runPreflight({ PATH: bin, SIFT_CHROMIUM: join(bin, 'no-chromium') });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('npm test cannot run here; missing:');
      for (const line of [
        'apt-get install -y openjdk-17-jdk-headless',
        'apt-get install -y maven',
        'apt-get install -y python3 python3-venv',
        'apt-get install -y chromium',
      ]) {
        expect(result.stderr).toContain(line);
      }
      expect(result.stderr).not.toContain('Node.js');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('passes quietly on a machine that has everything', () => {
    const result = runPreflight({ ...process.env, CI: 'false' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
