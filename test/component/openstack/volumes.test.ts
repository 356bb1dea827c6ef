import { afterEach, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../../src/openstack/session.js';
import { getVolume, listVolumes } from '../../../src/openstack/volumes.js';
import { listVolumeTypes } from '../../../src/openstack/volume-types.js';
import { startFakeOpenStack, type FakeOpenStack } from './helpers/fake-openstack.js';
import { rejectionOf, cloudFor } from './helpers/cloud.js';

let fake: FakeOpenStack | undefined;
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = fake = undefined;
});

const VOLUMES = ['v1', 'v2', 'v3', 'v4'].map((id) => ({ id, name: id === 'v4' ? 'v1' : `name-${id}`, bootable: id === 'v2' ? 'true' : 'false' }));

describe('volumes', () => {
  it('follows volumes_links across pages through the block-storage alias', async () => {
    fake = await startFakeOpenStack({ volumes: VOLUMES });
    session = await createSession(cloudFor(fake.authUrl));
    const volumes = await listVolumes(session, { allTenants: true, limit: 3 });
    expect(volumes.map((v) => v.id)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(volumes.map((v) => v.bootable)).toEqual([false, true, false, false]);
    const urls = fake.server.requests.filter((r) => r.url.includes('/volumes/detail')).map((r) => r.url);
    expect(urls).toHaveLength(2);
    expect(urls[1]).toContain('marker=v3');
    expect(urls[1]).toContain('all_tenants=1');
  });

  it('getVolume: not found by id or name → CCSNAP_VOLUME_NOT_FOUND', async () => {
    fake = await startFakeOpenStack({ volumes: VOLUMES });
    session = await createSession(cloudFor(fake.authUrl));
    const err = await rejectionOf(getVolume(session, 'nothing-like-this'));
    expect(err.code).toBe('CCSNAP_VOLUME_NOT_FOUND');
  });

  it('lists volume types with their backend name', async () => {
    fake = await startFakeOpenStack();
    session = await createSession(cloudFor(fake.authUrl));
    expect(await listVolumeTypes(session)).toEqual([
      { id: 't1', name: 'cb-ssd', isPublic: true, description: null, extraSpecs: { volume_backend_name: 'cloudbyte' }, backendName: 'cloudbyte' },
    ]);
  });
});
