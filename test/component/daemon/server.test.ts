import { request as httpRequest } from 'node:http';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import { startDaemonServer, type DaemonServer, type DaemonServerOptions } from '../../../src/daemon/server.js';
import type { DaemonView } from '../../../src/daemon/view.js';
import { CcsnapError } from '../../../src/errors.js';
import { fakeView } from '../../unit/daemon/fake-view.js';

const dir = mkdtempSync(join(tmpdir(), 'ccsnap-daemon-server-'));
const TOKEN = 'tok-0123456789abcdef-xyz';
const servers: DaemonServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(over: Partial<DaemonServerOptions> & { view?: DaemonView } = {}): Promise<DaemonServer> {
  const view = over.view ?? fakeView();
  const server = await startDaemonServer({
    view,
    metrics: createDaemonMetrics({ view, version: '0.1.0', processMetrics: false }),
    version: '0.1.0',
    listen: '127.0.0.1:0',
    ...over,
  });
  servers.push(server);
  return server;
}

function tokenFile(mode = 0o600): string {
  const path = join(dir, `token-${mode.toString(8)}`);
  writeFileSync(path, `${TOKEN}\n`);
  chmodSync(path, mode);
  return path;
}

/** The JSON of an answer (shapes are checked by the assertions). */
const body = (res: Response): Promise<any> => res.json();

/** A raw request (fetch cannot set Host), to 127.0.0.1 only. */
function raw(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the daemon HTTP server on loopback', () => {
  it('serves /healthz, /metrics, the JSON API and the status page', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await body(health)).toMatchObject({ ok: true, version: '0.1.0', uptimeSeconds: expect.any(Number) });
    const metrics = await fetch(`${s.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await metrics.text()).toContain('ccsnap_instance_late{policy="hourly-web",instance_id="i3"');
    const policies = await body(await fetch(`${s.url}/api/v1/policies`));
    expect(policies.policies.map((p: { name: string }) => p.name)).toEqual(['hourly-web']);
    const page = await fetch(`${s.url}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('⚠ LATE');
    expect(html).not.toContain('<script');
  });

  it('filters /api/v1/sets and refuses bad queries with 400 and a code', async () => {
    const sets = ['a', 'b', 'c'].map((id) => ({
      setId: id,
      instanceId: 'i1',
      instanceName: 'web-1',
      label: null,
      createdAt: '2026-11-27T10:00:00.000Z',
      state: 'complete',
      consistency: null,
      frozenMs: 1,
      thawedBy: null,
      policy: null,
      members: 1,
      reason: null,
    }));
    let seen: unknown;
    const base = fakeView({ sets });
    const s = await start({ view: { ...base, sets: (q, c) => ((seen = q), base.sets(q, c)) } });
    const ok = await body(await fetch(`${s.url}/api/v1/sets?instance=web-1&policy=hourly&limit=2`));
    expect(ok.sets.map((x: { setId: string }) => x.setId)).toEqual(['a', 'b']);
    expect(seen).toEqual({ instance: 'web-1', policy: 'hourly', limit: 2 });
    await fetch(`${s.url}/api/v1/sets`);
    expect(seen).toEqual({ limit: 100 });
    for (const q of ['limit=0', 'limit=1001', 'limit=2.5', 'limit=x', 'instance=', 'bogus=1', 'limit=1&limit=2']) {
      const res = await fetch(`${s.url}/api/v1/sets?${q}`);
      expect(res.status, q).toBe(400);
      expect((await body(res)).error.code, q).toBe('CCSNAP_USAGE');
    }
  });

  it('triggers a policy run (202 with its id), 404 for an unknown one, 409 when it cannot run, 405 for GET', async () => {
    const s = await start({
      view: fakeView({
        trigger: async (name) => {
          if (name === 'busy') throw new CcsnapError('CCSNAP_LOCKED', 'a run of busy is in progress');
          return name === 'hourly-web' ? { runId: 'run-42', policy: name } : undefined;
        },
      }),
    });
    const run = await fetch(`${s.url}/api/v1/policies/hourly-web/run`, { method: 'POST' });
    expect(run.status).toBe(202);
    expect(await body(run)).toEqual({ accepted: true, runId: 'run-42', policy: 'hourly-web' });
    const unknown = await fetch(`${s.url}/api/v1/policies/nope/run`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await body(unknown)).error.code).toBe('CCSNAP_DAEMON_NOT_FOUND');
    const busy = await fetch(`${s.url}/api/v1/policies/busy/run`, { method: 'POST' });
    expect(busy.status).toBe(409);
    expect((await body(busy)).error.code).toBe('CCSNAP_LOCKED');
    const get = await fetch(`${s.url}/api/v1/policies/hourly-web/run`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${s.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${s.url}/metrics`, { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 500 with a code when the view fails, and keeps serving', async () => {
    const s = await start({ view: fakeView({ fail: true }) });
    const res = await fetch(`${s.url}/api/v1/policies`);
    expect(res.status).toBe(500);
    expect((await body(res)).error.code).toBe('CCSNAP_INTERNAL');
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('ccsnap_view_up 0');
  });

  it('refuses a Host that is not loopback (DNS rebinding) and a cross-origin trigger', async () => {
    const s = await start();
    expect((await raw(s.port, '/api/v1/policies', { headers: { host: 'evil.example:9464' } })).status).toBe(403);
    expect((await raw(s.port, '/api/v1/policies', { headers: { host: `localhost:${s.port}` } })).status).toBe(200);
    const cross = await raw(s.port, '/api/v1/policies/hourly-web/run', {
      method: 'POST',
      headers: { host: `127.0.0.1:${s.port}`, origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.body).error.code).toBe('CCSNAP_DAEMON_UNAUTHORIZED');
    const same = await raw(s.port, '/api/v1/policies/hourly-web/run', {
      method: 'POST',
      headers: { host: `127.0.0.1:${s.port}`, origin: `http://127.0.0.1:${s.port}` },
    });
    expect(same.status).toBe(202);
  });
});

describe('the daemon HTTP server elsewhere than loopback', () => {
  it('is refused without a token file (usage error), and with a token file others can read', async () => {
    await expect(start({ listen: '0.0.0.0:0' })).rejects.toMatchObject({ code: 'CCSNAP_DAEMON_TOKEN_REQUIRED', exitCode: 2 });
    await expect(start({ listen: '0.0.0.0:0', tokenFile: tokenFile(0o644) })).rejects.toMatchObject({ code: 'CCSNAP_DAEMON_TOKEN_FILE' });
  });

  it('needs the bearer token on every route but /healthz', async () => {
    const s = await start({ listen: '0.0.0.0:0', tokenFile: tokenFile(0o600) });
    const base = `http://127.0.0.1:${s.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const path of ['/', '/metrics', '/api/v1/policies', '/api/v1/sets']) {
      const denied = await fetch(`${base}${path}`);
      expect(denied.status, path).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="ccsnap"');
      expect((await body(denied)).error.code).toBe('CCSNAP_DAEMON_UNAUTHORIZED');
      expect((await fetch(`${base}${path}`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, path).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, path).toBe(200);
    }
    const run = await fetch(`${base}/api/v1/policies/hourly-web/run`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(run.status).toBe(202);
  });
});

describe('listening and closing', () => {
  it('says CCSNAP_DAEMON_BIND when the port is taken', async () => {
    const s = await start();
    await expect(start({ listen: `127.0.0.1:${s.port}` })).rejects.toMatchObject({ code: 'CCSNAP_DAEMON_BIND' });
  });

  it('closes gracefully: a request in flight finishes, new connections are refused', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inView = new Promise<void>((r) => (entered = r));
    const gate = new Promise<void>((r) => (release = r));
    const base = fakeView();
    const s = await start({
      view: {
        ...base,
        policies: async (c) => {
          entered();
          await gate;
          return base.policies(c);
        },
      },
    });
    const pending = fetch(`${s.url}/api/v1/policies`);
    await inView;
    const closed = s.close();
    let closedYet = false;
    void closed.then(() => (closedYet = true));
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    expect(closedYet).toBe(false);
    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect((await body(res)).policies).toHaveLength(1);
    await closed;
    expect(closedYet).toBe(true);
  });
});

describe('startDaemonHttp', () => {
  it('installs its registry as the metrics port while it runs, and not at all when it cannot start', async () => {
    const { startDaemonHttp } = await import('../../../src/daemon/start.js');
    const { reportCreateResult } = await import('../../../src/metrics/port.js');
    await expect(startDaemonHttp({ view: fakeView(), version: '1', listen: '0.0.0.0:0', processMetrics: false })).rejects.toMatchObject({
      code: 'CCSNAP_DAEMON_TOKEN_REQUIRED',
    });
    const http = await startDaemonHttp({ view: fakeView(), version: '1', listen: '127.0.0.1:0', processMetrics: false });
    reportCreateResult({ state: 'complete', consistency: 'offline', frozenMs: null, thawedBy: null });
    const text = await (await fetch(`${http.server.url}/metrics`)).text();
    expect(text).toContain('ccsnap_sets_total{result="complete",consistency="offline"} 1');
    await http.close();
    reportCreateResult({ state: 'complete', consistency: 'offline', frozenMs: null, thawedBy: null });
    expect(await http.metrics.registry.getSingleMetricAsString('ccsnap_sets_total')).toContain('consistency="offline"} 1');
  });
});

describe('a view that never answers', () => {
  it('costs a request its deadline (503 with CCSNAP_ABORTED), and later scrapes still answer with view_up 0', async () => {
    const base = fakeView();
    const never = new Promise<never>(() => {});
    const view: DaemonView = { ...base, policies: () => never };
    const s = await start({ view, metrics: createDaemonMetrics({ view, version: '1', processMetrics: false, viewBudgetMs: 100 }), requestTimeoutMs: 2_000 });
    const res = await fetch(`${s.url}/api/v1/policies`);
    expect(res.status).toBe(503);
    expect((await body(res)).error.code).toBe('CCSNAP_ABORTED');
    for (let i = 0; i < 2; i++) {
      const scrape = await fetch(`${s.url}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('ccsnap_view_up 0');
    }
  });
});
