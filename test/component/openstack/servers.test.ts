import { afterEach, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../../src/openstack/session.js';
import { getServer, listServers, startServer, stopServer } from '../../../src/openstack/servers.js';
import { waitForServerStatus } from '../../../src/openstack/server-wait.js';
import { PASSWORD, startFakeOpenStack, type FakeOpenStack, type FakeServer } from './helpers/fake-openstack.js';
import { assertNoSecrets, rejectionOf, cloudFor } from './helpers/cloud.js';

let fake: FakeOpenStack | undefined;
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = fake = undefined;
});

async function open(servers: FakeServer[]): Promise<{ fake: FakeOpenStack; session: Session }> {
  fake = await startFakeOpenStack({ servers });
  session = await createSession(cloudFor(fake.authUrl), { retryDelayMs: 1 });
  return { fake, session };
}

const five = (): FakeServer[] => ['s1', 's2', 's3', 's4', 's5'].map((id) => ({ id, name: `vm-${id}`, status: 'ACTIVE' }));

describe('servers', () => {
  it('follows servers_links rel=next across pages, keeping all_tenants=1', async () => {
    const { fake, session } = await open(five());
    const servers = await listServers(session, { allTenants: true, limit: 2 });
    expect(servers.map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    const urls = fake.server.requests.filter((r) => r.url.includes('/servers/detail')).map((r) => r.url);
    expect(urls).toHaveLength(3);
    for (const url of urls) expect(url).toContain('all_tenants=1');
    expect(urls[1]).toContain('marker=s2');
    expect(servers[0]).toMatchObject({ host: 'cmp1', instanceName: 'instance-s1', projectId: expect.any(String), volumeIds: ['vol-of-s1'] });
  });

  it('finds a server by name after a 404 by id', async () => {
    const { fake, session } = await open(five());
    const s = await getServer(session, 'vm-s3');
    expect(s.id).toBe('s3');
    expect(decodeURIComponent(fake.server.requests.at(-1)!.url)).toContain('name=^vm-s3$');
  });

  it('matches names exactly (regex characters escaped, prefix matches filtered)', async () => {
    const { session } = await open([
      { id: 'x1', name: 'db.1', status: 'ACTIVE' },
      { id: 'x2', name: 'db.10', status: 'ACTIVE' },
    ]);
    expect((await getServer(session, 'db.1')).id).toBe('x1');
  });

  it('ambiguous name → CCSNAP_INSTANCE_AMBIGUOUS listing the candidate ids', async () => {
    const { session } = await open([
      { id: 'd1', name: 'dup', status: 'ACTIVE' },
      { id: 'd2', name: 'dup', status: 'SHUTOFF' },
    ]);
    const err = await rejectionOf(getServer(session, 'dup'));
    expect(err.code).toBe('CCSNAP_INSTANCE_AMBIGUOUS');
    expect(err.message).toContain('d1');
    expect(err.message).toContain('d2');
  });

  it('unknown instance → CCSNAP_INSTANCE_NOT_FOUND', async () => {
    const { session } = await open(five());
    const err = await rejectionOf(getServer(session, 'ghost'));
    expect(err.code).toBe('CCSNAP_INSTANCE_NOT_FOUND');
    expect(err.details.instance).toBe('ghost');
    assertNoSecrets(err, [PASSWORD, 'tok-1-']);
  });

  it('retries GET on 503 but never the os-stop POST', async () => {
    const { fake, session } = await open(five());
    fake.state.failures.push({ method: 'GET', prefix: '/compute/v2.1/servers/detail', status: 503, times: 1 });
    expect(await listServers(session)).toHaveLength(5);
    fake.state.failures.push({ method: 'POST', prefix: '/compute/v2.1/servers/s1/action', status: 503, times: 1 });
    const err = await rejectionOf(stopServer(session, 's1'));
    expect(err.details.status).toBe(503);
    const posts = fake.server.requests.filter((r) => r.method === 'POST' && r.url.includes('/action'));
    expect(posts).toHaveLength(1);
  });

  it('stops and starts with os-stop / os-start actions', async () => {
    const { fake, session } = await open(five());
    await stopServer(session, 's1');
    expect((await waitForServerStatus(session, 's1', 'SHUTOFF', { deadlineMs: 5_000, intervalMs: 1 })).status).toBe('SHUTOFF');
    await startServer(session, 's1');
    const bodies = fake.server.requests.filter((r) => r.method === 'POST' && r.url.includes('/action')).map((r) => JSON.parse(r.body) as unknown);
    expect(bodies).toEqual([{ 'os-stop': null }, { 'os-start': null }]);
    expect(fake.state.servers[0]!.status).toBe('ACTIVE');
  });

  it('waitForServerStatus polls until the status is reached', async () => {
    const { session } = await open([{ id: 'w1', name: 'w', status: 'SHUTOFF', next: ['ACTIVE', 'ACTIVE', 'SHUTOFF'] }]);
    const s = await waitForServerStatus(session, 'w1', ['SHUTOFF'], { deadlineMs: 5_000, intervalMs: 1 });
    expect(s.status).toBe('SHUTOFF');
  });

  it('waitForServerStatus fails fast on ERROR with the fault', async () => {
    const { session } = await open([{ id: 'e1', name: 'e', status: 'ERROR', fault: 'disk stuck' }]);
    const err = await rejectionOf(waitForServerStatus(session, 'e1', 'SHUTOFF', { deadlineMs: 60_000, intervalMs: 1 }));
    expect(err.code).toBe('CCSNAP_INSTANCE_ERROR');
    expect(err.message).toContain('disk stuck');
  });

  it('waitForServerStatus → CCSNAP_WAIT_TIMEOUT at the deadline and CCSNAP_ABORTED on abort', async () => {
    const { session, fake: f } = await open([{ id: 't1', name: 't', status: 'ACTIVE' }]);
    const err = await rejectionOf(waitForServerStatus(session, 't1', 'SHUTOFF', { deadlineMs: 50, intervalMs: 5 }));
    expect(err.code).toBe('CCSNAP_WAIT_TIMEOUT');
    expect(err.details.lastStatus).toBe('ACTIVE');
    const ctrl = new AbortController();
    // Abort once the wait has polled the server at least once more (an event, not a guessed delay).
    const polled = f.server.requests.length;
    const p = waitForServerStatus(session, 't1', 'SHUTOFF', { deadlineMs: 60_000, intervalMs: 5, signal: ctrl.signal });
    while (f.server.requests.length === polled) await new Promise((r) => setImmediate(r));
    ctrl.abort();
    expect((await rejectionOf(p)).code).toBe('CCSNAP_ABORTED');
  });
});
