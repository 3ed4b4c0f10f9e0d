import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

let sift: SiftProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  buildCli();
  dataDir = await mkdtemp(join(tmpdir(), 'sift-walkthrough-'));
}, 300_000);

afterAll(async () => {
  await sift?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the README walk-through', () => {
  it('works exactly as written against sift up, with no Java on PATH', async () => {
    const steps = await readmeWalkthrough();
    expect(steps.length).toBeGreaterThanOrEqual(6);
    const noJava = envWithoutJava();
    const java = await run('sh', ['-c', 'command -v java || true'], { env: noJava });
    // The same PATH finds curl, so the commands below run while Java cannot.
    expect((await run('sh', ['-c', 'command -v curl'], { env: noJava })).stdout).not.toBe('');
    expect(java.stdout.trim()).toBe('');

    const ports = await freePorts();
    sift = await startSiftUp({ dataDir, ports });
    const local = (command: string) =>
      command
        .replaceAll('127.0.0.1:8081', `127.0.0.1:${ports.registry}`)
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.collector}`)
        .replaceAll('127.0.0.1:8082', `127.0.0.1:${ports.console}`);
    for (const step of steps) {
      expect(step.command).toMatch(/127\.0\.0\.1:808[012]/);
      const { stdout } = await run('sh', ['-c', local(step.command)], { env: noJava });
      // Named by its command, so a failure says which step broke.
      expect({ command: step.command, answer: stdout }).toEqual({
        command: step.command,
        answer: expect.stringMatching(answerPattern(step.expected)),
      });
    }
  });
});
