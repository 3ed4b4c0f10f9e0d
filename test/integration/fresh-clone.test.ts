// A newcomer's first minutes: a clone in a folder with no ../shared beside it, `npm ci`, then
// every `npx sift` command of the README's table answers --help, and the README's codegen lines
// run as written. The clone is the working tree's files as git would check them out (tracked and
// new, not ignored), so the test sees uncommitted work too.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = join(__dirname, '../..');

/** The `sift` subcommands that the README's command table shows with `npx sift`. */
export function readmeTableCommands(readme: string): string[][] {
  const commands: string[][] = [];
  for (const line of readme.split('\n')) {
    const cell = /^\| `npx sift ([^`]*)`/.exec(line)?.[1];
    if (cell === undefined) continue;
    const words: string[] = [];
    for (const token of cell.split(' ')) {
      if (/^[-[<…]/.test(token)) break;
      words.push(token);
    }
    // `registry\|collector`: one row for two commands (the pipe is escaped in the table).
    const [first = '', ...rest] = words;
    for (const alternative of first.split('\\|')) commands.push([alternative, ...rest]);
  }
  return commands;
}

/** Copies the files a clone would hold into a new folder of its own. */
function cloneWorkingTree(): string {
  const parent = mkdtempSync(join(tmpdir(), 'sift-fresh-'));
  const target = join(parent, 'sift');
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(target, file));
  }
  return target;
}

/** The environment of a person at a shell: none of jest's own variables. */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('JEST_') || name.startsWith('npm_') || name === 'NODE_ENV')
      delete env[name];
  }
  return env;
}

describe('a fresh clone', () => {
  let clone: string;
  const env = shellEnv();

  beforeAll(async () => {
    clone = cloneWorkingTree();
    await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: clone,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  }, 900_000);

  afterAll(() => {
    if (clone) rmSync(dirname(clone), { recursive: true, force: true });
  });

  it('has no ../shared beside it', () => {
    expect(existsSync(join(clone, '..', 'shared'))).toBe(false);
  });

  it('answers --help for every npx sift command of the README table', async () => {
    const commands = readmeTableCommands(readFileSync(join(clone, 'README.md'), 'utf8'));
    expect(commands.map((words) => words.join(' '))).toEqual(
      expect.arrayContaining(['up', 'registry', 'collector', 'schemas check', 'codegen']),
    );
    for (const words of commands) {
      const { stdout } = await run('npx', ['sift', ...words, '--help'], { cwd: clone, env });
      expect(stdout).toContain(`Usage: sift ${words.join(' ')}`);
    }
  }, 300_000);

  it("runs the README's codegen lines as written", async () => {
    const readme = readFileSync(join(clone, 'README.md'), 'utf8');
    const lines = readme
      .split('\n')
      .filter((line) => line.startsWith('npx sift codegen --schemas schemas --out src/analytics'))
      .map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const [, ...args] = line.split(/\s+/);
      await run('npx', args, { cwd: clone, env });
    }
    expect(existsSync(join(clone, 'src/analytics'))).toBe(true);
  }, 300_000);

  it('reads no fixture from ../shared: the copies live in the repository', () => {
    const grep = spawnSync(
      'grep',
      ['-rlE', '--exclude-dir=node_modules', '--exclude-dir=dist', '[.][.]/shared/fixtures', '.'],
      { cwd: clone, encoding: 'utf8' },
    );
    expect(grep.stdout).toBe('');
    expect(grep.status).toBe(1);
  });
});
