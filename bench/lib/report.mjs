// @ts-check
/**
 * What the benchmarks share about reporting: the machine line, the aligned table on stdout, the
 * warnings, and the full results as JSON in bench/results/<name>-<timestamp>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from './children.mjs';

const RESULTS = join(ROOT, 'bench', 'results');

/**
 * @param {number} value
 * @param {number} digits
 */
export const fixed = (value, digits) => value.toFixed(digits);

/**
 * The machine a run measures on, read when called.
 * @typedef {{ cores: number; cpu: string | undefined; platform: NodeJS.Platform; node: string; loadAvg1mBefore: number }} Machine
 */

/**
 * The machine, with the load from other work on it before this run starts: the figures are only
 * as quiet.
 * @returns {Machine}
 */
export function machine() {
  const cores = cpus();
  return {
    cores: cores.length,
    cpu: cores[0]?.model.trim(),
    platform: process.platform,
    node: process.version,
    loadAvg1mBefore: loadavg()[0] ?? 0,
  };
}

/**
 * The first line of a benchmark's output.
 * @param {string} name
 * @param {Machine} m
 * @param {{ connections: number; warmupS: number; durationS: number }} options
 */
export function headline(name, m, options) {
  return (
    `sift ${name} bench — ${m.cores} cores (${m.cpu ?? 'unknown'}), ` +
    `node ${m.node}, load avg ${fixed(m.loadAvg1mBefore, 2)} before, ` +
    `${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s each`
  );
}

/**
 * Rows as an aligned table: the first column left-aligned, the others right-aligned. A row with
 * fewer cells than the header (a note) is joined as it is and does not set the widths.
 * @param {string[]} header
 * @param {string[][]} lines
 */
export function alignTable(header, lines) {
  const measured = lines.filter((line) => line.length === header.length);
  const widths = header.map((h, c) =>
    Math.max(h.length, ...measured.map((line) => line[c]?.length ?? 0)),
  );
  return [header, ...lines]
    .map((cells) =>
      cells.length < header.length
        ? cells.join('  ')
        : cells
            .map((cell, c) =>
              c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
            )
            .join('  '),
    )
    .join('\n');
}

/**
 * Prints a warning for each row with non-2xx answers or errors, and for a run stopped early; sets
 * the exit code when there is any.
 * @param {{ name: string; result?: { non2xx: number; errors: number; firstProblem: string | undefined } }[]} rows
 * @param {string | undefined} stopped
 * @returns {boolean} whether the run had errors
 */
export function warnProblems(rows, stopped) {
  const failed = rows.filter(({ result }) => result && result.non2xx + result.errors > 0);
  for (const { name, result } of failed) {
    console.log(
      `WARNING ${name}: ${result?.non2xx} non-2xx, ${result?.errors} errors; first: ${result?.firstProblem}`,
    );
  }
  if (stopped) console.log(`WARNING ${stopped}`);
  const hadErrors = failed.length > 0 || stopped !== undefined;
  if (hadErrors) process.exitCode = 1;
  return hadErrors;
}

/**
 * Writes the full results to bench/results/<name>-<timestamp>.json and says where.
 * @param {string} name
 * @param {Record<string, unknown>} fields everything after `benchmark` and `at`
 * @param {boolean} hadErrors
 */
export async function saveResults(name, fields, hadErrors) {
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = { benchmark: name, at: new Date().toISOString(), ...fields };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}${hadErrors ? ' (RUN HAD ERRORS)' : ''}`);
}
