import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

const PASSWORD_AUTH = {
  auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'sandbox' } } },
    scope: { project: { name: 'admin', domain: { name: 'Default' } } },
  },
};

interface TokenBody {
  token: {
    methods: string[];
    user: { id: string; name: string; domain: { id: string; name: string } };
    project: { id: string; name: string };
    roles: Array<{ id: string; name: string }>;
    expires_at: string;
    catalog?: Array<{ type: string; name: string; endpoints: Array<{ interface: string; url: string; region: string; region_id: string }> }>;
    application_credential?: { id: string };
  };
}

describe('sandbox keystone', () => {
  let sb: RunningSandbox;
  const post = (body: unknown) =>
    fetch(`${sb.url}/identity/v3/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sb = await startSandbox();
    sb.ctx.state.keystone.applicationCredentials.push({
      id: 'appcred1',
      name: 'ccsnap',
      secret: 'shh',
      userId: sb.ctx.state.keystone.users[0]!.id,
      projectId: sb.ctx.state.keystone.projects[0]!.id,
    });
  });
  afterAll(() => sb.close());

  it('serves the version documents without a token', async () => {
    const root = await fetch(`${sb.url}/identity`);
    expect(root.status).toBe(300);
    const rootBody = (await root.json()) as { versions: { values: Array<{ id: string }> } };
    expect(rootBody.versions.values[0]!.id).toBe('v3.14');
    const v3 = await fetch(`${sb.url}/identity/v3`);
    expect(v3.status).toBe(200);
    const doc = (await v3.json()) as { version: { id: string; links: Array<{ href: string }> } };
    expect(doc.version.id).toBe('v3.14');
    expect(doc.version.links[0]!.href).toBe(`${sb.url}/identity/v3/`);
  });

  it('issues a project-scoped token with a catalog for every service', async () => {
    const res = await post(PASSWORD_AUTH);
    expect(res.status).toBe(201);
    const subject = res.headers.get('x-subject-token');
    expect(subject).toMatch(/^gAAAAA[\w-]{150,}$/);
    const body = (await res.json()) as TokenBody;
    expect(body.token.methods).toEqual(['password']);
    expect(body.token.user).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
    expect(body.token.user.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.token.project.name).toBe('admin');
    expect(body.token.roles.map((r) => r.name).sort()).toEqual(['admin', 'member', 'reader']);
    expect(body.token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$/);
    const catalog = body.token.catalog!;
    const types = catalog.map((c) => c.type).sort();
    expect(types).toEqual(['block-storage', 'compute', 'identity', 'image', 'network', 'volumev3']);
    const url = (type: string, iface = 'public') => catalog.find((c) => c.type === type)!.endpoints.find((e) => e.interface === iface)!.url;
    expect(url('identity')).toBe(`${sb.url}/identity/v3`);
    expect(url('compute', 'internal')).toBe(`${sb.url}/compute/v2.1`);
    expect(url('volumev3', 'admin')).toBe(`${sb.url}/volume/v3/${body.token.project.id}`);
    expect(url('block-storage')).toBe(`${sb.url}/volume/v3/${body.token.project.id}`);
    expect(url('image')).toBe(`${sb.url}/image`);
    expect(url('network')).toBe(`${sb.url}/network`);
    for (const entry of catalog) {
      expect(entry.endpoints.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
      expect(entry.endpoints.every((e) => e.region === 'RegionOne' && e.region_id === 'RegionOne')).toBe(true);
    }
  });

  it('accepts a user id and a project id', async () => {
    const ks = sb.ctx.state.keystone;
    const res = await post({
      auth: {
        identity: { methods: ['password'], password: { user: { id: ks.users[0]!.id, password: 'sandbox' } } },
        scope: { project: { id: ks.projects[0]!.id } },
      },
    });
    expect(res.status).toBe(201);
  });

  it('rejects a wrong password, an unknown user and an unknown project with the Keystone 401 body', async () => {
    const bad = structuredClone(PASSWORD_AUTH);
    bad.auth.identity.password.user.password = 'wrong';
    const noUser = structuredClone(PASSWORD_AUTH);
    noUser.auth.identity.password.user.name = 'nobody';
    const noProject = structuredClone(PASSWORD_AUTH);
    noProject.auth.scope.project.name = 'nope';
    for (const body of [bad, noUser, noProject]) {
      const res = await post(body);
      expect(res.status).toBe(401);
      expect(res.headers.get('x-subject-token')).toBeNull();
      expect(await res.json()).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    }
  });

  it('rejects a malformed request with 400', async () => {
    const res = await post({ auth: {} });
    expect(res.status).toBe(400);
  });

  it('rescopes with the token method and validates tokens', async () => {
    const first = (await post(PASSWORD_AUTH)).headers.get('x-subject-token')!;
    const res = await post({
      auth: { identity: { methods: ['token'], token: { id: first } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } },
    });
    expect(res.status).toBe(201);
    const second = res.headers.get('x-subject-token')!;
    expect(((await res.json()) as TokenBody).token.methods).toEqual(['token', 'password']);

    const check = await fetch(`${sb.url}/identity/v3/auth/tokens`, { headers: { 'X-Auth-Token': second, 'X-Subject-Token': first } });
    expect(check.status).toBe(200);
    expect(((await check.json()) as TokenBody).token.project.name).toBe('admin');
    const unknown = await fetch(`${sb.url}/identity/v3/auth/tokens`, { headers: { 'X-Auth-Token': second, 'X-Subject-Token': 'gAAAAAnope' } });
    expect(unknown.status).toBe(404);
    const noAuth = await fetch(`${sb.url}/identity/v3/auth/tokens`, { headers: { 'X-Subject-Token': first } });
    expect(noAuth.status).toBe(401);

    const revoke = await fetch(`${sb.url}/identity/v3/auth/tokens`, { method: 'DELETE', headers: { 'X-Auth-Token': second, 'X-Subject-Token': first } });
    expect(revoke.status).toBe(204);
    const useRevoked = await fetch(`${sb.url}/compute/v2.1/servers`, { headers: { 'X-Auth-Token': first } });
    expect(useRevoked.status).toBe(401);
  });

  it('authenticates an application credential, scoped to its project', async () => {
    const res = await post({ auth: { identity: { methods: ['application_credential'], application_credential: { id: 'appcred1', secret: 'shh' } } } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as TokenBody;
    expect(body.token.methods).toEqual(['application_credential']);
    expect(body.token.application_credential?.id).toBe('appcred1');
    expect(body.token.project.name).toBe('admin');
    const wrong = await post({ auth: { identity: { methods: ['application_credential'], application_credential: { id: 'appcred1', secret: 'no' } } } });
    expect(wrong.status).toBe(401);
  });

  it('answers 501 for Keystone APIs the sandbox does not implement', async () => {
    const token = (await post(PASSWORD_AUTH)).headers.get('x-subject-token')!;
    const res = await fetch(`${sb.url}/identity/v3/users`, { headers: { 'X-Auth-Token': token } });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { message: string }).message).toBe('not implemented in the ccsnap sandbox: GET /identity/v3/users');
  });

  it('records keystone requests in the transcript', async () => {
    const since = sb.ctx.transcript.lastSeq();
    await post(PASSWORD_AUTH);
    const entries = sb.ctx.transcript.list(since);
    expect(entries.map((e) => [e.service, e.method, e.path, e.status])).toEqual([['keystone', 'POST', '/identity/v3/auth/tokens', 201]]);
  });
});
