import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { issueSandboxToken } from '../helpers/sandbox-token.js';

type Json = Record<string, any>;

/** The read calls a real cloud answers and the openstack CLI makes: hypervisors, instance actions, projects, Cinder snapshots and services. */
describe('sandbox: hypervisors, instance actions, projects, Cinder snapshots and services', () => {
  let sb: RunningSandbox;
  let token: string;
  let projectId: string;
  const get = async (path: string, header?: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${sb.url}${path}`, { headers: { 'X-Auth-Token': token, ...(header ? { 'OpenStack-API-Version': header } : {}) } });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const ok = async (path: string, header?: string): Promise<Json> => {
    const r = await get(path, header);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const server = (name: string) => sb.ctx.state.nova.servers.find((s) => s.name === name)!;

  beforeAll(async () => {
    sb = await startSandbox();
    sb.ctx.state.nova.powerDelayMs = 50;
    ({ token, projectId } = await issueSandboxToken(sb.url));
  });
  afterAll(() => sb.close());

  it('os-hypervisors: one per compute host; integer ids before 2.53, UUIDs after; usage from the servers on it; stats gone in 2.88', async () => {
    const list = await ok('/compute/v2.1/os-hypervisors');
    expect(list.hypervisors).toEqual([
      { id: 1, hypervisor_hostname: 'compute-1', state: 'up', status: 'enabled' },
      { id: 2, hypervisor_hostname: 'compute-2', state: 'up', status: 'enabled' },
    ]);
    const detail = (await ok('/compute/v2.1/os-hypervisors/detail')).hypervisors as Json[];
    const onCompute1 = sb.ctx.state.nova.servers.filter((s) => s.host === 'compute-1').length;
    expect(detail[0]).toMatchObject({
      hypervisor_type: 'QEMU',
      running_vms: onCompute1,
      vcpus_used: onCompute1,
      service: { host: 'compute-1', disabled_reason: null },
    });
    expect(typeof detail[0]!.cpu_info).toBe('string');
    const v253 = (await ok('/compute/v2.1/os-hypervisors/detail', 'compute 2.53')).hypervisors as Json[];
    expect(v253[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ok(`/compute/v2.1/os-hypervisors/${v253[1]!.id}`, 'compute 2.53')).toMatchObject({ hypervisor: { hypervisor_hostname: 'compute-2' } });
    const v288 = (await ok('/compute/v2.1/os-hypervisors/detail', 'compute 2.88')).hypervisors as Json[];
    expect(v288[0]).not.toHaveProperty('vcpus');
    expect(v288[0]).toHaveProperty('uptime');
  });

  it('os-instance-actions: a server starts with "create"; os-stop and os-start are recorded under their request ids', async () => {
    const db = server('db-1');
    expect((await ok(`/compute/v2.1/servers/${db.id}/os-instance-actions`)).instanceActions.map((a: Json) => a.action)).toEqual(['create']);
    const res = await fetch(`${sb.url}/compute/v2.1/servers/${db.id}/action`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ 'os-stop': null }),
    });
    expect(res.status).toBe(202);
    const requestId = res.headers.get('x-openstack-request-id');
    expect(requestId).toMatch(/^req-/);
    const listed = (await ok(`/compute/v2.1/servers/${db.id}/os-instance-actions`, 'compute 2.58')).instanceActions as Json[];
    expect(listed.map((a) => [a.action, a.request_id])).toEqual([
      ['stop', requestId],
      ['create', expect.stringMatching(/^req-/)],
    ]);
    expect(Object.keys(listed[0]!).sort()).toEqual(['action', 'instance_uuid', 'message', 'project_id', 'request_id', 'start_time', 'updated_at', 'user_id']);
    expect(listed[0]).toMatchObject({ instance_uuid: db.id, project_id: projectId, message: null });
    const shown = (await ok(`/compute/v2.1/servers/${db.id}/os-instance-actions/${requestId}`, 'compute 2.62')).instanceAction as Json;
    expect(shown.events).toHaveLength(1);
    expect(shown.events[0]).toMatchObject({ event: 'compute_stop_instance', host: 'compute-1', traceback: null });
    expect((await ok(`/compute/v2.1/servers/${db.id}/os-instance-actions?limit=1`, 'compute 2.58')).instanceActions).toHaveLength(1);
    expect((await get(`/compute/v2.1/servers/${db.id}/os-instance-actions/req-nope`)).status).toBe(404);
  });

  it('keystone projects: the sandbox projects with Keystone fields', async () => {
    const body = await ok('/identity/v3/projects');
    expect(body.projects.map((p: Json) => p.name)).toEqual(sb.ctx.state.keystone.projects.map((p) => p.name));
    expect(body.projects[0]).toMatchObject({
      id: projectId,
      domain_id: 'default',
      enabled: true,
      is_domain: false,
      links: { self: `${sb.url}/identity/v3/projects/${projectId}` },
    });
    expect(body.links).toEqual({ self: `${sb.url}/identity/v3/projects`, previous: null, next: null });
    expect((await ok(`/identity/v3/projects/${projectId}`)).project.name).toBe('admin');
  });

  it('cinder snapshots: an empty list in the demo cloud; a Cinder snapshot shows with the fields of its microversion', async () => {
    expect(await ok(`/volume/v3/${projectId}/snapshots/detail`, 'volume 3.70')).toEqual({ snapshots: [] });
    const volume = sb.ctx.state.cinder.volumes[0]!;
    sb.ctx.state.cinder.snapshots = [
      {
        id: '0b8f8b5e-5d1a-4b0e-9a51-3f0c4d1e2a10',
        name: 'cinder-snap',
        description: null,
        status: 'available',
        size: volume.size,
        volumeId: volume.id,
        tenantId: projectId,
        userId: volume.userId,
        created: '2026-11-02T08:00:00.000000',
        updated: '2026-11-02T08:00:01.000000',
        metadata: {},
      },
    ];
    try {
      const [snap] = (await ok(`/volume/v3/${projectId}/snapshots/detail`, 'volume 3.70')).snapshots as Json[];
      expect(snap).toMatchObject({
        name: 'cinder-snap',
        volume_id: volume.id,
        status: 'available',
        'os-extended-snapshot-attributes:project_id': projectId,
        user_id: volume.userId,
        consumes_quota: true,
        group_snapshot_id: null,
      });
      const old = (await ok(`/volume/v3/${projectId}/snapshots/detail`, 'volume 3.0')).snapshots as Json[];
      expect(old[0]).not.toHaveProperty('user_id');
      expect((await ok(`/volume/v3/${projectId}/snapshots?volume_id=nope`)).snapshots).toEqual([]);
    } finally {
      sb.ctx.state.cinder.snapshots = [];
    }
  });

  it('cinder os-services: the scheduler and one cinder-volume per backend of the volumes', async () => {
    const { services } = await ok(`/volume/v3/${projectId}/os-services`, 'volume 3.70');
    const backends = [...new Set(sb.ctx.state.cinder.volumes.map((v) => v.host.split('#')[0]))].sort();
    expect(services.map((s: Json) => [s.binary, s.host])).toEqual([['cinder-scheduler', 'sandbox-volume1'], ...backends.map((b) => ['cinder-volume', b])]);
    expect(services[1]).toMatchObject({ zone: 'nova', status: 'enabled', state: 'up', cluster: null, backend_state: 'up', disabled_reason: null });
  });
});
