import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SAVED_OBJECTS } from '../../src/commands/kibana';
import { runSift } from '../support/run-sift';

// Kibana cannot run on this machine: a local HTTP double takes its place and checks the request
// against the documented saved-objects import API.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A Kibana double that records each request and answers with `answer`. */
async function kibanaDouble(
  answer: (received: Received) => { status: number; body: unknown },
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      const { status, body } = answer(entry);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

/** The parts of a multipart/form-data body: name, filename, content type and content of each. */
function multipartParts(contentType: string, body: Buffer) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const delimiter = `--${boundary?.[1] ?? boundary?.[2]}`;
  return body
    .toString('utf8')
    .split(delimiter)
    .slice(1, -1)
    .map((part) => {
      const [head = '', ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      const disposition = /name="([^"]*)"(?:; filename="([^"]*)")?/.exec(head);
      return {
        name: disposition?.[1],
        filename: disposition?.[2],
        type: /content-type: ([^\r\n]+)/i.exec(head)?.[1],
        content: rest.join('\r\n\r\n').replace(/\r\n$/, ''),
      };
    });
}

describe('sift kibana import', () => {
  const shipped = readFileSync(DEFAULT_SAVED_OBJECTS, 'utf8');
  const lines = shipped.split('\n').filter((line) => line !== '').length;
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("posts the shipped saved objects to Kibana's import API and reports the count", async () => {
    const double = await kibanaDouble(() => ({
      status: 200,
      body: { success: true, successCount: lines, errors: [] },
    }));
    server = double.server;
    const run = await runSift(['kibana', 'import', '--url', `${double.url}/`], {
      SIFT_KIBANA_USERNAME: 'elastic',
      SIFT_KIBANA_PASSWORD: 's3cret',
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`imported ${lines} saved objects into ${double.url}/\n`);

    expect(double.received).toHaveLength(1);
    const [request] = double.received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(request!.headers['kbn-xsrf']).toBe('true');
    expect(request!.headers['authorization']).toBe(
      `Basic ${Buffer.from('elastic:s3cret').toString('base64')}`,
    );
    expect(request!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const parts = multipartParts(request!.headers['content-type']!, request!.body);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ name: 'file', filename: 'sift-saved-objects.ndjson' });
    expect(parts[0]!.content).toBe(shipped);
  });

  it('imports into a space when asked', async () => {
    const double = await kibanaDouble(() => ({
      status: 200,
      body: { success: true, successCount: lines },
    }));
    server = double.server;
    const run = await runSift(['kibana', 'import', '--url', double.url, '--space', 'qa team']);
    expect(run.code).toBe(0);
    expect(double.received[0]!.url).toBe('/s/qa%20team/api/saved_objects/_import?overwrite=true');
    expect(double.received[0]!.headers['authorization']).toBeUndefined();
  });

  it('fails with the objects Kibana refused and why', async () => {
    const double = await kibanaDouble(() => ({
      status: 200,
      body: {
        success: false,
        successCount: lines - 1,
        errors: [
          {
            id: 'sift-events-map',
            type: 'map',
            error: { type: 'unsupported_type', message: 'Unsupported saved object type: map' },
          },
        ],
      },
    }));
    server = double.server;
    const run = await runSift(['kibana', 'import', '--url', double.url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('map sift-events-map: Unsupported saved object type: map');
  });

  it('fails clearly when Kibana does not answer', async () => {
    const double = await kibanaDouble(() => ({ status: 200, body: {} }));
    const url = double.url;
    await new Promise((resolve) => double.server.close(resolve));
    const run = await runSift(['kibana', 'import', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Kibana at ${url} did not answer`);
  });

  it('needs --url', async () => {
    const run = await runSift(['kibana', 'import']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--url <url>' not specified");
  });
});
