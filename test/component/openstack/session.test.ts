import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createSession, type Session } from '../../../src/openstack/session.js';
import { listServers } from '../../../src/openstack/servers.js';
import type { RequestLogEntry } from '../../../src/openstack/http-types.js';
import { PASSWORD, startFakeOpenStack, type FakeOpenStack } from './helpers/fake-openstack.js';
import { findClosedPort, generateSelfSignedCert } from './helpers/test-server.js';
import { assertNoSecrets, rejectionOf, cloudFor } from './helpers/cloud.js';

let fake: FakeOpenStack | undefined;
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = fake = undefined;
});

const SERVERS = [{ id: 'a1', name: 'vm1', status: 'ACTIVE' }];

describe('session', () => {
  it('discovers v3 from an auth_url without /v3 (Keystone 300 versions.values)', async () => {
    fake = await startFakeOpenStack({ servers: SERVERS });
    session = await createSession(cloudFor(fake.server.url + '/identity'));
    expect(session.identityUrl).toBe(`${fake.server.url}/identity/v3`);
    expect(session.endpoint('volume')).toMatch(/\/volume\/v3\/p0+1$/);
    expect(fake.server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /identity', 'POST /identity/v3/auth/tokens']);
  });

  it('wrong password → CCSNAP_AUTH_FAILED naming user and URL, never the password', async () => {
    fake = await startFakeOpenStack();
    const cloud = cloudFor(fake.authUrl, { OS_PASSWORD: 'wrong-Pass-123' });
    const err = await rejectionOf(createSession(cloud));
    expect(err.code).toBe('CCSNAP_AUTH_FAILED');
    expect(err.message).toContain('user admin');
    expect(err.message).toContain(fake.authUrl);
    expect(err.details).toMatchObject({ status: 401, requestId: 'req-auth' });
    assertNoSecrets(err, ['wrong-Pass-123', PASSWORD]);
  });

  it('re-authenticates once on a 401 and retries the request', async () => {
    fake = await startFakeOpenStack({ servers: SERVERS });
    session = await createSession(cloudFor(fake.authUrl));
    fake.state.validTokens.clear(); // token revoked / expired server-side
    const servers = await listServers(session);
    expect(servers.map((s) => s.id)).toEqual(['a1']);
    expect(fake.state.issued).toBe(2);
  });

  it('gives up after one re-authentication, without leaking the token', async () => {
    fake = await startFakeOpenStack({ servers: SERVERS });
    session = await createSession(cloudFor(fake.authUrl));
    fake.state.rejectAll = true;
    const err = await rejectionOf(listServers(session));
    expect(err.code).toBe('CCSNAP_HTTP_STATUS');
    expect(err.details.status).toBe(401);
    expect(fake.state.issued).toBe(2);
    assertNoSecrets(err, ['tok-1-', 'tok-2-', PASSWORD]);
  });

  it('unknown region → CCSNAP_CATALOG_NO_ENDPOINT listing what exists', async () => {
    fake = await startFakeOpenStack();
    session = await createSession(cloudFor(fake.authUrl, { OS_REGION_NAME: 'Nowhere' }));
    const err = await rejectionOf(listServers(session));
    expect(err.code).toBe('CCSNAP_CATALOG_NO_ENDPOINT');
    expect(err.message).toContain('compute public RegionOne');
    expect(err.details.region).toBe('Nowhere');
  });

  it('unreachable Keystone (closed port) → CCSNAP_HTTP_UNREACHABLE', async () => {
    const port = await findClosedPort();
    const err = await rejectionOf(createSession(cloudFor(`http://127.0.0.1:${port}/v3`), { retries: 1, retryDelayMs: 1 }));
    expect(err.code).toBe('CCSNAP_HTTP_UNREACHABLE');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    assertNoSecrets(err, [PASSWORD]);
  });

  it('sends microversion headers: compute default 2.79, OS_COMPUTE_API_VERSION override, volume 3.60', async () => {
    fake = await startFakeOpenStack({ servers: SERVERS });
    session = await createSession(cloudFor(fake.authUrl, { OS_COMPUTE_API_VERSION: '2.90' }));
    await session.request('compute', 'GET', '/servers/detail');
    await session.request('volume', 'GET', '/types');
    await session.request('compute', 'GET', '/servers/detail', { microversion: null });
    const [compute, volume, none] = fake.server.requests.slice(-3);
    expect(compute!.headers['x-openstack-nova-api-version']).toBe('2.90');
    expect(compute!.headers['openstack-api-version']).toBe('compute 2.90');
    expect(volume!.headers['openstack-api-version']).toBe('volume 3.60');
    expect(none!.headers['openstack-api-version']).toBeUndefined();
  });

  it('the debug hook never sees the token or password', async () => {
    fake = await startFakeOpenStack({ servers: SERVERS });
    const entries: RequestLogEntry[] = [];
    session = await createSession(cloudFor(fake.authUrl), { onRequest: (e) => entries.push(e) });
    await listServers(session);
    const text = JSON.stringify(entries);
    expect(entries.length).toBe(3);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('tok-1-');
    expect(entries[2]!.requestHeaders['x-auth-token']).toBe('***');
  });

  it('a request timeout is CCSNAP_HTTP_TIMEOUT and a caller abort is CCSNAP_ABORTED', async () => {
    fake = await startFakeOpenStack({ servers: SERVERS });
    session = await createSession(cloudFor(fake.authUrl), { retries: 0 });
    // a path the fake never answers: hold the response open
    let onArrival: (() => void) | undefined;
    const hang = await import('./helpers/test-server.js').then((m) => m.startTestServer(() => onArrival?.()));
    try {
      const t = await rejectionOf(session.request('compute', 'GET', `${hang.url}/slow`, { timeoutMs: 80 }));
      expect(t.code).toBe('CCSNAP_HTTP_TIMEOUT');
      const ctrl = new AbortController();
      onArrival = () => ctrl.abort(); // abort once the request has reached the server
      const p = session.request('compute', 'GET', `${hang.url}/slow`, { signal: ctrl.signal });
      expect((await rejectionOf(p)).code).toBe('CCSNAP_ABORTED');
    } finally {
      await hang.close();
    }
  });

  it('HTTPS Keystone with a self-signed cert: CCSNAP_HTTP_TLS without CA, works with OS_CACERT or OS_INSECURE', async () => {
    const tls = await generateSelfSignedCert();
    onTestFinished(() => tls.dispose());
    fake = await startFakeOpenStack({ servers: SERVERS }, tls);
    expect(fake.authUrl.startsWith('https://127.0.0.1:')).toBe(true);
    const err = await rejectionOf(createSession(cloudFor(fake.authUrl), { retries: 0 }));
    expect(err.code).toBe('CCSNAP_HTTP_TLS');
    expect(err.message).toContain('OS_CACERT');
    assertNoSecrets(err, [PASSWORD]);
    session = await createSession(cloudFor(fake.authUrl, { OS_CACERT: tls.certFile }));
    expect(await listServers(session)).toHaveLength(1);
    await session.close();
    session = await createSession(cloudFor(fake.authUrl, { OS_INSECURE: 'true' }));
    expect(await listServers(session)).toHaveLength(1);
  });
});
