import { afterEach, describe, expect, it } from 'vitest';
import { resolveCloud } from '../../../src/openstack/config.js';
import { createSession, type Session } from '../../../src/openstack/session.js';
import { getServer, getServerById, listServers } from '../../../src/openstack/servers.js';
import { getVolume, listVolumes } from '../../../src/openstack/volumes.js';
import { getMicroversionRange } from '../../../src/openstack/versions.js';
import { loadCapture, startReplay, type Replay } from './helpers/replay.js';

const PROJECT = 'fd0cc8fae82146b095a59c64be5d49d4';
const VM1 = 'f975adea-87a8-4945-895f-25aaa139de3d';
const VM2 = 'b1e9d364-a20d-4b30-a07a-4857b3f31f14';

let replay: Replay | undefined;
let session: Session | undefined;

afterEach(async () => {
  await session?.close();
  await replay?.close();
  session = undefined;
  replay = undefined;
});

async function open(...captures: string[]): Promise<{ replay: Replay; session: Session }> {
  replay = await startReplay(captures.flatMap(loadCapture));
  const cloud = resolveCloud({
    env: {
      OS_AUTH_URL: `${replay.urlFor(5000)}/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
    },
  });
  session = await createSession(cloud, { retries: 0 });
  return { replay, session };
}

describe('capture replay: Keystone 22', () => {
  it('discovers v3, issues a token and reads the catalog', async () => {
    const { replay, session } = await open('token-issue');
    const auth = session.auth();
    expect(session.identityUrl).toBe(`${replay.urlFor(5000)}/v3`);
    expect(auth.project).toEqual({ id: PROJECT, name: 'admin', domainId: 'default' });
    expect(auth.user).toEqual({ id: '7ee6c5b5bff042c793922a2dd4572519', name: 'admin', domainId: 'default' });
    expect(auth.expiresAt?.toISOString()).toBe('2026-11-27T05:52:42.000Z');
    expect(auth.roles).toContain('admin');
    expect(auth).not.toHaveProperty('token');
    expect(session.endpoint('compute')).toBe(`${replay.urlFor(8774)}/v2.1`);
    expect(session.endpoint('volume')).toBe(`${replay.urlFor(8776)}/v3/${PROJECT}`);
    expect(session.endpoint('block-storage')).toBe(`${replay.urlFor(8776)}/v3/${PROJECT}`);
    expect(auth.catalog.map((s) => s.type)).toEqual(expect.arrayContaining(['identity', 'compute', 'volumev3', 'block-storage', 'image']));
    const post = replay.servers.get(5000)!.requests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
    expect(replay.misses).toEqual([]);
  });
});

describe('capture replay: Nova 26', () => {
  it('lists servers/detail and normalizes them', async () => {
    const { replay, session } = await open('token-issue', 'nova-list');
    const servers = await listServers(session);
    expect(servers.map((s) => s.name).sort()).toEqual(['vm1', 'vm2']);
    const vm2 = servers.find((s) => s.name === 'vm2')!;
    expect(vm2).toMatchObject({ id: VM2, status: 'ACTIVE', host: 'realos-compute1', projectId: PROJECT });
    expect(vm2.instanceName).toMatch(/^instance-[0-9a-f]{8}$/);
    expect(vm2.volumeIds.length).toBeGreaterThan(0);
    expect(vm2.created).toMatch(/^2026-/);
    const req = replay.servers.get(8774)!.requests.at(-1)!;
    expect(req.headers['x-openstack-nova-api-version']).toBe('2.79');
    expect(req.headers['openstack-api-version']).toBe('compute 2.79');
    expect(req.headers['x-auth-token']).toMatch(/^gAAAA/);
  });

  it('reads the compute version document', async () => {
    const { session } = await open('token-issue', 'nova-list');
    expect(await getMicroversionRange(session, 'compute')).toEqual({ id: 'v2.1', min: '2.1', max: '2.93' });
  });

  it('shows a server by id (2.92 body)', async () => {
    const { session } = await open('token-issue', 'nova-show');
    const vm1 = await getServerById(session, VM1);
    expect(vm1).toMatchObject({ id: VM1, name: 'vm1', status: 'ACTIVE', host: 'realos-compute1', projectId: PROJECT });
    expect(vm1.instanceName).toMatch(/^instance-/);
  });

  it('falls back from a 404 by id to an exact-name search (2.79)', async () => {
    const { replay, session } = await open('token-issue', 'server-show-279', 'nova-list');
    const vm1 = await getServer(session, 'vm1');
    expect(vm1.id).toBe(VM1);
    const paths = replay.servers.get(8774)!.requests.map((r) => decodeURIComponent(r.url));
    expect(paths).toEqual(['/v2.1/servers/vm1', '/v2.1/servers/detail?name=^vm1$']);
  });
});

describe('capture replay: Cinder 21', () => {
  it('lists volumes/detail (3.70 body) and normalizes them', async () => {
    const { replay, session } = await open('token-issue', 'cinder-list');
    const volumes = await listVolumes(session);
    expect(volumes.length).toBeGreaterThan(0);
    for (const v of volumes) {
      expect(typeof v.bootable).toBe('boolean');
      expect(v.backendHost).toBe('realos-volume1@fake#fake');
      expect(v.volumeType).toBe('cb-ssd');
      expect(v.size).toBeGreaterThan(0);
    }
    const attached = volumes.filter((v) => v.attachments.length > 0);
    expect(attached.length).toBeGreaterThan(0);
    expect(attached[0]!.attachments[0]).toMatchObject({ serverId: expect.stringMatching(/^[0-9a-f-]{36}$/), device: expect.stringMatching(/^\/dev\//) });
    expect(attached[0]!.attachments[0]!.attachmentId).toMatch(/^[0-9a-f-]{36}$/);
    const req = replay.servers.get(8776)!.requests.at(-1)!;
    expect(req.url).toBe(`/v3/${PROJECT}/volumes/detail`);
    expect(req.headers['openstack-api-version']).toBe('volume 3.60');
  });

  it('reads the volume root version list (300)', async () => {
    const { session } = await open('token-issue', 'cinder-list');
    expect(await getMicroversionRange(session, 'volume')).toEqual({ id: 'v3.0', min: '3.0', max: '3.70' });
  });

  it('lists with all_tenants=1', async () => {
    const { replay, session } = await open('token-issue', 'cinder-list-all');
    const volumes = await listVolumes(session, { allTenants: true });
    expect(volumes.length).toBeGreaterThan(0);
    expect(replay.misses).toEqual([]);
  });

  it('shows a bootable volume by name after a 404 by id', async () => {
    const { replay, session } = await open('token-issue', 'volume-show-boot');
    const vol = await getVolume(session, 'bootvol', { allTenants: true });
    expect(vol).toMatchObject({ name: 'bootvol', status: 'in-use', bootable: true, volumeType: 'cb-ssd', size: 1 });
    expect(vol.attachments).toHaveLength(1);
    expect(replay.misses).toEqual([]);
  });

  it('shows vol1 by name (cinder show capture)', async () => {
    const { session } = await open('token-issue', 'cinder-show', 'volume-show-boot');
    const vol = await getVolume(session, 'vol1', { allTenants: true });
    expect(vol.name).toBe('vol1');
    expect(vol.bootable).toBe(false);
  });
});
