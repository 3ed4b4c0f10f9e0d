#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isSiftError } from '@sift/common';
import { buildProgram } from './program';

buildProgram(process.env)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // Commander has printed the usage error or the help already.
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const code = isSiftError(error) ? ` [${error.code}]` : '';
    process.stderr.write(`sift: ${(error as Error).message}${code}\n`);
    process.exit(1);
  });
