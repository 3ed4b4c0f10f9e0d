#!/usr/bin/env node
import { isSiftError } from '@sift/common';
import { buildProgram } from './program';

buildProgram(process.env)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const code = isSiftError(error) ? ` [${error.code}]` : '';
    process.stderr.write(`sift: ${(error as Error).message}${code}\n`);
    process.exit(1);
  });
