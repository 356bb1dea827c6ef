import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/openstack/http.js';
import type { HttpClient, RequestLogEntry } from '../../../src/openstack/http.js';
import { findClosedPort, generateSelfSignedCert, sendJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { rejectionOf as catchError } from '../../helpers/rejection.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(handler: Parameters<typeof startTestServer>[0], tls?: { key: string; cert: string }): Promise<TestServer> {
  const s = await startTestServer(handler, tls);
  cleanups.push(() => s.close());
  return s;
}

function client(opts: Parameters<typeof createHttpClient>[0] = {}): HttpClient {
  const c = createHttpClient({ retryDelayMs: 1, ...opts });
  cleanups.push(() => c.close());
  return c;
}

describe('http client', () => {
  it('sends and parses JSON, with query parameters', async () => {
    const s = await server((req, res) => sendJson(res, 200, { echo: JSON.parse(req.body || 'null'), url: req.url }));
    const res = await client().request<{ echo: unknown; url: string }>({
      method: 'PUT',
      url: `${s.url}/a`,
      query: { x: 1, skip: undefined, m: ['p', 'q'] },
      body: { k: 'v' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ echo: { k: 'v' }, url: '/a?x=1&m=p&m=q' });
    expect(s.requests[0]!.headers['content-type']).toBe('application/json');
    expect(s.requests[0]!.headers.accept).toBe('application/json');
  });

  it('reports status, request id and the Nova error message', async () => {
    const s = await server((_req, res) =>
      sendJson(res, 404, { itemNotFound: { code: 404, message: 'Instance vm9 could not be found.' } }, { 'x-compute-request-id': 'req-abc' }),
    );
    const err = await catchError(client().request({ method: 'GET', url: `${s.url}/v2.1/servers/vm9` }));
    expect(err.code).toBe('CCSNAP_HTTP_STATUS');
    expect(err.details).toMatchObject({ status: 404, method: 'GET', requestId: 'req-abc', serviceMessage: 'Instance vm9 could not be found.' });
    expect(err.message).toContain('Instance vm9 could not be found.');
  });

  it('extracts the Keystone error message', async () => {
    const s = await server((_req, res) =>
      sendJson(res, 403, { error: { code: 403, message: 'You are not authorized.', title: 'Forbidden' } }, { 'x-openstack-request-id': 'req-k' }),
    );
    const err = await catchError(client().request({ method: 'GET', url: `${s.url}/v3/x` }));
    expect(err.details).toMatchObject({ status: 403, requestId: 'req-k', serviceMessage: 'You are not authorized.' });
  });

  it('retries a GET on 503 then succeeds', async () => {
    let n = 0;
    const s = await server((_req, res) => (++n < 3 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, { ok: true })));
    const res = await client({ retries: 2 }).request({ method: 'GET', url: `${s.url}/x` });
    expect(res.body).toEqual({ ok: true });
    expect(s.requests).toHaveLength(3);
  });

  it('gives up after the retry budget on 502', async () => {
    const s = await server((_req, res) => sendJson(res, 502, { message: 'bad gateway' }));
    const err = await catchError(client({ retries: 1 }).request({ method: 'DELETE', url: `${s.url}/x` }));
    expect(err.details.status).toBe(502);
    expect(s.requests).toHaveLength(2);
  });

  it('never retries a POST', async () => {
    const s = await server((_req, res) => sendJson(res, 503, { message: 'busy' }));
    const err = await catchError(client({ retries: 3 }).request({ method: 'POST', url: `${s.url}/x`, body: {} }));
    expect(err.details.status).toBe(503);
    expect(s.requests).toHaveLength(1);
  });

  it('does not retry when idempotent is false, nor on 500', async () => {
    const s = await server((_req, res) => sendJson(res, 503, {}));
    await catchError(client({ retries: 3 }).request({ method: 'PUT', url: `${s.url}/x`, idempotent: false }));
    expect(s.requests).toHaveLength(1);
    const s2 = await server((_req, res) => sendJson(res, 500, {}));
    await catchError(client({ retries: 3 }).request({ method: 'GET', url: `${s2.url}/x` }));
    expect(s2.requests).toHaveLength(1);
  });

  it('accepts listed non-2xx statuses (300 version lists)', async () => {
    const s = await server((_req, res) => sendJson(res, 300, { versions: [] }));
    const res = await client().request({ method: 'GET', url: s.url, acceptStatus: [300] });
    expect(res.status).toBe(300);
  });

  it('times out with CCSNAP_HTTP_TIMEOUT', async () => {
    const s = await server(() => undefined); // never answers
    const err = await catchError(client({ retries: 0 }).request({ method: 'GET', url: `${s.url}/slow`, timeoutMs: 100 }));
    expect(err.code).toBe('CCSNAP_HTTP_TIMEOUT');
    expect(err.details.timeoutMs).toBe(100);
  });

  it('aborts with CCSNAP_ABORTED when the caller signal fires', async () => {
    const ctrl = new AbortController();
    const s = await server(() => ctrl.abort()); // the request has arrived: abort it (it is never answered)
    const p = client().request({ method: 'GET', url: `${s.url}/slow`, signal: ctrl.signal });
    expect((await catchError(p)).code).toBe('CCSNAP_ABORTED');
    expect((await catchError(client().request({ method: 'GET', url: `${s.url}/x`, signal: AbortSignal.abort() }))).code).toBe('CCSNAP_ABORTED');
  });

  it('maps a closed port to CCSNAP_HTTP_UNREACHABLE after retrying GETs', async () => {
    const port = await findClosedPort();
    const entries: RequestLogEntry[] = [];
    const err = await catchError(client({ retries: 2, onRequest: (e) => entries.push(e) }).request({ method: 'GET', url: `http://127.0.0.1:${port}/v3` }));
    expect(err.code).toBe('CCSNAP_HTTP_UNREACHABLE');
    expect(err.details.errno).toBe('ECONNREFUSED');
    expect(entries.map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it('redacts tokens and passwords in the request log hook', async () => {
    const s = await server((_req, res) => sendJson(res, 201, { token: { expires_at: 'x' } }, { 'x-subject-token': 'SUBJECT-TOKEN-123' }));
    const entries: RequestLogEntry[] = [];
    await client({ onRequest: (e) => entries.push(e) }).request({
      method: 'POST',
      url: `${s.url}/v3/auth/tokens`,
      headers: { 'X-Auth-Token': 'AUTH-TOKEN-456' },
      body: {
        auth: { identity: { methods: ['password', 'token'], password: { user: { name: 'admin', password: 'hunter2' } }, token: { id: 'OLD-TOKEN-789' } } },
      },
    });
    const text = JSON.stringify(entries);
    expect(entries).toHaveLength(1);
    for (const secret of ['SUBJECT-TOKEN-123', 'AUTH-TOKEN-456', 'hunter2', 'OLD-TOKEN-789']) expect(text).not.toContain(secret);
    expect(text).toContain('admin');
  });

  it('scrubs known secrets out of error messages', async () => {
    const s = await server((_req, res) => sendJson(res, 400, { badRequest: { message: 'token SECRET-TOK is malformed' } }));
    const err = await catchError(client({ secrets: () => ['SECRET-TOK'] }).request({ method: 'GET', url: `${s.url}/x` }));
    expect(err.message).not.toContain('SECRET-TOK');
    expect(JSON.stringify(err.details)).not.toContain('SECRET-TOK');
  });
});

describe('http client TLS', () => {
  it('rejects a self-signed server by default and accepts it with cacert; insecure also works', async () => {
    const tls = await generateSelfSignedCert();
    try {
      const s = await server((_req, res) => sendJson(res, 200, { secure: true }), tls);
      const err = await catchError(client({ retries: 0 }).request({ method: 'GET', url: s.url }));
      expect(err.code).toBe('CCSNAP_HTTP_TLS');
      expect(err.message).toContain('OS_CACERT');
      const ok = await client({ cacert: tls.certFile }).request({ method: 'GET', url: s.url });
      expect(ok.body).toEqual({ secure: true });
      const insecure = await client({ insecure: true }).request({ method: 'GET', url: s.url });
      expect(insecure.status).toBe(200);
    } finally {
      tls.dispose();
    }
  });

  it('a missing CA file is a config error', () => {
    expect(() => createHttpClient({ cacert: '/nonexistent/ca.pem' })).toThrow(/cannot read CA file/);
  });
});
