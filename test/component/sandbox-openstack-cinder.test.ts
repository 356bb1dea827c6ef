import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { issueSandboxToken as issueToken } from '../helpers/sandbox-token.js';

type Json = Record<string, any>;

describe('sandbox cinder', () => {
  let sb: RunningSandbox;
  let token: string;
  let projectId: string;
  const volume = (path: string, mv?: string) => {
    const headers: Record<string, string> = { 'X-Auth-Token': token };
    if (mv) headers['OpenStack-API-Version'] = `volume ${mv}`;
    return fetch(`${sb.url}/volume/v3/${projectId}${path}`, { headers });
  };
  const getJson = async (path: string, mv?: string): Promise<Json> => {
    const res = await volume(path, mv);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  const ALL_VOLUMES = 12; // the demo seed: 11 attached volumes and spare-data

  beforeAll(async () => {
    sb = await startSandbox();
    ({ token, projectId } = await issueToken(sb.url));
  });
  afterAll(() => sb.close());

  it('serves the root versions document (300) the way cinderclient reads it', async () => {
    const res = await fetch(`${sb.url}/volume/`, { headers: { 'OpenStack-API-Version': 'volume 3.70' } });
    expect(res.status).toBe(300);
    expect(res.headers.get('openstack-api-version')).toBe('volume 3.70');
    const body = (await res.json()) as Json;
    expect(body.versions).toHaveLength(1);
    expect(body.versions[0]).toMatchObject({ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0' });
    const v3 = await fetch(`${sb.url}/volume/v3/`);
    expect(v3.status).toBe(200);
  });

  it('requires a token for volumes', async () => {
    const res = await fetch(`${sb.url}/volume/v3/${projectId}/volumes/detail`);
    expect(res.status).toBe(401);
  });

  it('lists volume details at 3.0 without the 3.x fields, with bootable as a string', async () => {
    const res = await volume('/volumes/detail');
    expect(res.headers.get('openstack-api-version')).toBe('volume 3.0');
    const { volumes } = (await res.json()) as Json;
    expect(volumes).toHaveLength(ALL_VOLUMES);
    const boot = volumes.find((v: Json) => v.name === 'web-1-boot');
    const web = sb.ctx.state.nova.servers.find((s) => s.name === 'web-1')!;
    expect(boot).toMatchObject({
      status: 'in-use',
      size: 10,
      volume_type: 'cb-ssd',
      bootable: 'true',
      multiattach: false,
      'os-vol-host-attr:host': 'sandbox-volume1@cloudbyte#POOL1',
      'os-vol-tenant-attr:tenant_id': projectId,
    });
    expect(boot.attachments).toEqual([
      {
        id: boot.id,
        attachment_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        volume_id: boot.id,
        server_id: web.id,
        host_name: 'compute-1',
        device: '/dev/vda',
        attached_at: '2026-11-01T08:00:00.000000',
      },
    ]);
    expect(boot).not.toHaveProperty('consumes_quota');
    expect(boot).not.toHaveProperty('volume_type_id');
    const spare = volumes.find((v: Json) => v.name === 'spare-data');
    expect(spare).toMatchObject({ status: 'available', bootable: 'false', attachments: [] });
  });

  it('adds consumes_quota and the other 3.x fields at 3.70', async () => {
    const res = await volume('/volumes/detail?all_tenants=1', '3.70');
    expect(res.headers.get('openstack-api-version')).toBe('volume 3.70');
    const { volumes } = (await res.json()) as Json;
    expect(volumes).toHaveLength(ALL_VOLUMES);
    const ssdType = sb.ctx.state.cinder.types.find((t) => t.name === 'cb-ssd')!;
    const boot = volumes.find((v: Json) => v.name === 'db-1-boot');
    expect(boot).toMatchObject({
      consumes_quota: true,
      volume_type_id: ssdType.id,
      group_id: null,
      provider_id: null,
      shared_targets: false,
      cluster_name: null,
    });
    expect((await volume('/volumes/detail', '3.64')).ok).toBe(true);
    expect((await getJson('/volumes/detail', '3.64')).volumes[0]).not.toHaveProperty('consumes_quota');
    expect((await volume('/volumes/detail', '3.71')).status).toBe(406);
  });

  it('filters by name and pages with volumes_links', async () => {
    const named = await getJson('/volumes/detail?all_tenants=1&name=web-1-data1');
    expect(named.volumes.map((v: Json) => v.name)).toEqual(['web-1-data1']);
    const summary = await getJson('/volumes');
    expect(Object.keys(summary.volumes[0]).sort()).toEqual(['id', 'links', 'name']);

    const seen: string[] = [];
    let path: string | undefined = '/volumes/detail?limit=5';
    while (path) {
      const body = await getJson(path);
      seen.push(...body.volumes.map((v: Json) => v.name));
      const next = (body.volumes_links as Json[] | undefined)?.find((l) => l.rel === 'next');
      path = next ? String(next.href).slice(`${sb.url}/volume/v3/${projectId}`.length) : undefined;
    }
    expect(seen).toHaveLength(ALL_VOLUMES);
    expect(new Set(seen).size).toBe(ALL_VOLUMES);
  });

  it('shows a volume by id and answers 404 for a name', async () => {
    const id = sb.ctx.state.cinder.volumes.find((v) => v.name === 'legacy-1-boot')!.id;
    const { volume: vol } = await getJson(`/volumes/${id}`);
    expect(vol).toMatchObject({ name: 'legacy-1-boot', volume_type: 'lvm-standard', 'os-vol-host-attr:host': 'sandbox-volume1@lvm#lvm' });
    const res = await volume('/volumes/legacy-1-boot');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ itemNotFound: { code: 404, message: 'Volume legacy-1-boot could not be found.' } });
  });

  it('serves volume types by id and by name', async () => {
    const { volume_types } = await getJson('/types');
    expect(volume_types.map((t: Json) => t.name)).toEqual(['cb-ssd', 'cb-hdd', 'lvm-standard']);
    expect(volume_types[0]).toMatchObject({ is_public: true, 'os-volume-type-access:is_public': true, extra_specs: { volume_backend_name: 'cloudbyte' } });
    const id = volume_types[2].id;
    expect((await getJson(`/types/${id}`)).volume_type.name).toBe('lvm-standard');
    expect((await getJson('/types/cb-hdd')).volume_type.id).toBe(volume_types[1].id);
    expect((await volume('/types/nope')).status).toBe(404);
  });

  it('answers 501 for recognised but unsupported volume APIs', async () => {
    const res = await volume('/backups');
    expect(res.status).toBe(501);
    expect(((await res.json()) as Json).message).toBe(`not implemented in the ccsnap sandbox: GET /volume/v3/${projectId}/backups`);
  });
});
