import { CommanderError } from 'commander';
import { buildProgram } from '../../src/program';

/** What one run of the `sift` program printed and the exit code it set. */
export interface SiftRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sift <args>` through the real commander program with its output captured. */
export async function runSift(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SiftRun> {
  const run: SiftRun = { code: 0, stdout: '', stderr: '' };
  const program = buildProgram(env, {
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
  try {
    await program.parseAsync(['node', 'sift', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    run.code = error.exitCode;
  }
  return run;
}
