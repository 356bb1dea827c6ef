import { describe, expect, it } from 'vitest';
import { buildTokenRequest } from '../../../src/openstack/keystone-body.js';
import { parseTokenResponse } from '../../../src/openstack/keystone.js';
import { readVersionEntries } from '../../../src/openstack/keystone-discovery.js';
import type { CloudConfig } from '../../../src/openstack/config-types.js';

function cloud(authType: CloudConfig['authType'], auth: Partial<CloudConfig['auth']>): CloudConfig {
  return { name: 't', authType, auth: { authUrl: 'http://127.0.0.1:5000/v3', ...auth }, interface: 'public', insecure: false, raw: {} };
}

describe('buildTokenRequest', () => {
  it('password: user by name + domain name, project by name + domain name (what OSC sends)', () => {
    const body = buildTokenRequest(
      cloud('password', { username: 'admin', password: 'secret', userDomainName: 'Default', projectName: 'admin', projectDomainName: 'Default' }),
    );
    expect(body).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
  });

  it('password: user id, project id', () => {
    const body = buildTokenRequest(cloud('v3password', { userId: 'u1', password: 'p', projectId: 'p1', projectName: 'ignored' }));
    expect(body).toEqual({ auth: { identity: { methods: ['password'], password: { user: { id: 'u1', password: 'p' } } }, scope: { project: { id: 'p1' } } } });
  });

  it('password: project domain falls back to default_domain, then to the user domain', () => {
    const a = buildTokenRequest(cloud('password', { username: 'a', password: 'p', defaultDomain: 'default', projectName: 'x' }));
    expect(a).toMatchObject({
      auth: { identity: { password: { user: { domain: { id: 'default' } } } }, scope: { project: { name: 'x', domain: { id: 'default' } } } },
    });
    const b = buildTokenRequest(cloud('password', { username: 'a', password: 'p', userDomainId: 'd9', projectName: 'x' }));
    expect(b).toMatchObject({ auth: { scope: { project: { domain: { id: 'd9' } } } } });
  });

  it('password: domain scope, and unscoped', () => {
    expect(buildTokenRequest(cloud('password', { userId: 'u', password: 'p', domainName: 'Default' }))).toMatchObject({
      auth: { scope: { domain: { name: 'Default' } } },
    });
    expect(buildTokenRequest(cloud('password', { userId: 'u', password: 'p' })).auth).not.toHaveProperty('scope');
  });

  it('application credential by id, and by name + user', () => {
    expect(buildTokenRequest(cloud('v3applicationcredential', { applicationCredentialId: 'ac1', applicationCredentialSecret: 's', projectName: 'x' }))).toEqual(
      {
        auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac1', secret: 's' } } },
      },
    );
    expect(
      buildTokenRequest(
        cloud('v3applicationcredential', { applicationCredentialName: 'n', applicationCredentialSecret: 's', username: 'bob', userDomainName: 'D' }),
      ),
    ).toEqual({
      auth: {
        identity: { methods: ['application_credential'], application_credential: { name: 'n', secret: 's', user: { name: 'bob', domain: { name: 'D' } } } },
      },
    });
  });

  it('token with project scope (what nova sends for --os-auth-type token)', () => {
    expect(buildTokenRequest(cloud('token', { token: 'T', projectId: 'P' }))).toEqual({
      auth: { identity: { methods: ['token'], token: { id: 'T' } }, scope: { project: { id: 'P' } } },
    });
  });
});

describe('Keystone documents', () => {
  it('parses a token response', () => {
    const info = parseTokenResponse('tok', {
      token: {
        expires_at: '2026-11-27T05:52:42.000000Z',
        user: { id: 'u', name: 'admin', domain: { id: 'default' } },
        project: { id: 'p', name: 'admin' },
        roles: [{ name: 'admin' }],
        catalog: [],
      },
    });
    expect(info.expiresAt?.toISOString()).toBe('2026-11-27T05:52:42.000Z');
    expect(info.project).toEqual({ id: 'p', name: 'admin' });
    expect(info.roles).toEqual(['admin']);
  });

  it('reads single, list and Keystone values version documents', () => {
    expect(readVersionEntries({ version: { id: 'v3.14' } })).toEqual([{ id: 'v3.14' }]);
    expect(readVersionEntries({ versions: [{ id: 'v3.0' }] })).toEqual([{ id: 'v3.0' }]);
    expect(readVersionEntries({ versions: { values: [{ id: 'v3.14' }] } })).toEqual([{ id: 'v3.14' }]);
    expect(readVersionEntries('nope')).toEqual([]);
  });
});
