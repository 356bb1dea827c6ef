/**
 * A scripted OpenStack peer for the protocol tests of src/openstack/ (session, servers, volumes), kept beside
 * the sandbox on purpose. These tests need per-request control the sandbox does not model and should not:
 * a given status for the next N requests of one path (503 → retry of idempotent GETs only, never of a POST),
 * a scripted sequence of server statuses for the poller, tokens revoked for good (401 → one re-auth, then an
 * error), the exact request log. The sandbox is a faithful emulator of the services (its faults act on
 * operations, e.g. a hung freeze or a lost snapshot job); this file is a wire-level test double, and the
 * client's behaviour against the real services is checked by the sandbox suites and the realstack suite.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startTestServer, type RecordedRequest, type TestServer } from './test-server.js';

export const PROJECT_ID = 'p0000000000000000000000000000001';
export const PASSWORD = 'pa55-word-XYZ';

export interface FakeServer {
  id: string;
  name: string;
  status: string;
  host?: string;
  /** Statuses returned by successive GETs before settling on `status`. */
  next?: string[];
  fault?: string;
}

export interface FakeState {
  servers: FakeServer[];
  volumes: Array<{ id: string; name: string; bootable?: string }>;
  validTokens: Set<string>;
  issued: number;
  /** Status code forced for the next N requests of a path prefix. */
  failures: Array<{ method: string; prefix: string; status: number; times: number }>;
  /** Reject every service call with 401 (token revoked for good). */
  rejectAll: boolean;
}

export interface FakeOpenStack {
  server: TestServer;
  state: FakeState;
  authUrl: string;
  close(): Promise<void>;
}

function serverBody(s: FakeServer, base: string): Record<string, unknown> {
  const status = s.next && s.next.length > 0 ? s.next.shift()! : s.status;
  return {
    id: s.id,
    name: s.name,
    status,
    tenant_id: PROJECT_ID,
    created: '2026-01-01T00:00:00Z',
    'OS-EXT-SRV-ATTR:host': s.host ?? 'cmp1',
    'OS-EXT-SRV-ATTR:instance_name': `instance-${s.id.slice(0, 8)}`,
    'OS-EXT-STS:task_state': null,
    'os-extended-volumes:volumes_attached': [{ id: `vol-of-${s.id}` }],
    links: [{ rel: 'self', href: `${base}/compute/v2.1/servers/${s.id}` }],
    ...(s.fault ? { fault: { code: 500, message: s.fault } } : {}),
  };
}

function volumeBody(v: FakeState['volumes'][number]): Record<string, unknown> {
  return {
    id: v.id,
    name: v.name,
    status: 'available',
    size: 1,
    volume_type: 'cb-ssd',
    bootable: v.bootable ?? 'false',
    'os-vol-host-attr:host': 'h@b#p',
    attachments: [],
  };
}

/** One page of `items` by limit/marker, with a rel=next link (the caller's `<key>_links`) when more remain. */
function page<T extends { id: string }>(items: T[], url: URL, base: string): { page: T[]; links?: unknown[] } {
  const limit = Number(url.searchParams.get('limit') ?? 1000);
  const marker = url.searchParams.get('marker');
  const start = marker ? items.findIndex((i) => i.id === marker) + 1 : 0;
  const slice = items.slice(start, start + limit);
  if (start + limit >= items.length) return { page: slice };
  const next = new URL(url.pathname, base);
  for (const [k, v] of url.searchParams) if (k !== 'marker') next.searchParams.set(k, v);
  next.searchParams.set('marker', slice.at(-1)!.id);
  return { page: slice, links: [{ rel: 'next', href: next.toString() }] };
}

function catalog(base: string): unknown[] {
  const ep = (url: string): unknown[] => ['public', 'internal'].map((i) => ({ id: i, interface: i, region_id: 'RegionOne', region: 'RegionOne', url }));
  return [
    { type: 'identity', name: 'keystone', endpoints: ep(`${base}/identity/v3`) },
    { type: 'compute', name: 'nova', endpoints: ep(`${base}/compute/v2.1`) },
    { type: 'block-storage', name: 'cinder', endpoints: ep(`${base}/volume/v3/${PROJECT_ID}`) },
  ];
}

function handleIdentity(req: RecordedRequest, res: ServerResponse, state: FakeState, base: string): void {
  const path = req.url.split('?')[0]!.replace(/\/+$/, '');
  const v3 = { id: 'v3.14', status: 'stable', links: [{ rel: 'self', href: `${base}/identity/v3/` }] };
  if (req.method === 'GET' && path === '/identity') return sendJson(res, 300, { versions: { values: [{ id: 'v2.0', status: 'deprecated', links: [] }, v3] } });
  if (req.method === 'GET' && path === '/identity/v3') return sendJson(res, 200, { version: v3 });
  if (req.method === 'POST' && path === '/identity/v3/auth/tokens') {
    const body = JSON.parse(req.body) as { auth: { identity: { password?: { user: { password?: string } } } } };
    if (body.auth.identity.password?.user.password !== PASSWORD) {
      return sendJson(
        res,
        401,
        { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } },
        { 'x-openstack-request-id': 'req-auth' },
      );
    }
    const token = `tok-${++state.issued}-${'x'.repeat(20)}`;
    state.validTokens.add(token);
    return sendJson(
      res,
      201,
      {
        token: {
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          user: { id: 'u1', name: 'admin', domain: { id: 'default' } },
          project: { id: PROJECT_ID, name: 'admin', domain: { id: 'default' } },
          roles: [{ id: 'r', name: 'admin' }],
          catalog: catalog(base),
        },
      },
      { 'x-subject-token': token },
    );
  }
  sendJson(res, 404, { error: { code: 404, message: 'not found' } });
}

function handleCompute(req: RecordedRequest, res: ServerResponse, state: FakeState, base: string, url: URL): void {
  const path = url.pathname.replace(/^\/compute\/v2\.1/, '');
  if (req.method === 'GET' && path === '/servers/detail') {
    const name = url.searchParams.get('name');
    const list = name ? state.servers.filter((s) => new RegExp(name).test(s.name)) : state.servers;
    const { page: items, links } = page(list, url, base);
    return sendJson(res, 200, { servers: items.map((s) => serverBody(s, base)), ...(links ? { servers_links: links } : {}) });
  }
  const m = /^\/servers\/([^/]+)(\/action)?$/.exec(path);
  const server = m ? state.servers.find((s) => s.id === decodeURIComponent(m[1]!)) : undefined;
  if (!m || !server) return sendJson(res, 404, { itemNotFound: { code: 404, message: `Instance ${m?.[1] ?? path} could not be found.` } });
  if (req.method === 'GET' && !m[2]) return sendJson(res, 200, { server: serverBody(server, base) });
  if (req.method === 'POST' && m[2]) {
    const action = JSON.parse(req.body) as Record<string, unknown>;
    if ('os-stop' in action) server.status = 'SHUTOFF';
    if ('os-start' in action) server.status = 'ACTIVE';
    res.writeHead(202);
    return void res.end();
  }
  sendJson(res, 405, { badRequest: { message: 'unsupported' } });
}

function handleVolume(req: RecordedRequest, res: ServerResponse, state: FakeState, base: string, url: URL): void {
  const path = url.pathname.replace(`/volume/v3/${PROJECT_ID}`, '');
  if (path === '/volumes/detail') {
    const { page: items, links } = page(state.volumes, url, base);
    return sendJson(res, 200, { volumes: items.map(volumeBody), ...(links ? { volumes_links: links } : {}) });
  }
  if (path === '/types') {
    return sendJson(res, 200, {
      volume_types: [{ id: 't1', name: 'cb-ssd', is_public: true, description: null, extra_specs: { volume_backend_name: 'cloudbyte' } }],
    });
  }
  sendJson(res, 404, { itemNotFound: { code: 404, message: 'Volume could not be found.' } });
}

/** A tiny Keystone + Nova + Cinder stand-in for component tests (not the project sandbox). */
export async function startFakeOpenStack(
  init: Partial<Pick<FakeState, 'servers' | 'volumes'>> = {},
  tls?: { key: string; cert: string },
): Promise<FakeOpenStack> {
  const state: FakeState = { servers: init.servers ?? [], volumes: init.volumes ?? [], validTokens: new Set(), issued: 0, failures: [], rejectAll: false };
  let base = '';
  const server = await startTestServer((req, res) => {
    const url = new URL(req.url, base);
    const failure = state.failures.find((f) => f.times > 0 && f.method === req.method && url.pathname.startsWith(f.prefix));
    if (failure) {
      failure.times--;
      return sendJson(res, failure.status, { message: `forced ${failure.status}` });
    }
    if (url.pathname.startsWith('/identity')) return handleIdentity(req, res, state, base);
    const token = req.headers['x-auth-token'];
    if (state.rejectAll || typeof token !== 'string' || !state.validTokens.has(token)) {
      return sendJson(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
    }
    if (url.pathname.startsWith('/compute/v2.1')) return handleCompute(req, res, state, base, url);
    if (url.pathname.startsWith('/volume/v3')) return handleVolume(req, res, state, base, url);
    sendJson(res, 404, { message: 'no such service' });
  }, tls);
  base = server.url;
  return { server, state, authUrl: `${base}/identity/v3`, close: () => server.close() };
}
