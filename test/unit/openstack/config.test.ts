import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveCloud } from '../../../src/openstack/config.js';
import { CcsnapError } from '../../../src/errors.js';

let dir: string;
let etc: string;

const CLOUDS = `
clouds:
  lab:
    auth:
      auth_url: https://keystone.lab:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
    cacert: /etc/ssl/lab-ca.pem
    compute_api_version: "2.79"
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://127.0.0.1:5000
      application_credential_id: 0123abc
    regions: [RegionTwo]
  selfsigned:
    verify: false
    auth:
      auth_url: http://127.0.0.1:5000
      token: tok
`;

const SECURE = `
clouds:
  lab:
    auth:
      password: s3cret
  appcred:
    auth:
      application_credential_secret: topsecret
`;

function expectError(fn: () => unknown, code: string): CcsnapError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CcsnapError);
    expect((err as CcsnapError).code).toBe(code);
    return err as CcsnapError;
  }
  throw new Error(`expected ${code}`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccsnap-cfg-'));
  etc = join(dir, 'etc');
  mkdirSync(etc);
  writeFileSync(join(etc, 'clouds.yaml'), CLOUDS);
  writeFileSync(join(etc, 'secure.yaml'), SECURE);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveCloud from clouds.yaml', () => {
  it('deep-merges secure.yaml into the named cloud', () => {
    const cloud = resolveCloud({ cloud: 'lab', env: {}, searchPath: [join(dir, 'none'), etc] });
    expect(cloud.name).toBe('lab');
    expect(cloud.authType).toBe('password');
    expect(cloud.auth).toMatchObject({ authUrl: 'https://keystone.lab:5000/v3', username: 'admin', password: 's3cret', projectName: 'admin' });
    expect(cloud.auth.userDomainName).toBe('Default');
    expect(cloud.regionName).toBe('RegionOne');
    expect(cloud.interface).toBe('internal');
    expect(cloud.cacert).toBe('/etc/ssl/lab-ca.pem');
    expect(cloud.insecure).toBe(false);
    expect(cloud.computeApiVersion).toBe('2.79');
    expect((cloud.raw.auth as Record<string, unknown>).password).toBe('s3cret');
  });

  it('takes the cloud name from OS_CLOUD', () => {
    const cloud = resolveCloud({ env: { OS_CLOUD: 'appcred' }, searchPath: [etc] });
    expect(cloud.authType).toBe('v3applicationcredential');
    expect(cloud.auth.applicationCredentialSecret).toBe('topsecret');
    expect(cloud.regionName).toBe('RegionTwo');
    expect(cloud.interface).toBe('public');
  });

  it('treats verify: false as insecure and infers token auth', () => {
    const cloud = resolveCloud({ cloud: 'selfsigned', env: {}, searchPath: [etc] });
    expect(cloud.insecure).toBe(true);
    expect(cloud.authType).toBe('token');
  });

  it('uses the first clouds.yaml found in the search path', () => {
    const first = join(dir, 'first');
    mkdirSync(first);
    writeFileSync(join(first, 'clouds.yaml'), 'clouds:\n  other:\n    auth: {auth_url: http://x, token: t}\n');
    rmSync(join(etc, 'secure.yaml'));
    const err = expectError(() => resolveCloud({ cloud: 'lab', env: {}, searchPath: [first, etc] }), 'CCSNAP_CONFIG_CLOUD_NOT_FOUND');
    expect(err.message).toContain('other');
  });

  it('honours OS_CLIENT_CONFIG_FILE over the search path', () => {
    const file = join(dir, 'custom.yaml');
    writeFileSync(file, 'clouds:\n  custom:\n    auth: {auth_url: http://127.0.0.1:1, token: t}\n');
    const cloud = resolveCloud({ cloud: 'custom', env: { OS_CLIENT_CONFIG_FILE: file }, searchPath: [etc] });
    expect(cloud.auth.authUrl).toBe('http://127.0.0.1:1');
  });

  it('finds ~/.config/openstack/clouds.yaml via XDG_CONFIG_HOME in the default path', () => {
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'openstack'), { recursive: true });
    writeFileSync(join(xdg, 'openstack', 'clouds.yaml'), 'clouds:\n  home:\n    auth: {auth_url: http://127.0.0.1:2, token: t}\n');
    const cloud = resolveCloud({ cloud: 'home', env: { XDG_CONFIG_HOME: xdg } });
    expect(cloud.auth.authUrl).toBe('http://127.0.0.1:2');
  });
});

describe('resolveCloud precedence', () => {
  it('OS_* variables override clouds.yaml, overrides (flags) override both', () => {
    const env = { OS_REGION_NAME: 'EnvRegion', OS_PASSWORD: 'envpass', OS_INTERFACE: 'admin', OS_INSECURE: 'true' };
    const cloud = resolveCloud({ cloud: 'lab', env, searchPath: [etc], overrides: { region: 'FlagRegion', cacert: '/flag/ca.pem' } });
    expect(cloud.regionName).toBe('FlagRegion');
    expect(cloud.auth.password).toBe('envpass');
    expect(cloud.interface).toBe('admin');
    expect(cloud.insecure).toBe(true);
    expect(cloud.cacert).toBe('/flag/ca.pem');
  });

  it('overrides.cloud selects the cloud and overrides.authUrl replaces auth_url', () => {
    const cloud = resolveCloud({
      env: { OS_CLOUD: 'appcred' },
      searchPath: [etc],
      overrides: { cloud: 'lab', authUrl: 'http://127.0.0.1:9/v3', insecure: true },
    });
    expect(cloud.name).toBe('lab');
    expect(cloud.auth.authUrl).toBe('http://127.0.0.1:9/v3');
    expect(cloud.insecure).toBe(true);
  });

  it('the --os-* auth flags override OS_* variables, which override clouds.yaml', () => {
    const env = { OS_USERNAME: 'env-user', OS_PASSWORD: 'env-pass', OS_PROJECT_NAME: 'env-project', OS_USER_DOMAIN_NAME: 'EnvDomain' };
    const cloud = resolveCloud({
      cloud: 'lab',
      env,
      searchPath: [etc],
      overrides: { username: 'flag-user', password: 'flag-pass', projectDomainName: 'FlagDomain', region: 'FlagRegion', interface: 'public' },
    });
    expect(cloud.auth).toMatchObject({
      authUrl: 'https://keystone.lab:5000/v3', // clouds.yaml
      username: 'flag-user',
      password: 'flag-pass',
      projectDomainName: 'FlagDomain', // flags
      projectName: 'env-project',
      userDomainName: 'EnvDomain', // OS_*
    });
    expect(cloud.regionName).toBe('FlagRegion');
    expect(cloud.interface).toBe('public');
  });

  it('the --os-* auth flags alone describe a cloud (no OS_*, no clouds.yaml)', () => {
    const cloud = resolveCloud({
      env: {},
      searchPath: [join(dir, 'empty')],
      overrides: {
        authUrl: 'http://127.0.0.1:5000/v3',
        username: 'u',
        password: 'p',
        projectName: 'pr',
        userDomainName: 'Default',
        projectDomainName: 'Default',
        region: 'R1',
        interface: 'internal',
      },
    });
    expect(cloud).toMatchObject({ name: 'envvars', authType: 'password', regionName: 'R1', interface: 'internal' });
    expect(cloud.auth).toMatchObject({
      authUrl: 'http://127.0.0.1:5000/v3',
      username: 'u',
      password: 'p',
      projectName: 'pr',
      userDomainName: 'Default',
      projectDomainName: 'Default',
    });
  });

  it('builds an "envvars" cloud from OS_* alone', () => {
    const cloud = resolveCloud({
      env: {
        OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
        OS_USERNAME: 'admin',
        OS_PASSWORD: 'secret',
        OS_PROJECT_NAME: 'admin',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_ID: 'default',
        OS_REGION_NAME: 'RegionOne',
        OS_COMPUTE_API_VERSION: '2.79',
        OS_VOLUME_API_VERSION: '3.60',
        OS_CACERT: '/ca.pem',
        OS_AUTH_TYPE: 'v3password',
      },
      searchPath: [join(dir, 'empty')],
    });
    expect(cloud.name).toBe('envvars');
    expect(cloud.authType).toBe('v3password');
    expect(cloud.auth).toMatchObject({ username: 'admin', password: 'secret', projectName: 'admin', projectDomainId: 'default' });
    expect(cloud.volumeApiVersion).toBe('3.60');
    expect(cloud.cacert).toBe('/ca.pem');
  });

  it('reads application credential and token variables', () => {
    const app = resolveCloud({
      env: {
        OS_AUTH_URL: 'http://127.0.0.1:5000',
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_NAME: 'ac',
        OS_USER_ID: 'u1',
        OS_APPLICATION_CREDENTIAL_SECRET: 'sss',
      },
    });
    expect(app.auth).toMatchObject({ applicationCredentialName: 'ac', userId: 'u1', applicationCredentialSecret: 'sss' });
    const tok = resolveCloud({ env: { OS_AUTH_URL: 'http://127.0.0.1:5000', OS_AUTH_TYPE: 'v3token', OS_TOKEN: 'abc', OS_DOMAIN_NAME: 'Default' } });
    expect(tok.authType).toBe('v3token');
    expect(tok.auth.domainName).toBe('Default');
  });
});

describe('resolveCloud errors', () => {
  it('unknown cloud lists the known ones', () => {
    const err = expectError(() => resolveCloud({ cloud: 'nope', env: {}, searchPath: [etc] }), 'CCSNAP_CONFIG_CLOUD_NOT_FOUND');
    expect(err.message).toContain('lab, appcred, selfsigned');
    expect(err.details.knownClouds).toEqual(['lab', 'appcred', 'selfsigned']);
  });

  it('missing password names what is missing and never the secret of others', () => {
    writeFileSync(join(etc, 'secure.yaml'), 'clouds: {}\n');
    const err = expectError(() => resolveCloud({ cloud: 'lab', env: {}, searchPath: [etc] }), 'CCSNAP_CONFIG_MISSING_AUTH');
    expect(err.message).toContain('password (OS_PASSWORD)');
    expect(err.details.missing).toEqual(['password (OS_PASSWORD)']);
  });

  it('nothing configured at all is MISSING_AUTH', () => {
    expectError(() => resolveCloud({ env: {}, searchPath: [join(dir, 'empty')] }), 'CCSNAP_CONFIG_MISSING_AUTH');
  });

  it('missing auth_url and app credential secret', () => {
    const err = expectError(
      () => resolveCloud({ env: { OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: 'x' }, searchPath: [etc] }),
      'CCSNAP_CONFIG_MISSING_AUTH',
    );
    expect(err.message).toContain('auth_url');
    expect(err.message).toContain('application_credential_secret');
  });

  it('bad YAML names the file', () => {
    writeFileSync(join(etc, 'clouds.yaml'), 'clouds:\n  lab: [unclosed\n');
    const err = expectError(() => resolveCloud({ cloud: 'lab', env: {}, searchPath: [etc] }), 'CCSNAP_CONFIG_INVALID');
    expect(err.message).toContain(join(etc, 'clouds.yaml'));
    expect(err.details.file).toBe(join(etc, 'clouds.yaml'));
  });

  it('unsupported auth type is CONFIG_INVALID', () => {
    expectError(() => resolveCloud({ env: { OS_AUTH_URL: 'http://x', OS_AUTH_TYPE: 'saml2' } }), 'CCSNAP_CONFIG_INVALID');
  });
});
