import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { issueSandboxToken } from '../helpers/sandbox-token.js';

const issueToken = async (url: string): Promise<string> => (await issueSandboxToken(url)).token;

type Json = Record<string, any>;

describe('sandbox openstack: faults, glance, neutron, unknown routes', () => {
  let sb: RunningSandbox;
  let token: string;
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${sb.url}${path}`, { ...init, headers: { 'X-Auth-Token': token, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    sb = await startSandbox();
    token = await issueToken(sb.url);
  });
  afterAll(() => sb.close());

  it('answers an injected Nova error with a real-looking body, then recovers', async () => {
    sb.ctx.faults.add({ service: 'nova', key: '/compute/v2.1/servers/detail', errorCode: 503, times: 1 });
    const failed = await get('/compute/v2.1/servers/detail');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({
      serviceUnavailable: { code: 503, message: 'The server is currently unavailable. Please try again at a later time.' },
    });
    expect((await get('/compute/v2.1/servers/detail')).status).toBe(200);
  });

  it('keys action faults by action name with the server id as target', async () => {
    const web = sb.ctx.state.nova.servers.find((s) => s.name === 'web-1')!;
    sb.ctx.faults.add({ service: 'nova', key: 'os-stop', target: web.id, errorCode: 500, errorText: 'boom', times: 1 });
    const res = await get(`/compute/v2.1/servers/${web.id}/action`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"os-stop":null}',
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ computeFault: { code: 500, message: 'boom' } });
    expect(web.status).toBe('ACTIVE');
    expect(web.taskState).toBeNull();
  });

  it('injects Cinder and Keystone errors, path prefixes with *', async () => {
    sb.ctx.faults.add({ service: 'cinder', key: '/volume/v3/*', errorCode: 500, times: 1 });
    const res = await get(`/volume/v3/${sb.ctx.state.keystone.projects[0]!.id}/volumes/detail`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as Json).computeFault.code).toBe(500);

    sb.ctx.faults.add({ service: 'keystone', key: '/identity/v3/auth/tokens', errorCode: 503, times: 1 });
    const ks = await fetch(`${sb.url}/identity/v3/auth/tokens`, { method: 'POST', body: '{}' });
    expect(ks.status).toBe(503);
    expect(((await ks.json()) as Json).error).toMatchObject({ code: 503, title: 'Service Unavailable' });
  });

  it('applies latency and still answers; a hang never answers; nonJson answers raw text', async () => {
    sb.ctx.faults.add({ service: 'nova', key: '/compute/v2.1/flavors', latencyMs: 50, times: 1 });
    const slow = await get('/compute/v2.1/flavors');
    expect(slow.status).toBe(200);
    expect(sb.ctx.faults.list()).toContainEqual(expect.objectContaining({ key: '/compute/v2.1/flavors', latencyMs: 50 }));

    sb.ctx.faults.add({ service: 'nova', key: '/compute/v2.1/flavors/detail', hang: true, times: 1 });
    await expect(get('/compute/v2.1/flavors/detail', { signal: AbortSignal.timeout(300) })).rejects.toThrow();

    sb.ctx.faults.add({ service: 'cinder', key: '/volume', nonJson: '<html>proxy error</html>', times: 1 });
    const raw = await fetch(`${sb.url}/volume`);
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe('<html>proxy error</html>');
    sb.ctx.faults.clear();
  });

  it('serves glance versions, images and a 404 for an unknown image', async () => {
    const root = await fetch(`${sb.url}/image/`);
    expect(root.status).toBe(300);
    expect(((await root.json()) as Json).versions[0]).toMatchObject({ id: 'v2.15', status: 'CURRENT' });
    const list = (await (await get('/image/v2/images')).json()) as Json;
    expect(list.images.map((i: Json) => i.name)).toEqual(['cirros-0.6']);
    const byName = (await (await get('/image/v2/images?name=cirros-0.6')).json()) as Json;
    expect(byName.images).toHaveLength(1);
    expect(((await (await get('/image/v2/images?name=other')).json()) as Json).images).toEqual([]);
    const image = (await (await get(`/image/v2/images/${list.images[0].id}`)).json()) as Json;
    expect(image).toMatchObject({ name: 'cirros-0.6', disk_format: 'qcow2', container_format: 'bare', status: 'active' });
    const missing = await get('/image/v2/images/cirros-0.6');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No image found with ID cirros-0.6');
  });

  it('serves empty neutron collections', async () => {
    expect((await fetch(`${sb.url}/network/`)).status).toBe(200);
    expect(await (await get('/network/v2.0/ports?device_id=x')).json()).toEqual({ ports: [] });
    expect(await (await get('/network/v2.0/security-groups')).json()).toEqual({ security_groups: [] });
    expect((await fetch(`${sb.url}/network/v2.0/networks`)).status).toBe(401);
  });

  it('answers 404 for unknown routes, loudly', async () => {
    const outside = await get('/nothing/here');
    expect(outside.status).toBe(404);
    const inside = await get('/compute/v2.1/no-such-thing');
    expect(inside.status).toBe(404);
    expect(((await inside.json()) as Json).itemNotFound.message).toContain('no route for GET /compute/v2.1/no-such-thing');
    const entry = sb.ctx.transcript.list().at(-1)!;
    expect(entry).toMatchObject({ service: 'nova', path: '/compute/v2.1/no-such-thing', status: 404 });
  });
});

describe('sandbox openstack: persisted state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-sandbox-os-'));
  const statePath = join(dir, 'state.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves a stop to the state file and serves it again after a restart', async () => {
    const first = await startSandbox({ statePath });
    first.ctx.state.nova.powerDelayMs = 10;
    const token = await issueToken(first.url);
    const web = first.ctx.state.nova.servers.find((s) => s.name === 'web-1')!;
    const stop = await fetch(`${first.url}/compute/v2.1/servers/${web.id}/action`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: '{"os-stop": null}',
    });
    expect(stop.status).toBe(202);
    // Wait for the state change itself (the test's timeout bounds it), not for a number of sleeps.
    while (web.status !== 'SHUTOFF') await new Promise((r) => setTimeout(r, 10));
    await first.close();
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as Json;
    expect(saved.nova.servers.find((s: Json) => s.name === 'web-1').status).toBe('SHUTOFF');

    const second = await startSandbox({ statePath });
    try {
      const stale = await fetch(`${second.url}/compute/v2.1/servers/${web.id}`, { headers: { 'X-Auth-Token': token } });
      expect(stale.status).toBe(401);
      const fresh = await issueToken(second.url);
      const res = await fetch(`${second.url}/compute/v2.1/servers/${web.id}`, { headers: { 'X-Auth-Token': fresh } });
      const { server } = (await res.json()) as Json;
      expect(server).toMatchObject({ status: 'SHUTOFF', 'OS-EXT-STS:vm_state': 'stopped', 'OS-EXT-STS:power_state': 4 });
      expect(second.ctx.state.hypervisor.domains.find((d) => d.name === web.instanceName)!.state).toBe('shut off');
    } finally {
      await second.close();
    }
  });
});
