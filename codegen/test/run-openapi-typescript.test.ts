import { runWorkerScript } from '../src/adapters/openapi-typescript/run-openapi-typescript';

describe('openapi-typescript worker', () => {
  it('fails when the worker exits without an answer, instead of waiting for ever', async () => {
    await expect(runWorkerScript('process.exit(3);', {})).rejects.toThrow(
      'its worker exited (code 3) without an answer',
    );
  });

  it('resolves with the text the worker posts', async () => {
    const script =
      "require('node:worker_threads').parentPort.postMessage({ text: require('node:worker_threads').workerData.say });";
    await expect(runWorkerScript(script, { say: 'hi' })).resolves.toBe('hi');
  });
});
