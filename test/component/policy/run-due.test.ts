import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nothingHappened, runDue, runPolicy, startPolicyRun } from '../../../src/ops/policy-run/index.js';
import { createSnapshots } from '../../../src/ops/create.js';
import { spreadStart } from '../../../src/policy/spread.js';
import type { Runtime } from '../../../src/runtime.js';
import { manualClock, type ManualClock } from '../../helpers/manual-clock.js';
import { withPolicies } from '../../helpers/policy-runtime.js';
import { startSandboxRuntime, type SandboxRuntime } from '../../helpers/sandbox-runtime.js';

const NAMES = ['web-1', 'app-1', 'db-1'];
const HOURLY = { name: 'hourly', instances: { names: NAMES }, schedule: '0 * * * *', retention: { keep_last: 2 }, spread: '10m' };
const SPREAD_MS = 10 * 60_000;

describe('run-due on the sandbox (library, injected clock)', () => {
  let sb: SandboxRuntime;
  let rt: Runtime;
  let clock: ManualClock;
  const id = (name: string) => sb.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!.id;
  const journal = () => rt.journal();
  const creates = (since = 0) => sb.sandbox.ctx.transcript.list(since).filter((e) => e.command === 'createStorageSnapshot');
  const setsOf = async (occurrence: string) => await journal().listSets({ policy: 'hourly', occurrence });

  async function open(policies: unknown[], start: string): Promise<void> {
    clock = manualClock(start);
    rt = withPolicies(sb, policies, clock.now()).rt;
  }

  beforeEach(async () => {
    sb = await startSandboxRuntime();
  });
  afterEach(async () => {
    await rt?.close();
    await sb?.close();
  });

  it('serves the due occurrence once: one set per instance, recording the policy and the occurrence, at its spread offset; a second run does nothing', async () => {
    await open([HOURLY], '2026-03-23T05:00:00Z');
    const first = await runDue(rt, { clock });
    const occ = first.policies[0]!.occurrences;
    expect(occ.map((o) => [o.occurrence, o.how, o.state, o.reason])).toEqual([['hourly@2026-03-23T05:00:00Z', 'on-time', 'done', null]]);
    expect(occ[0]!.instances.map((i) => [i.instanceName, i.outcome, i.attempts])).toEqual(expect.arrayContaining(NAMES.map((n) => [n, 'created', 1])));
    for (const i of occ[0]!.instances) {
      expect(i.startAt).toBe(spreadStart(new Date('2026-03-23T05:00:00Z'), 'hourly', i.instanceId, SPREAD_MS).toISOString());
    }
    const sets = await setsOf('hourly@2026-03-23T05:00:00Z');
    expect(sets.map((s) => s.instanceName).sort()).toEqual([...NAMES].sort());
    for (const s of sets) {
      expect(s).toMatchObject({ state: 'complete', policy: 'hourly', label: 'hourly' });
      expect(Date.parse(s.createdAt)).toBeGreaterThanOrEqual(Date.parse('2026-03-23T05:00:00Z'));
      expect(Date.parse(s.createdAt)).toBeLessThan(Date.parse('2026-03-23T05:00:00Z') + SPREAD_MS);
    }
    expect(await journal().getOccurrence('hourly', 'hourly@2026-03-23T05:00:00Z')).toMatchObject({
      state: 'done',
      pid: process.pid,
      result: { instances: expect.any(Array) },
    });

    const mark = sb.sandbox.ctx.transcript.lastSeq();
    const second = await runDue(rt, { clock });
    expect(nothingHappened(second)).toBe(true);
    expect(second.policies[0]).toMatchObject({ occurrences: [], missed: [], retention: null, next: '2026-03-23T06:00:00.000Z' });
    expect(sb.sandbox.ctx.transcript.list(mark).filter((e) => e.command !== undefined)).toEqual([]);
    expect(await setsOf('hourly@2026-03-23T05:00:00Z')).toHaveLength(3);
  });

  it("a dry run records, creates and deletes nothing; it shows the occurrence, each instance's start and what retention decides", async () => {
    await open([HOURLY], '2026-03-23T05:00:00Z');
    await runDue(rt, { clock });
    clock.set('2026-03-23T06:00:00Z');
    const mark = sb.sandbox.ctx.transcript.lastSeq();
    const dry = await runDue(rt, { clock, dryRun: true });
    const p = dry.policies[0]!;
    expect(p.occurrences.map((o) => [o.occurrence, o.state])).toEqual([['hourly@2026-03-23T06:00:00Z', 'planned']]);
    expect(p.occurrences[0]!.instances.every((i) => i.outcome === 'planned' && i.startAt >= '2026-03-23T06:00:00.000Z')).toBe(true);
    expect(p.retention!.decisions.map((d) => [d.instanceName, d.action, d.outcome])).toEqual(expect.arrayContaining(NAMES.map((n) => [n, 'keep', 'kept'])));
    expect(await journal().getOccurrence('hourly', 'hourly@2026-03-23T06:00:00Z')).toBeUndefined();
    expect(creates(mark)).toEqual([]);
    expect(clock.sleeps.filter((d) => d >= new Date('2026-03-23T06:00:00Z'))).toEqual([]);
  });

  it('after downtime: the older occurrences are recorded missed with the reason; run-once runs the latest late, skip records it missed', async () => {
    await open([HOURLY, { ...HOURLY, name: 'skipper', instances: { names: ['stopped-1'] }, missed: 'skip' }], '2026-03-23T05:00:00Z');
    await runDue(rt, { clock });
    clock.set('2026-03-23T09:40:00Z');
    const r = await runDue(rt, { clock });
    const [once, skip] = r.policies;
    expect(once!.missed.map((m) => m.occurrence)).toEqual(['hourly@2026-03-23T06:00:00Z', 'hourly@2026-03-23T07:00:00Z', 'hourly@2026-03-23T08:00:00Z']);
    expect(once!.missed[0]!.reason).toMatch(/its window passed while no ccsnap ran; missed: run-once runs only the latest/);
    expect(once!.occurrences.map((o) => [o.occurrence, o.how, o.state])).toEqual([['hourly@2026-03-23T09:00:00Z', 'late', 'done']]);
    // Late: spread from when it runs.
    expect(once!.occurrences[0]!.instances.every((i) => i.startAt >= '2026-03-23T09:40:00.000Z')).toBe(true);
    expect(skip!.missed.map((m) => m.occurrence)).toEqual([
      'skipper@2026-03-23T06:00:00Z',
      'skipper@2026-03-23T07:00:00Z',
      'skipper@2026-03-23T08:00:00Z',
      'skipper@2026-03-23T09:00:00Z',
    ]);
    expect(skip!.occurrences).toEqual([]);
    expect(await journal().listOccurrences({ policy: 'skipper', states: ['missed'] })).toHaveLength(4);
    expect(await journal().listSets({ policy: 'skipper', occurrence: 'skipper@2026-03-23T09:00:00Z' })).toEqual([]);
  });

  it('a busy instance is retried with back-off inside the window, then served', async () => {
    await open([HOURLY], '2026-03-23T05:00:00Z');
    await journal().acquireLock(id('web-1'), 'held-by-the-test');
    const waits: Date[] = [];
    clock.onSleep = async (until) => {
      waits.push(until);
      // Released while ccsnap waits for its third attempt.
      if ((await journal().readLock(id('web-1')))?.opId === 'held-by-the-test' && clock.sleeps.length >= 5)
        await journal().releaseLock(id('web-1'), 'held-by-the-test');
    };
    const r = await runDue(rt, { clock });
    const web = r.policies[0]!.occurrences[0]!.instances.find((i) => i.instanceName === 'web-1')!;
    expect(web).toMatchObject({ outcome: 'created', attempts: 3 });
    expect((await setsOf('hourly@2026-03-23T05:00:00Z')).filter((s) => s.instanceName === 'web-1')).toHaveLength(1);
  });

  it('an instance busy for the whole window is recorded missed with the reason; the occurrence is done with the others', async () => {
    await open([HOURLY], '2026-03-23T05:00:00Z');
    await journal().acquireLock(id('db-1'), 'held-by-the-test');
    const r = await runDue(rt, { clock });
    const occ = r.policies[0]!.occurrences[0]!;
    const db = occ.instances.find((i) => i.instanceName === 'db-1')!;
    expect(db).toMatchObject({ outcome: 'missed', errorCode: 'CCSNAP_LOCKED' });
    expect(db.message).toMatch(
      /^busy until its window closed at 2026-03-23T05:25:00.000Z \(\d+ attempt\(s\)\): instance .* is busy: operation held-by-the-test/,
    );
    expect(db.attempts).toBeGreaterThan(3);
    expect(clock.now().getTime()).toBeLessThan(Date.parse('2026-03-23T05:25:00Z'));
    expect(occ).toMatchObject({ state: 'done', reason: '2 of 3 served, 1 missed' });
    expect(await journal().getOccurrence('hourly', occ.occurrence)).toMatchObject({ state: 'done', reason: '2 of 3 served, 1 missed' });
    expect((await setsOf(occ.occurrence)).map((s) => s.instanceName).sort()).toEqual(['app-1', 'web-1']);
  });

  it('an interrupted run leaves its occurrence running; the next run adopts it and serves only what is left (no duplicate set)', async () => {
    // One instance at a time, so the run can be interrupted between them.
    await open([{ ...HOURLY, create: { concurrency: 1 } }], '2026-03-23T05:00:00Z');
    const controller = new AbortController();
    const running = runDue(rt, { clock, signal: controller.signal });
    // Interrupted once the journal records the first complete set (the record, not a time).
    while (!(await setsOf('hourly@2026-03-23T05:00:00Z')).some((s) => s.state === 'complete')) await new Promise((r) => setImmediate(r));
    controller.abort();
    const first = await running;
    const interrupted = first.policies[0]!.occurrences[0]!;
    expect(interrupted.state).toBe('running');
    expect(interrupted.instances.filter((i) => i.outcome === 'missed').map((i) => i.errorCode)).toContain('CCSNAP_INTERRUPTED');
    const served = interrupted.instances.filter((i) => i.outcome === 'created').map((i) => i.instanceName);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(3);
    expect(await journal().getOccurrence('hourly', interrupted.occurrence)).toMatchObject({ state: 'running' });

    const second = await runDue(rt, { clock });
    const adopted = second.policies[0]!.occurrences[0]!;
    expect(adopted).toMatchObject({ occurrence: 'hourly@2026-03-23T05:00:00Z', how: 'adopted', state: 'done' });
    expect(
      adopted.instances
        .filter((i) => i.outcome === 'already-done')
        .map((i) => i.instanceName)
        .sort(),
    ).toEqual([...served].sort());
    const perInstance = (await setsOf(adopted.occurrence))
      .filter((s) => s.state === 'complete')
      .map((s) => s.instanceName)
      .sort();
    expect(perInstance).toEqual([...NAMES].sort());
    expect(nothingHappened(await runDue(rt, { clock }))).toBe(true);
  });

  it("a dead runner's occurrence that a newer one superseded is closed: the rest recorded missed, then the newer one runs", async () => {
    await open([HOURLY], '2026-03-23T05:00:00Z');
    // What a runner that died at 05:03 leaves: the occurrence running (owned by no live runner), one set made.
    await journal().recordOccurrence({ policy: 'hourly', occurrence: 'hourly@2026-03-23T05:00:00Z', scheduledAt: '2026-03-23T05:00:00.000Z', state: 'due' });
    await journal().startOccurrence('hourly', 'hourly@2026-03-23T05:00:00Z');
    await createSnapshots(rt, {
      instances: ['web-1'],
      policy: { name: 'hourly', occurrence: 'hourly@2026-03-23T05:00:00Z' },
      now: () => new Date('2026-03-23T05:03:00Z'),
    });
    clock.set('2026-03-23T06:01:00Z');
    const r = await runDue(rt, { clock });
    const [closed, next] = r.policies[0]!.occurrences;
    expect(closed).toMatchObject({ occurrence: 'hourly@2026-03-23T05:00:00Z', how: 'closed', state: 'done' });
    expect(closed!.instances.map((i) => [i.instanceName, i.outcome]).sort()).toEqual([
      ['app-1', 'missed'],
      ['db-1', 'missed'],
      ['web-1', 'already-done'],
    ]);
    expect(closed!.reason).toMatch(/its runner died, and a newer occurrence is due/);
    expect(await setsOf('hourly@2026-03-23T05:00:00Z')).toHaveLength(1);
    expect(next).toMatchObject({ occurrence: 'hourly@2026-03-23T06:00:00Z', how: 'on-time', state: 'done' });
  });

  it("retention prunes only this policy's sets: manual sets, another policy's sets and foreign snapshots stay", async () => {
    const OTHER = { name: 'other', instances: { names: ['web-1'] }, schedule: '30 * * * *', retention: { keep_last: 10 } };
    await open([{ ...HOURLY, retention: { keep_last: 1 } }, OTHER], '2026-03-23T05:00:00Z');
    const manual = await createSnapshots(rt, { instances: ['web-1'], label: 'manual', now: () => new Date('2026-03-23T04:00:00Z') });
    const manualId = manual[0]!.kind === 'result' ? manual[0]!.result.setId : '';
    const fs = sb.sandbox.ctx.state.array.filesystems.find(
      (f) => f.name === sb.sandbox.ctx.state.cinder.volumes.find((v) => v.name === 'web-1-boot')!.id.replace(/-/g, ''),
    )!;
    sb.sandbox.ctx.state.array.snapshots.push({
      id: 'f0f0f0f0-0000-5000-8000-000000000001',
      fsId: fs.id,
      name: 'nightly-by-another-tool',
      createdAt: Date.now(),
      clones: 0,
    });
    for (const t of ['05:00', '05:30', '06:00', '06:30', '07:00']) {
      clock.set(`2026-03-23T${t}:00Z`);
      await runDue(rt, { clock });
    }
    const web = id('web-1');
    const left = (await journal().listSets({ instanceId: web })).filter((s) => s.state === 'complete');
    expect(left.filter((s) => s.policy === 'hourly').map((s) => s.occurrence)).toEqual(['hourly@2026-03-23T07:00:00Z']);
    expect(
      left
        .filter((s) => s.policy === 'other')
        .map((s) => s.occurrence)
        .sort(),
    ).toEqual(['other@2026-03-23T05:30:00Z', 'other@2026-03-23T06:30:00Z']);
    expect(left.map((s) => s.id)).toContain(manualId);
    expect(await journal().listSets({ policy: 'hourly', states: ['deleted'] })).toHaveLength(2 * 3);
    expect(sb.sandbox.ctx.state.array.snapshots.some((s) => s.name === 'nightly-by-another-tool')).toBe(true);
  });

  it('a notification that cannot be delivered is logged with its code and never fails the run', async () => {
    // A loopback port nobody listens on: every attempt is refused until the bounded delivery gives up.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await open(
      [{ ...HOURLY, instances: { names: ['app-1', 'noagent-1'] }, notify: { webhook: `http://127.0.0.1:${port}/hooks/tok3n`, on: ['failure'] } }],
      '2026-03-23T05:00:00Z',
    );
    const warnings: string[] = [];
    const r = await runDue(rt, { clock, log: { info: () => undefined, warn: (m) => warnings.push(m) } });
    const occ = r.policies[0]!.occurrences[0]!;
    expect(occ.state).toBe('done');
    expect(occ.instances.map((i) => [i.instanceName, i.outcome]).sort()).toEqual([
      ['app-1', 'created'],
      ['noagent-1', 'failed'],
    ]);
    expect(r.notifications).toEqual([
      expect.objectContaining({ policy: 'hourly', event: 'failure', delivered: false, error: expect.objectContaining({ code: 'CCSNAP_NOTIFY_FAILED' }) }),
    ]);
    expect(r.notifications[0]!.attempts).toBeGreaterThan(1);
    expect(warnings.filter((w) => w.includes('[CCSNAP_NOTIFY_FAILED]'))).toHaveLength(1);
    expect(JSON.stringify({ r, warnings })).not.toContain('tok3n');
    expect(await journal().getOccurrence('hourly', occ.occurrence)).toMatchObject({ state: 'done' });
  });

  it('policy run NAME serves an ad-hoc occurrence now, recorded like the others, and the scheduled one still runs', async () => {
    await open([HOURLY], '2026-03-23T04:59:00Z');
    const adhoc = await runPolicy(rt, 'hourly', { clock });
    const occ = adhoc.policies[0]!.occurrences[0]!;
    expect(occ.occurrence).toMatch(/^hourly@adhoc-2026-03-23T04:59:00Z-[0-9a-f]{6}$/);
    expect(occ).toMatchObject({ how: 'ad-hoc', state: 'done' });
    // No spread: every instance starts now.
    expect(occ.instances.map((i) => [i.outcome, i.startAt])).toEqual(NAMES.map(() => ['created', '2026-03-23T04:59:00.000Z']));
    expect(await journal().getOccurrence('hourly', occ.occurrence)).toMatchObject({ state: 'done', scheduledAt: '2026-03-23T04:59:00.000Z' });
    clock.set('2026-03-23T05:00:00Z');
    const due = await runDue(rt, { clock });
    expect(due.policies[0]!.occurrences.map((o) => [o.occurrence, o.state])).toEqual([['hourly@2026-03-23T05:00:00Z', 'done']]);
  });

  it("startPolicyRun (the daemon's trigger) records and starts the ad-hoc occurrence before it returns; another run in this process leaves it alone", async () => {
    await open([HOURLY], '2026-03-23T04:40:00Z');
    const { occurrence, done } = await startPolicyRun(rt, 'hourly', { clock });
    expect(await journal().getOccurrence('hourly', occurrence)).toMatchObject({ state: 'running', pid: process.pid });
    const meanwhile = await runDue(rt, { clock });
    expect(meanwhile.policies[0]!.occurrences).toEqual([expect.objectContaining({ occurrence, how: 'left', state: 'running' })]);
    const r = await done;
    expect(r.policies[0]!.occurrences[0]).toMatchObject({ occurrence, how: 'ad-hoc', state: 'done' });
    expect((await journal().listSets({ policy: 'hourly', occurrence })).filter((s) => s.state === 'complete')).toHaveLength(3);
  });

  it('an ad-hoc occurrence is recorded already started: a run right after its record write leaves it (nothing to close as never started)', async () => {
    await open([HOURLY], '2026-03-23T04:40:00Z');
    const journal = rt.journal();
    const record = journal.recordOccurrence.bind(journal);
    const meanwhile: Array<Awaited<ReturnType<typeof runDue>>> = [];
    // Another run lands just after the trigger's write, before startPolicyRun returns.
    journal.recordOccurrence = async (o) => {
      const recorded = await record(o);
      if (o.occurrence.includes('@adhoc-')) meanwhile.push(await runDue(rt, { clock }));
      return recorded;
    };
    const { occurrence, done } = await startPolicyRun(rt, 'hourly', { clock });
    expect(meanwhile).toHaveLength(1);
    expect(meanwhile[0]!.policies[0]!.occurrences).toEqual([expect.objectContaining({ occurrence, how: 'left', state: 'running' })]);
    const r = await done;
    expect(r.policies[0]!.occurrences[0]).toMatchObject({ occurrence, how: 'ad-hoc', state: 'done' });
  });
});
