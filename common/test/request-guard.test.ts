import type { IncomingMessage } from 'node:http';
import { requestRefusal } from '@sift/common';

const req = (method: string, headers: Record<string, string>, url = '/x') =>
  ({ method, url, headers }) as unknown as IncomingMessage;

describe('requestRefusal', () => {
  it('refuses a state change from a page with an opaque origin (sandboxed frame, file://)', () => {
    const refusal = requestRefusal(req('POST', { host: 'localhost:1', origin: 'null' }), {});
    expect(refusal?.code).toBe('SIFT_REQUEST_FORBIDDEN');
    expect(refusal?.message).toMatch(/opaque origin/);
  });

  it("lets a page of the server's own origin change state, whatever the scheme a proxy ended", () => {
    expect(
      requestRefusal(
        req('PUT', { host: 'console.example', origin: 'https://console.example' }),
        {},
      ),
    ).toBeUndefined();
  });

  it('lets every origin through when the allowed origins hold *', () => {
    const cross = req('POST', { host: 'a', origin: 'http://b', 'sec-fetch-site': 'cross-site' });
    expect(requestRefusal(cross, { allowedOrigins: ['*'] })).toBeUndefined();
  });

  it('checks no Host unless given allowed hosts, and refuses a Host that does not parse', () => {
    expect(requestRefusal(req('GET', { host: 'evil.example' }), {})).toBeUndefined();
    expect(requestRefusal(req('GET', { host: 'a b' }), { allowedHosts: [] })?.code).toBe(
      'SIFT_REQUEST_FORBIDDEN',
    );
  });

  it('treats GET, HEAD and OPTIONS as reads unless told which requests change state', () => {
    const image = { host: 'localhost', 'sec-fetch-site': 'cross-site' };
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(requestRefusal(req(method, image), {})).toBeUndefined();
    }
    expect(requestRefusal(req('GET', image), { changesState: () => true })).toBeDefined();
  });
});
