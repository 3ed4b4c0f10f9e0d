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

/** Runs openapi-typescript on an OpenAPI document and returns the TypeScript it writes. */
export function runOpenApiTypeScript(
  document: object,
  options: Record<string, unknown>,
): Promise<string> {
  const module = require.resolve('openapi-typescript');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module, document, options } });
    worker.once('message', (message: { text?: string; error?: string }) => {
      void worker.terminate();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`openapi-typescript failed: ${message.error ?? 'no answer'}`));
    });
    worker.once('error', reject);
  });
}
