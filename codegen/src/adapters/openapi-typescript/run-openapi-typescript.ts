import { Worker } from 'node:worker_threads';

// openapi-typescript's CommonJS build requires an ES module (parse-json), which Node 20.19+
// loads but test runners' module systems do not; a worker thread gets Node's own loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { default: openapiTS, astToString } = require(workerData.module);
openapiTS(workerData.document, workerData.options)
  .then((ast) => parentPort.postMessage({ text: astToString(ast) }))
  .catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

/**
 * Runs `script` (CommonJS source) in a worker thread with `workerData` and resolves with the
 * `text` of the first message it posts; rejects on its `error` message, its error, or its exit
 * without a message.
 */
export function runWorkerScript(script: string, workerData: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { eval: true, workerData });
    worker.once('message', (message: { text?: string; error?: string }) => {
      void worker.terminate();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`openapi-typescript failed: ${message.error ?? 'no answer'}`));
    });
    worker.once('error', reject);
    // After a message or an error this settles nothing: a promise settles once.
    worker.once('exit', (code) =>
      reject(
        new Error(`openapi-typescript failed: its worker exited (code ${code}) without an answer`),
      ),
    );
  });
}

/** Runs openapi-typescript on an OpenAPI document and returns the TypeScript it writes. */
export function runOpenApiTypeScript(
  document: object,
  options: Record<string, unknown>,
): Promise<string> {
  const module = require.resolve('openapi-typescript');
  return runWorkerScript(WORKER, { module, document, options });
}
