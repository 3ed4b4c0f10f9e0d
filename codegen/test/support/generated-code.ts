import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { FolderSchemaSource, generate, selectSchemas } from '@sift/codegen';
import type { SelectedSchema } from '@sift/codegen';

/** The repository root, and the folders tests generate from. */
export const ROOT = resolve(__dirname, '../../..');
export const REAL_SCHEMAS = join(ROOT, 'schemas');
export const FIXTURE_SCHEMAS = join(ROOT, 'codegen/test/fixtures/schemas');

/** Every schema of the real `schemas/` folder (read now) and of the fixtures, at latest. */
export async function exampleSchemas(): Promise<SelectedSchema[]> {
  return [
    ...(await selectSchemas(new FolderSchemaSource(REAL_SCHEMAS), undefined)),
    ...(await selectSchemas(new FolderSchemaSource(FIXTURE_SCHEMAS), undefined)),
  ];
}

const tempDirs: string[] = [];

/** A new temporary folder, removed by `removeTempDirs`. */
export function tempDir(prefix = 'sift-codegen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made; call it in `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Generates code for schemas into a new temporary folder; returns the folder. */
export async function generateIntoTemp(schemas: SelectedSchema[]): Promise<string> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(await generate(schemas))) {
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** One compile error: file, 1-based line, message. */
export interface CompileError {
  file: string;
  line: number;
  message: string;
}

/**
 * Compiles files with `--strict` in one in-process Program (the generated code imports
 * `@sift/tracker`, mapped to its source) and returns every error.
 */
export function compileStrict(files: string[]): CompileError[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    baseUrl: ROOT,
    paths: { '@sift/tracker': [join(ROOT, 'tracker/src/index.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return { file: '', line: 0, message };
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return { file: diagnostic.file.fileName, line: line + 1, message };
  });
}

/**
 * Transpiles the generated TypeScript of `dir` to CommonJS beside it (`.js`) and loads the
 * tracker and validators modules; `@sift/tracker` resolves to the runtime's source.
 */
export function loadGenerated(dir: string): {
  tracker: GeneratedTracker;
  validators: GeneratedValidators;
} {
  for (const name of ['events', 'tracker', 'validators']) {
    const source = readFileSync(join(dir, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    writeFileSync(join(dir, `${name}.js`), outputText);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tracker = require(join(dir, 'tracker.js')) as GeneratedTracker;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validators = require(join(dir, 'validators.js')) as GeneratedValidators;
  return { tracker, validators };
}

/** What tests use of a generated `tracker.ts`, untyped (its types depend on the schemas). */
export interface GeneratedTracker {
  eventVersions: Record<string, number>;
  createSiftTracker(options: Record<string, unknown>): {
    track(eventType: string, data: unknown): void;
    flush(): Promise<void>;
    shutdown(): Promise<void>;
    captureErrors?(options?: { appVersion?: string }): () => void;
    [method: string]: unknown;
  };
}

/** A generated `validators.ts`. */
export interface GeneratedValidators {
  validators: Record<
    string,
    (data: unknown) => { path: string; keyword: string; message: string }[]
  >;
}
