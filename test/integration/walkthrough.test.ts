import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildCli,
  envWithoutJava,
  freePorts,
  repoRoot,
  startSiftUp,
} from '../../cli/test/support/sift-process';
import type { SiftProcess } from '../../cli/test/support/sift-process';

const run = promisify(execFile);

/** One command of the README's walk-through and the answer the README shows for it. */
interface Step {
  command: string;
  expected: string;
}

/** The commands of the README's "Two commands" walk-through, each with its `# →` answer. */
async function readmeWalkthrough(): Promise<Step[]> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Two commands'));
  const block = section
    ?.split(/^```/m)
    .find((part) => part.startsWith('sh\n') && part.includes('# →'));
  if (!block) throw new Error('README.md: no walk-through block under "## Two commands"');
  const steps: Step[] = [];
  let command: string[] = [];
  for (const line of block.slice(3).split('\n')) {
    if (line.startsWith('# → ')) {
      steps.push({ command: command.join('\n'), expected: line.slice(4) });
      command = [];
    } else if (line.startsWith('curl ') || command.length > 0) {
      if (line.startsWith('#') || line.trim() === '') {
        throw new Error(`README.md: a command without its "# →" answer: ${command.join(' ')}`);
      }
      command.push(line);
    }
  }
  return steps;
}

/** The README's answer as a pattern: `…` matches anything, the rest literally. */
function answerPattern(expected: string): RegExp {
  const literal = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${literal}$`, 's');
}

const running: SiftProcess[] = [];
const dataDirs: string[] = [];

beforeAll(() => {
  buildCli();
}, 300_000);

afterAll(async () => {
  for (const sift of running) await sift.stop();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

/** Starts `sift up` on free ports and a fresh data folder, with no Java on PATH. */
async function startSift(env: Record<string, string> = {}): Promise<SiftProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sift-walkthrough-'));
  dataDirs.push(dataDir);
  const sift = await startSiftUp({ dataDir, ports: await freePorts(), env });
  running.push(sift);
  return sift;
}

/** A README command aimed at this `sift up`'s ports instead of 8080, 8081 and 8082. */
function local(sift: SiftProcess, command: string): string {
  return command
    .replaceAll('127.0.0.1:8081', `127.0.0.1:${sift.ports.registry}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${sift.ports.collector}`)
    .replaceAll('127.0.0.1:8082', `127.0.0.1:${sift.ports.console}`);
}

/** Runs a shell command with no Java on PATH and returns what it printed. */
async function shell(command: string): Promise<string> {
  return (await run('sh', ['-c', command], { env: envWithoutJava() })).stdout;
}

/** Runs each step against `sift` (through `adapt` first) and checks its answer against the README's. */
async function runSteps(
  sift: SiftProcess,
  steps: Step[],
  adapt: (command: string) => string = (command) => command,
): Promise<void> {
  for (const step of steps) {
    expect(step.command).toMatch(/127\.0\.0\.1:808[012]/);
    const answer = await shell(local(sift, adapt(step.command)));
    // Named by its command, so a failure says which step broke.
    expect({ command: step.command, answer }).toEqual({
      command: step.command,
      answer: expect.stringMatching(answerPattern(step.expected)),
    });
  }
}

describe('the README walk-through', () => {
  it('works exactly as written against sift up, with no Java on PATH', async () => {
    const steps = await readmeWalkthrough();
    expect(steps.length).toBeGreaterThanOrEqual(6);
    const noJava = envWithoutJava();
    const java = await run('sh', ['-c', 'command -v java || true'], { env: noJava });
    // The same PATH finds curl, so the commands below run while Java cannot.
    expect((await run('sh', ['-c', 'command -v curl'], { env: noJava })).stdout).not.toBe('');
    expect(java.stdout.trim()).toBe('');

    await runSteps(await startSift(), steps);
  });

  it('works with registry auth on for reads and writes, the registry calls given the user', async () => {
    const steps = await readmeWalkthrough();
    const sift = await startSift({
      SIFT_REGISTRY_AUTH_USERS: 'walker:s3cret',
      SIFT_REGISTRY_AUTH_READS: 'true',
      SIFT_REGISTRY_USERNAME: 'walker',
      SIFT_REGISTRY_PASSWORD: 's3cret',
    });
    const registry = `127.0.0.1:${sift.ports.registry}`;
    const consoleHost = `127.0.0.1:${sift.ports.console}`;

    // sift up registered schemas/ with its credentials.
    const subjects = JSON.parse(await shell(`curl -s -u walker:s3cret ${registry}/subjects`));
    const folder = (await readdir(join(repoRoot, 'schemas'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folder.length).toBeGreaterThan(0);
    expect(subjects).toEqual(expect.arrayContaining(folder));

    // The README's commands, the registry ones with the user, answer as written.
    await runSteps(sift, steps, (command) =>
      command.includes('127.0.0.1:8081')
        ? command.replace(/^curl /, 'curl -u walker:s3cret ')
        : command,
    );

    // The registry refuses a read without credentials, and a wrong password.
    const status = (auth: string) =>
      shell(`curl -s -o /dev/null -w '%{http_code}' ${auth} ${registry}/subjects`);
    expect(await status('')).toBe('401');
    expect(await status('-u walker:wrong')).toBe('401');

    // The console UI loads, and its registry views work with the caller's credentials.
    expect(
      await shell(`curl -s -o /dev/null -w '%{http_code} %{content_type}' ${consoleHost}/ui/`),
    ).toMatch(/^200 text\/html/);
    const listed = JSON.parse(
      await shell(`curl -s -u walker:s3cret ${consoleHost}/ui/api/subjects`),
    ) as { subjects: { subject: string }[] };
    expect(listed.subjects.map((entry) => entry.subject)).toEqual(
      expect.arrayContaining(['com.example.button_click', ...folder]),
    );
    expect(
      await shell(`curl -s -o /dev/null -w '%{http_code}' ${consoleHost}/ui/api/subjects`),
    ).toBe('401');
  });
});
