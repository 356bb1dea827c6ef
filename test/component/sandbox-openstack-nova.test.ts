import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { issueSandboxToken } from '../helpers/sandbox-token.js';

const issueToken = async (url: string): Promise<string> => (await issueSandboxToken(url)).token;

type Json = Record<string, any>;

describe('sandbox nova', () => {
  let sb: RunningSandbox;
  let token: string;
  const compute = (path: string, init: RequestInit & { mv?: string } = {}) => {
    const headers: Record<string, string> = { 'X-Auth-Token': token, ...(init.headers as Record<string, string>) };
    if (init.mv) headers['OpenStack-API-Version'] = `compute ${init.mv}`;
    return fetch(`${sb.url}/compute/v2.1${path}`, { ...init, headers });
  };
  const getJson = async (path: string, mv?: string): Promise<Json> => {
    const res = await compute(path, mv ? { mv } : {});
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  const serverId = (name: string) => sb.ctx.state.nova.servers.find((s) => s.name === name)!.id;
  const action = (id: string, body: unknown) =>
    compute(`/servers/${id}/action`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  /** Polls until the server reaches `status` (the test's timeout bounds the wait, not a count of sleeps). */
  async function waitForStatus(id: string, status: string): Promise<Json> {
    for (;;) {
      const { server } = await getJson(`/servers/${id}`);
      if (server.status === status && server['OS-EXT-STS:task_state'] === null) return server;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    sb = await startSandbox();
    sb.ctx.state.nova.powerDelayMs = 400;
    token = await issueToken(sb.url);
  });
  afterAll(() => sb.close());

  it('serves the version document without a token', async () => {
    const res = await fetch(`${sb.url}/compute/v2.1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.version).toMatchObject({ id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' });
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.1');
  });

  it('requires a valid token', async () => {
    expect((await fetch(`${sb.url}/compute/v2.1/servers`)).status).toBe(401);
    const res = await fetch(`${sb.url}/compute/v2.1/servers/detail`, { headers: { 'X-Auth-Token': 'gAAAAAbogus' } });
    expect(res.status).toBe(401);
  });

  it('lists the demo servers, summary and detail', async () => {
    const { servers } = await getJson('/servers');
    expect(servers.map((s: Json) => s.name).sort()).toEqual(['app-1', 'db-1', 'legacy-1', 'noagent-1', 'stopped-1', 'web-1', 'win-1']);
    expect(Object.keys(servers[0]).sort()).toEqual(['id', 'links', 'name']);
    const detail = await getJson('/servers/detail');
    const web = detail.servers.find((s: Json) => s.name === 'web-1');
    expect(web).toMatchObject({
      status: 'ACTIVE',
      image: '',
      'OS-EXT-SRV-ATTR:host': 'compute-1',
      'OS-EXT-SRV-ATTR:hypervisor_hostname': 'compute-1',
      'OS-EXT-SRV-ATTR:instance_name': 'instance-00000001',
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:power_state': 1,
      'OS-EXT-STS:task_state': null,
    });
    const bootId = sb.ctx.state.cinder.volumes.find((v) => v.name === 'web-1-boot')!.id;
    const dataId = sb.ctx.state.cinder.volumes.find((v) => v.name === 'web-1-data1')!.id;
    expect(web['os-extended-volumes:volumes_attached']).toEqual([{ id: bootId }, { id: dataId }]);
    // The list looks attachments up for the whole page at once: the same as one server's view.
    for (const s of detail.servers as Json[]) {
      const { server } = await getJson(`/servers/${s.id}`);
      expect(s['os-extended-volumes:volumes_attached']).toEqual(server['os-extended-volumes:volumes_attached']);
    }
  });

  it('filters by all_tenants, name (a regex), status and host', async () => {
    const names = async (query: string) => ((await getJson(`/servers/detail?${query}`)).servers as Json[]).map((s) => s.name).sort();
    expect(await names('all_tenants=1')).toHaveLength(7);
    expect(await names('name=web-1')).toEqual(['web-1']);
    expect(await names('name=^(web|db)-')).toEqual(['db-1', 'web-1']);
    expect(await names('status=SHUTOFF')).toEqual(['stopped-1']);
    expect(await names('host=compute-2')).toEqual(['app-1', 'legacy-1', 'noagent-1', 'win-1']);
    expect(await names('all_tenants=1&host=compute-1&status=ACTIVE')).toEqual(['db-1', 'web-1']);
  });

  it('pages with limit and marker, linking the next page', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/servers/detail?limit=3';
    let pages = 0;
    while (path) {
      const body = await getJson(path);
      pages++;
      expect(body.servers.length).toBeLessThanOrEqual(3);
      seen.push(...body.servers.map((s: Json) => s.name));
      const next = (body.servers_links as Json[] | undefined)?.find((l) => l.rel === 'next');
      path = next ? String(next.href).slice(`${sb.url}/compute/v2.1`.length) : undefined;
      if (next) expect(next.href).toContain('limit=3');
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['app-1', 'db-1', 'legacy-1', 'noagent-1', 'stopped-1', 'web-1', 'win-1']);
    const bad = await compute('/servers/detail?marker=nope');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).badRequest.message).toBe('marker [nope] not found');
  });

  it('shows a server by id and answers 404 itemNotFound for a name', async () => {
    const { server } = await getJson(`/servers/${serverId('db-1')}`);
    expect(server.name).toBe('db-1');
    const res = await compute('/servers/db-1');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ itemNotFound: { code: 404, message: 'Instance db-1 could not be found.' } });
  });

  it('honours the microversion: 2.1 body vs 2.79 body, echoed in both headers', async () => {
    const id = serverId('web-1');
    const old = await compute(`/servers/${id}`, { headers: { 'X-OpenStack-Nova-API-Version': '2.1' } });
    expect(old.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(old.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    const s21 = ((await old.json()) as Json).server;
    expect(s21.flavor).toEqual({ id: '1', links: [{ rel: 'bookmark', href: `${sb.url}/compute/flavors/1` }] });
    expect(s21).not.toHaveProperty('OS-EXT-SRV-ATTR:hostname');
    expect(s21).not.toHaveProperty('locked');

    const res = await compute(`/servers/${id}`, { mv: '2.79' });
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.79');
    expect(res.headers.get('x-openstack-nova-api-version')).toBe('2.79');
    const s279 = ((await res.json()) as Json).server;
    expect(s279.flavor).toEqual({ vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, original_name: 'm1.tiny', extra_specs: {} });
    expect(s279).toMatchObject({
      'OS-EXT-SRV-ATTR:hostname': 'web-1',
      'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
      host_status: 'UP',
      locked: false,
      locked_reason: null,
      description: null,
      tags: [],
      trusted_image_certificates: null,
      server_groups: [],
    });
    expect(s279['os-extended-volumes:volumes_attached'][0]).toHaveProperty('delete_on_termination', false);

    const latest = await compute(`/servers/${id}`, { mv: 'latest' });
    expect(latest.headers.get('openstack-api-version')).toBe('compute 2.93');
    const tooNew = await compute(`/servers/${id}`, { mv: '2.200' });
    expect(tooNew.status).toBe(406);
  });

  it('stops and starts a server through powering-off/on, moving its libvirt domain', async () => {
    const id = serverId('app-1');
    const server = sb.ctx.state.nova.servers.find((s) => s.id === id)!;
    const domain = () => sb.ctx.state.hypervisor.domains.find((d) => d.name === server.instanceName)!;
    domain().frozen = true;
    const stop = await action(id, { 'os-stop': null });
    expect(stop.status).toBe(202);
    expect(stop.headers.get('openstack-api-version')).toBe('compute 2.1');
    const during = (await getJson(`/servers/${id}`)).server;
    expect(during.status).toBe('ACTIVE');
    expect(during['OS-EXT-STS:task_state']).toBe('powering-off');
    const busy = await action(id, { 'os-start': null });
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as Json).conflictingRequest.message).toBe(`Cannot 'start' instance ${id} while it is in task_state powering-off`);

    const stopped = await waitForStatus(id, 'SHUTOFF');
    expect(stopped['OS-EXT-STS:vm_state']).toBe('stopped');
    expect(stopped['OS-EXT-STS:power_state']).toBe(4);
    expect(domain().state).toBe('shut off');
    expect(domain().frozen).toBe(false);

    const again = await action(id, { 'os-stop': null });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ conflictingRequest: { code: 409, message: `Cannot 'stop' instance ${id} while it is in vm_state stopped` } });

    expect((await action(id, { 'os-start': null })).status).toBe(202);
    const started = await waitForStatus(id, 'ACTIVE');
    expect(started['OS-EXT-STS:power_state']).toBe(1);
    expect(domain().state).toBe('running');
    expect(domain().events.map((e) => e.kind)).toEqual(['stop', 'start']);
  });

  it('answers 404 for an action on an unknown server and 501 for unsupported actions', async () => {
    expect((await action('nope', { 'os-stop': null })).status).toBe(404);
    const reboot = await action(serverId('web-1'), { reboot: { type: 'SOFT' } });
    expect(reboot.status).toBe(501);
    expect(((await reboot.json()) as Json).message).toContain('not implemented in the ccsnap sandbox: POST');
    expect((await compute(`/servers/${serverId('web-1')}`, { method: 'DELETE' })).status).toBe(501);
  });

  it('lists volume attachments per microversion', async () => {
    const id = serverId('db-1');
    const { volumeAttachments } = await getJson(`/servers/${id}/os-volume_attachments`);
    expect(volumeAttachments.map((a: Json) => a.device)).toEqual(['/dev/vda', '/dev/vdb', '/dev/vdc']);
    expect(Object.keys(volumeAttachments[0]).sort()).toEqual(['device', 'id', 'serverId', 'volumeId']);
    const at289 = (await getJson(`/servers/${id}/os-volume_attachments`, '2.89')).volumeAttachments;
    expect(at289[0]).not.toHaveProperty('id');
    expect(at289[0]).toMatchObject({ serverId: id, tag: null, delete_on_termination: false });
    expect(at289[0].attachment_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves flavors', async () => {
    const list = await getJson('/flavors');
    expect(list.flavors.map((f: Json) => f.name)).toEqual(['m1.tiny', 'm1.small']);
    const detail = await getJson('/flavors/detail?is_public=None');
    expect(detail.flavors[1]).toMatchObject({ id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20, 'os-flavor-access:is_public': true });
    expect((await getJson('/flavors/1')).flavor.name).toBe('m1.tiny');
    const missing = await compute('/flavors/m1.tiny');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ itemNotFound: { code: 404, message: 'Flavor m1.tiny could not be found.' } });
  });
});
