import { Command, CommanderError } from 'commander';
import { addGenerateCommand } from '../../src/commands/generate';
import type { SiftRun } from '../support/run-sift';

/** Runs `sift generate <args>` through its real commander command, with the output captured. */
export async function runGenerate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SiftRun> {
  const run: SiftRun = { code: 0, stdout: '', stderr: '' };
  const program = new Command('sift')
    .configureOutput({
      writeOut: (text) => {
        run.stdout += text;
      },
      writeErr: (text) => {
        run.stderr += text;
      },
    })
    .exitOverride();
  addGenerateCommand(program, env, {
    stdout: (text) => {
      run.stdout += text;
    },
    stderr: (text) => {
      run.stderr += text;
    },
    setExitCode: (code) => {
      run.code = code;
    },
  });
  program.commands.forEach((command) => command.exitOverride());
  try {
    await program.parseAsync(['node', 'sift', 'generate', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    run.code = error.exitCode;
  }
  return run;
}
