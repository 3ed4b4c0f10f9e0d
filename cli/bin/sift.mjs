#!/usr/bin/env node
// The `sift` executable. npm links a package's bin while it installs, before `prepare` has
// compiled dist/, and skips a bin whose file does not exist yet: so the linked file is this one,
// kept in git, and it loads the compiled CLI when it runs.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write(
    `sift: ${compiled} is not built yet; run \`npm ci\` (or \`npm run build\`) at the repository root\n`,
  );
  process.exit(1);
}
await import(pathToFileURL(compiled).href);
