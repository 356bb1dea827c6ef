import { describe, expect, it } from 'vitest';
import { findEndpoint, normalizeCatalog } from '../../../src/openstack/catalog.js';
import { defaultMicroversion, microversionHeaders } from '../../../src/openstack/microversion.js';
import { volumeRootUrl } from '../../../src/openstack/versions.js';
import type { CcsnapError } from '../../../src/errors.js';
import type { CloudConfig } from '../../../src/openstack/config-types.js';

const catalog = normalizeCatalog([
  {
    type: 'compute',
    name: 'nova',
    endpoints: [
      { interface: 'public', region_id: 'RegionOne', url: 'https://nova.one/v2.1/' },
      { interface: 'internal', region_id: 'RegionOne', url: 'http://nova.internal/v2.1' },
      { interface: 'public', region: 'RegionTwo', url: 'https://nova.two/v2.1' },
    ],
  },
  { type: 'volumev3', name: 'cinderv3', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'https://cinder/v3/p1' }] },
  { type: 'bogus' },
]);

describe('catalog', () => {
  it('picks by type, interface and region; strips the trailing slash', () => {
    expect(findEndpoint(catalog, { serviceType: 'compute' })).toBe('https://nova.one/v2.1');
    expect(findEndpoint(catalog, { serviceType: 'compute', interface: 'internalURL' })).toBe('http://nova.internal/v2.1');
    expect(findEndpoint(catalog, { serviceType: 'compute', region: 'RegionTwo' })).toBe('https://nova.two/v2.1');
  });

  it('resolves volume through block-storage / volumev3 aliases', () => {
    expect(findEndpoint(catalog, { serviceType: 'volume' })).toBe('https://cinder/v3/p1');
    expect(findEndpoint(catalog, { serviceType: 'block-storage' })).toBe('https://cinder/v3/p1');
  });

  it('no endpoint → CCSNAP_CATALOG_NO_ENDPOINT listing what exists', () => {
    try {
      findEndpoint(catalog, { serviceType: 'compute', interface: 'admin', region: 'RegionOne' });
      expect.unreachable();
    } catch (err) {
      expect((err as CcsnapError).code).toBe('CCSNAP_CATALOG_NO_ENDPOINT');
      expect((err as CcsnapError).message).toContain('compute public RegionTwo');
      expect((err as CcsnapError).details.available).toContain('volumev3 public RegionOne');
    }
  });
});

describe('microversions', () => {
  const cloud = (c: Partial<CloudConfig>): CloudConfig => ({
    name: 'x',
    authType: 'password',
    auth: { authUrl: '' },
    interface: 'public',
    insecure: false,
    raw: {},
    ...c,
  });
  it('defaults to compute 2.79 / volume 3.60; a bare major keeps the default', () => {
    expect(defaultMicroversion('compute', cloud({}))).toBe('2.79');
    expect(defaultMicroversion('compute', cloud({ computeApiVersion: '2' }))).toBe('2.79');
    expect(defaultMicroversion('compute', cloud({ computeApiVersion: '2.88' }))).toBe('2.88');
    expect(defaultMicroversion('volumev3', cloud({ volumeApiVersion: '3.70' }))).toBe('3.70');
    expect(defaultMicroversion('block-storage', cloud({}))).toBe('3.60');
    expect(defaultMicroversion('image', cloud({}))).toBeUndefined();
  });

  it('builds Nova and Cinder headers', () => {
    expect(microversionHeaders('compute', '2.79')).toEqual({ 'X-OpenStack-Nova-API-Version': '2.79', 'OpenStack-API-Version': 'compute 2.79' });
    expect(microversionHeaders('volume', '3.60')).toEqual({ 'OpenStack-API-Version': 'volume 3.60' });
    expect(microversionHeaders('compute', undefined)).toEqual({});
  });

  it('finds the volume root the way cinderclient does', () => {
    expect(volumeRootUrl('http://127.0.0.1:8776/v3/fd0c')).toBe('http://127.0.0.1:8776/');
    expect(volumeRootUrl('http://127.0.0.1/volume/v3/fd0c')).toBe('http://127.0.0.1/volume/');
    expect(volumeRootUrl('http://127.0.0.1/volume/v3')).toBe('http://127.0.0.1/volume/');
  });
});
