import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { occurrencePayload, type WebhookPayload } from '../../../src/notify/payload.js';
import { deliverWebhook } from '../../../src/notify/webhook.js';
import type { OccurrenceRun } from '../../../src/policy/run-types.js';
import { manualClock } from '../../helpers/manual-clock.js';
import { generateSelfSignedCert } from '../openstack/helpers/test-server.js';

const SECRET = 'T0KEN-in-the-path';

const OCC: OccurrenceRun = {
  policy: 'hourly',
  occurrence: 'hourly@2026-05-01T10:00:00Z',
  scheduledAt: '2026-05-01T10:00:00.000Z',
  how: 'on-time',
  state: 'done',
  reason: '1 of 2 served, 1 failed',
  instances: [
    {
      instanceId: 'i-1',
      instanceName: 'web-1',
      outcome: 'created',
      setId: 's1',
      consistency: 'filesystem-consistent',
      startAt: '2026-05-01T10:00:00.000Z',
      attempts: 1,
      errorCode: null,
      message: null,
    },
    {
      instanceId: 'i-2',
      instanceName: 'db-1',
      outcome: 'failed',
      setId: null,
      consistency: null,
      startAt: '2026-05-01T10:00:00.000Z',
      attempts: 1,
      errorCode: 'CCSNAP_FREEZE_FAILED',
      message: 'could not freeze db-1',
    },
  ],
};
const PAYLOAD: WebhookPayload = occurrencePayload(OCC, 'failure', [OCC.instances[1]!], {
  host: 'runner-1',
  version: '0.1.0',
  raisedAt: new Date('2026-05-01T10:05:00Z'),
});

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
  path: string;
}

/** A receiver on 127.0.0.1:0 that answers each request with the next status of `statuses` (the last one repeats; 'hang' never answers). */
async function receiver(statuses: Array<number | 'hang'>): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(text) as unknown, path: req.url ?? '' });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)]!;
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${SECRET}`, got, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('webhook delivery', () => {
  it('POSTs the JSON once when the receiver takes it, with the event id as Idempotency-Key', async () => {
    const r = await receiver([204]);
    const result = await deliverWebhook(r.url, PAYLOAD, { clock: manualClock('2026-05-01T10:05:00Z') });
    expect(result).toEqual({ delivered: true, attempts: 1, status: 204, error: null });
    expect(r.got).toHaveLength(1);
    expect(r.got[0]!.body).toEqual(PAYLOAD);
    expect(r.got[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': PAYLOAD.event_id, 'x-ccsnap-event': 'failure' });
    expect(r.got[0]!.headers['user-agent']).toMatch(/^ccsnap\/\d+\.\d+\.\d+/);
  });

  it('retries 5xx and 429 with exponential back-off (the same body and event id each time) until delivered', async () => {
    const r = await receiver([503, 429, 500, 200]);
    const clock = manualClock('2026-05-01T10:05:00Z');
    const result = await deliverWebhook(r.url, PAYLOAD, { clock });
    expect(result).toMatchObject({ delivered: true, attempts: 4, status: 200 });
    const waits = clock.sleeps.map((d, i) => d.getTime() - (i === 0 ? Date.parse('2026-05-01T10:05:00Z') : clock.sleeps[i - 1]!.getTime()));
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(new Set(r.got.map((g) => g.headers['idempotency-key']))).toEqual(new Set([PAYLOAD.event_id]));
    expect(r.got.every((g) => JSON.stringify(g.body) === JSON.stringify(PAYLOAD))).toBe(true);
  });

  it("does not retry an answer that will not change (4xx), and says so without the URL's path", async () => {
    const r = await receiver([404]);
    const result = await deliverWebhook(r.url, PAYLOAD, { clock: manualClock('2026-05-01T10:05:00Z') });
    expect(result.delivered).toBe(false);
    expect(r.got).toHaveLength(1);
    expect(result.error).toEqual({ code: 'CCSNAP_NOTIFY_FAILED', message: `notify.webhook http://${new URL(r.url).host}/…: HTTP 404 (not retried)` });
  });

  it('gives up after its bounded time when nobody answers; the messages never hold the token', async () => {
    const r = await receiver([200]);
    const url = r.url;
    r.server.closeAllConnections();
    await new Promise((done) => r.server.close(done));
    servers.splice(servers.indexOf(r.server), 1);
    const clock = manualClock('2026-05-01T10:05:00Z');
    const result = await deliverWebhook(url, PAYLOAD, { clock, totalMs: 10_000 });
    // Attempts at +0, +1 s, +3 s, +7 s; the next would be at +15 s, past the 10 s bound.
    expect(result).toMatchObject({ delivered: false, attempts: 4, status: null });
    expect(result.error!.message).toMatch(/ECONNREFUSED.*gave up after 4 attempt\(s\)/);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('bounds each attempt: a receiver that never answers is an attempt that failed', async () => {
    const r = await receiver(['hang', 200]);
    const result = await deliverWebhook(r.url, PAYLOAD, { clock: manualClock('2026-05-01T10:05:00Z'), attemptTimeoutMs: 300 });
    expect(result).toMatchObject({ delivered: true, attempts: 2, status: 200 });
  });

  it('stops when the run is interrupted', async () => {
    const r = await receiver([503]);
    const controller = new AbortController();
    const clock = manualClock('2026-05-01T10:05:00Z');
    clock.onSleep = () => controller.abort();
    const result = await deliverWebhook(r.url, PAYLOAD, { clock, signal: controller.signal });
    expect(result).toMatchObject({ delivered: false, attempts: 1 });
    expect(result.error!.message).toMatch(/interrupted/);
  });

  it('verifies TLS: a receiver with a self-signed certificate gets nothing', async () => {
    const tls = await generateSelfSignedCert();
    let hits = 0;
    const server = createTlsServer({ key: tls.key, cert: tls.cert }, (_req, res) => {
      hits++;
      res.writeHead(200).end();
    });
    try {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${SECRET}`;
      const result = await deliverWebhook(url, PAYLOAD, { clock: manualClock('2026-05-01T10:05:00Z'), totalMs: 0 });
      expect(result.delivered).toBe(false);
      expect(result.error!.message).toMatch(/self-signed certificate|SELF_SIGNED/i);
      expect(hits).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      tls.dispose();
    }
  });
});

describe('the payload', () => {
  it("carries the policy, the occurrence, every instance's outcome, the error codes and the version; its id is stable", () => {
    expect(PAYLOAD).toMatchObject({
      event: 'failure',
      policy: 'hourly',
      occurrence: 'hourly@2026-05-01T10:00:00Z',
      state: 'done',
      affected: ['i-2'],
      error_codes: ['CCSNAP_FREEZE_FAILED'],
      host: 'runner-1',
      ccsnap_version: '0.1.0',
      raised_at: '2026-05-01T10:05:00.000Z',
    });
    expect(PAYLOAD.instances.map((i) => [i.instance_name, i.outcome, i.error_code])).toEqual([
      ['web-1', 'created', null],
      ['db-1', 'failed', 'CCSNAP_FREEZE_FAILED'],
    ]);
    const again = occurrencePayload(OCC, 'failure', [OCC.instances[1]!], { host: 'runner-2', version: '0.1.0', raisedAt: new Date() });
    expect(again.event_id).toBe(PAYLOAD.event_id);
    expect(occurrencePayload(OCC, 'recovery', [], { host: 'runner-1', version: '0.1.0', raisedAt: new Date() }).event_id).not.toBe(PAYLOAD.event_id);
  });
});
