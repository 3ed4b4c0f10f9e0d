// Builds the browser bundle (dist/browser/sift-tracker.min.js, global `SiftTracker`) and prints
// its minified and minified+gzip sizes.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const result = await build({
  entryPoints: [join(here, '../src/index.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'SiftTracker',
  platform: 'browser',
  target: 'es2020',
  write: false,
});
const code = result.outputFiles[0].contents;
const out = join(here, '../dist/browser/sift-tracker.min.js');
await mkdir(dirname(out), { recursive: true });
await writeFile(out, code);
process.stdout.write(
  `${out}: ${code.length} bytes minified, ${gzipSync(code, { level: 9 }).length} bytes minified+gzip\n`,
);
