import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../../src/notify/payload.js';
import { createSnapshots } from '../../../src/ops/create.js';
import { nothingHappened, runDue } from '../../../src/ops/policy-run/index.js';
import { planRetention } from '../../../src/policy/retention.js';
import type { RunReport } from '../../../src/policy/run-types.js';
import type { Runtime } from '../../../src/runtime.js';
import { SANDBOX_API_KEY } from '../../../src/sandbox/index.js';
import { addScaledServers } from '../../../src/sandbox/scale.js';
import { manualClock, type ManualClock } from '../../helpers/manual-clock.js';
import { withPolicies } from '../../helpers/policy-runtime.js';
import { startSandboxRuntime, type SandboxRuntime } from '../../helpers/sandbox-runtime.js';

/**
 * A week of run-due on the sandbox with an injected clock: an hourly and a daily policy (Europe/Berlin,
 * across the spring-forward night of 2026-03-29) over 20 instances, the clock stepped hour by hour.
 * Along the way: manual sets and foreign snapshots, an instance held busy for a whole occurrence and one
 * released after two retries, an array failure for one instance (notified, then its recovery), and three
 * hours of downtime. At the end: every occurrence handled exactly once, retention as the planner and a
 * hand count say, nothing else touched, no guest frozen. The sandbox answers without latency; simulated
 * time moves only when the runner waits (see ManualClock), so the week takes seconds of waiting.
 */
const TOKEN = 'sim-secret-token';
const START = '2026-03-23T00:00:00Z';
const HOURS = 168;
const DOWN = new Set(['2026-03-27T03:00:00.000Z', '2026-03-27T04:00:00.000Z', '2026-03-27T05:00:00.000Z']);
const BUSY_ALL = '2026-03-24T10:00:00.000Z';
const BUSY_TWO = '2026-03-25T10:00:00.000Z';
const FAIL_AT = '2026-03-26T10:00:00.000Z';
const TEST_OP = 'held-by-the-simulation';

/** The daily policy's occurrences: 03:00 in Berlin (02:00Z in CET; 01:00Z from 2026-03-29, CEST). */
const DAILY_AT = [
  '2026-03-23T02:00:00Z',
  '2026-03-24T02:00:00Z',
  '2026-03-25T02:00:00Z',
  '2026-03-26T02:00:00Z',
  '2026-03-27T02:00:00Z',
  '2026-03-28T02:00:00Z',
  '2026-03-29T01:00:00Z',
];

describe('a simulated week of run-due (hourly + daily policies, 20 instances)', () => {
  let sb: SandboxRuntime;
  let rt: Runtime;
  let clock: ManualClock;
  let hook: Server;
  const received: WebhookPayload[] = [];
  const reports: Array<{ at: string; report: RunReport }> = [];
  const manual: string[] = [];
  const foreign: string[] = [];
  const names = Array.from({ length: 20 }, (_, i) => `vm-${String(i + 1).padStart(5, '0')}`);
  const server = (name: string) => sb.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!;
  const fsOf = (name: string) => {
    const volume = sb.sandbox.ctx.state.cinder.volumes.find((v) => v.attachments.some((a) => a.serverId === server(name).id))!;
    return sb.sandbox.ctx.state.array.filesystems.find((f) => f.name === volume.id.replace(/-/g, ''))!;
  };
  let retryLines = 0;
  /**
   * The journal of the week lives in memory-backed storage when the machine has it (/dev/shm): the
   * journal commits with fsync, and some 6000 creates and deletes spend twice as long in fsync on a disk
   * (measured: 54 s on tmpfs, 110 s on disk, 2 cores, load 4). What is simulated here is the runner's decisions, not the journal's durability (the journal
   * and kill -9 tests cover that).
   */
  const journalDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/ccsnap-week-') : undefined;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as WebhookPayload);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const webhook = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/${TOKEN}`;
    sb = await startSandboxRuntime({ prepare: (s) => void addScaledServers(s, { instances: 20, volumesPerInstance: 2, snapshotsPerVolume: 0, hosts: 4 }) });
    const ids = names.map((n) => server(n).id);
    // Simulated time stands still while a ccsnap operation holds an instance (the test's own holds excepted).
    clock = manualClock(START, {
      gate: async () => {
        const locks = await rt.journal().listLocks();
        return locks.every((l) => !ids.includes(l.instanceId) || l.opId === TEST_OP);
      },
    });
    rt = withPolicies(
      sb,
      [
        {
          name: 'hourly',
          instances: { names: ['vm-*'] },
          schedule: '0 * * * *',
          timezone: 'Europe/Berlin',
          spread: '10m',
          retention: { keep_last: 3, hourly: 24, daily: 7 },
          create: { concurrency: 8, per_host: 2 },
          notify: { webhook, on: ['failure', 'recovery', 'missed'] },
        },
        { name: 'daily', instances: { names: ['vm-*'] }, schedule: '0 3 * * *', timezone: 'Europe/Berlin', spread: '30m', retention: { keep_last: 3 } },
      ],
      clock.now(),
      journalDir ? { journalPath: join(journalDir, 'journal.db') } : {},
    ).rt;
  }, 120_000);

  afterAll(async () => {
    await rt?.close();
    await sb?.close();
    hook?.closeAllConnections();
    await new Promise((r) => hook?.close(r));
    if (journalDir) rmSync(journalDir, { recursive: true, force: true });
  });

  async function step(at: string): Promise<RunReport> {
    clock.set(at);
    const report = await runDue(rt, {
      clock,
      log: {
        info: (m) => {
          if (/is busy .* trying again/.test(m)) retryLines++;
        },
        warn: () => undefined,
      },
    });
    reports.push({ at, report });
    return report;
  }

  async function makeForeign(name: string, snapshot: string): Promise<void> {
    const query = new URLSearchParams({ command: 'createStorageSnapshot', id: fsOf(name).id, name: snapshot, apiKey: SANDBOX_API_KEY, response: 'json' });
    const res = await fetch(`${sb.sandbox.url}/client/api?${query.toString()}`);
    expect(res.status).toBe(200);
    foreign.push(snapshot);
  }

  it('runs the week hour by hour', async () => {
    for (const n of ['vm-00001', 'vm-00002']) {
      const [o] = await createSnapshots(rt, { instances: [n], label: 'before-the-week', now: () => clock.now() });
      manual.push(o!.kind === 'result' ? o!.result.setId : '');
    }
    await makeForeign('vm-00001', 'other-tool-nightly');
    for (let h = 0; h < HOURS; h++) {
      const at = new Date(Date.parse(START) + h * 3_600_000).toISOString();
      if (DOWN.has(at)) continue;
      if (at === '2026-03-26T12:00:00.000Z') {
        const [o] = await createSnapshots(rt, { instances: ['vm-00003'], label: 'mid-week', now: () => clock.now() });
        manual.push(o!.kind === 'result' ? o!.result.setId : '');
        await makeForeign('vm-00004', 'other-tool-adhoc');
      }
      if (at === BUSY_ALL) await rt.journal().acquireLock(server('vm-00005').id, TEST_OP);
      if (at === BUSY_TWO) {
        await rt.journal().acquireLock(server('vm-00006').id, TEST_OP);
        retryLines = 0;
        clock.onSleep = async () => {
          // Released while the runner waits for its third attempt.
          if (retryLines >= 2 && (await rt.journal().readLock(server('vm-00006').id))?.opId === TEST_OP)
            await rt.journal().releaseLock(server('vm-00006').id, TEST_OP);
        };
      }
      const fault =
        at === FAIL_AT
          ? sb.sandbox.ctx.faults.add({
              service: 'array',
              key: 'createStorageSnapshot',
              target: fsOf('vm-00007').id,
              errorCode: 530,
              errorText: 'simulated array failure',
              times: 1,
            })
          : undefined;
      try {
        await step(at);
      } finally {
        if (at === BUSY_ALL) await rt.journal().releaseLock(server('vm-00005').id, TEST_OP);
        if (at === BUSY_TWO) clock.onSleep = undefined;
        if (fault !== undefined) sb.sandbox.ctx.faults.remove(fault);
      }
    }
    expect(reports).toHaveLength(HOURS - DOWN.size);
  }, 900_000);

  it('served every hourly occurrence exactly once (the three of the downtime recorded missed), one set per instance', async () => {
    const records = await rt.journal().listOccurrences({ policy: 'hourly' });
    expect(records).toHaveLength(HOURS);
    const missed = records.filter((r) => r.state === 'missed');
    expect(missed.map((r) => r.scheduledAt).sort()).toEqual([...DOWN].sort());
    expect(missed.every((r) => /its window passed while no ccsnap ran/.test(r.reason ?? ''))).toBe(true);
    expect(records.filter((r) => r.state !== 'missed').every((r) => r.state === 'done')).toBe(true);
    for (const r of records.filter((x) => x.state === 'done')) {
      const sets = await rt.journal().listSets({ policy: 'hourly', occurrence: r.occurrence });
      const good = sets.filter((s) => s.state === 'complete' || s.state === 'deleted');
      const expected = names.filter((n) => !(r.scheduledAt === BUSY_ALL && n === 'vm-00005') && !(r.scheduledAt === FAIL_AT && n === 'vm-00007'));
      expect(good.map((s) => s.instanceName).sort(), r.occurrence).toEqual(expected);
      expect(
        sets.filter((s) => s.state === 'failed').map((s) => s.instanceName),
        r.occurrence,
      ).toEqual(r.scheduledAt === FAIL_AT ? ['vm-00007'] : []);
    }
  });

  it('served the daily policy once a day at 03:00 Berlin, across the change to summer time', async () => {
    const records = await rt.journal().listOccurrences({ policy: 'daily' });
    expect(records.map((r) => r.occurrence).reverse()).toEqual(DAILY_AT.map((at) => `daily@${at}`));
    expect(records.every((r) => r.state === 'done')).toBe(true);
    for (const r of records) {
      const good = (await rt.journal().listSets({ policy: 'daily', occurrence: r.occurrence })).filter((s) => s.state === 'complete' || s.state === 'deleted');
      expect(good.map((s) => s.instanceName).sort(), r.occurrence).toEqual(names);
    }
  });

  it('retried the busy instances: one served after two retries, one recorded missed with the reason (and notified)', () => {
    const hourly = (at: string) => reports.find((r) => r.at === at)!.report.policies.find((p) => p.policy === 'hourly')!.occurrences[0]!;
    expect(hourly(BUSY_TWO).instances.find((i) => i.instanceName === 'vm-00006')).toMatchObject({ outcome: 'created', attempts: 3 });
    const missed = hourly(BUSY_ALL).instances.find((i) => i.instanceName === 'vm-00005')!;
    expect(missed).toMatchObject({ outcome: 'missed', errorCode: 'CCSNAP_LOCKED' });
    expect(missed.message).toMatch(/^busy until its window closed at 2026-03-24T10:25:00.000Z/);
    expect(hourly(BUSY_ALL).reason).toBe('19 of 20 served, 1 missed');
    const notified = received.filter((p) => p.event === 'missed' && p.occurrence === `hourly@${BUSY_ALL.replace('.000', '')}`);
    expect(notified).toHaveLength(1);
    expect(notified[0]!.affected).toEqual([server('vm-00005').id]);
  });

  it('notified the failure and then the recovery to the local receiver, with the right payload and no secret', () => {
    const failure = received.filter((p) => p.event === 'failure');
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatchObject({
      policy: 'hourly',
      occurrence: 'hourly@2026-03-26T10:00:00Z',
      state: 'done',
      affected: [server('vm-00007').id],
      reason: '19 of 20 served, 1 failed',
    });
    expect(failure[0]!.instances).toHaveLength(20);
    const failed = failure[0]!.instances.find((i) => i.instance_name === 'vm-00007')!;
    expect(failed).toMatchObject({ outcome: 'failed', set_id: expect.any(String) });
    expect(failed.message).toMatch(/simulated array failure/);
    expect(failure[0]!.error_codes).toEqual([failed.error_code]);
    expect(failure[0]!.ccsnap_version).toMatch(/^\d+\.\d+\.\d+/);
    const recovery = received.filter((p) => p.event === 'recovery');
    expect(recovery).toHaveLength(1);
    expect(recovery[0]).toMatchObject({ occurrence: 'hourly@2026-03-26T11:00:00Z', affected: [server('vm-00007').id], error_codes: [] });
    const downtime = received.filter((p) => p.event === 'missed' && p.occurrence === null);
    expect(downtime).toHaveLength(1);
    expect(downtime[0]!.missed_occurrences.map((m) => m.scheduled_at)).toEqual([...DOWN]);
    expect(received.filter((p) => p.event === 'success')).toEqual([]);
    expect(received).toHaveLength(4);
    const text = JSON.stringify(received);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SANDBOX_API_KEY);
    expect(text).not.toContain('/client/api');
  });

  it('kept what the retention planner keeps: 29 hourly sets per instance (24 hours + 5 older days), 3 daily ones', async () => {
    const now = clock.now();
    for (const [policy, rules, perInstance] of [
      ['hourly', { keepLast: 3, hourly: 24, daily: 7, weekly: 0, monthly: 0, yearly: 0 }, 29],
      ['daily', { keepLast: 3, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }, 3],
    ] as const) {
      const made = (await rt.journal().listSets({ policy })).filter((s) => s.state === 'complete' || s.state === 'deleted');
      // Every set the policy ever made, as if all were still there: what the planner keeps of them now.
      const expected = planRetention({
        policy,
        rules,
        timezone: 'Europe/Berlin',
        now,
        sets: made.map((s) => ({ id: s.id, instanceId: s.instanceId, policy, createdAt: s.createdAt, state: 'complete' as const, hasClones: false })),
      })
        .filter((d) => d.action === 'keep')
        .map((d) => d.setId)
        .sort();
      const kept = made
        .filter((s) => s.state === 'complete')
        .map((s) => s.id)
        .sort();
      expect(kept, policy).toEqual(expected);
      expect(kept.length, policy).toBe(perInstance * 20);
      // The array agrees: every member of a kept set is there, none of a pruned one.
      const onArray = new Set(sb.sandbox.ctx.state.array.snapshots.map((s) => s.name));
      for (const s of made) for (const m of s.members) expect(onArray.has(m.snapshotName), `${s.id} ${s.state}`).toBe(s.state === 'complete');
    }
  });

  it('left manual sets and foreign snapshots alone, and no guest frozen', async () => {
    for (const id of manual) expect(await rt.journal().getSet(id)).toMatchObject({ state: 'complete', policy: null });
    const onArray = new Set(sb.sandbox.ctx.state.array.snapshots.map((s) => s.name));
    for (const id of manual) for (const m of (await rt.journal().getSet(id))!.members) expect(onArray.has(m.snapshotName)).toBe(true);
    for (const f of foreign) expect(onArray.has(f)).toBe(true);
    expect(sb.sandbox.ctx.state.hypervisor.domains.filter((d) => d.frozen)).toEqual([]);
    expect(await rt.journal().listUnfinishedOperations()).toEqual([]);
  });

  it('a second run-due at the same hour does nothing', async () => {
    const mark = sb.sandbox.ctx.transcript.lastSeq();
    const again = await runDue(rt, { clock });
    expect(nothingHappened(again)).toBe(true);
    expect(sb.sandbox.ctx.transcript.list(mark).filter((e) => e.command !== undefined)).toEqual([]);
  });
});
