import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { openJournal, type Journal, type SetRecord } from '../../src/journal/index.js';
import { addScaledServers } from '../../src/sandbox/scale.js';
import { frozenWindows } from '../../src/sandbox/hypervisor/helpers.js';
import { socketUrl } from '../helpers/postgres.js';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';
import { createDatabase, dropDatabases } from './databases.js';
import { pollUntil } from '../helpers/poll.js';

const INSTANCES = 300;
const HOSTS = 30;
const PER_HOST = 2;
const MAX_FREEZE_MS = 5_000;
const POLICY = 'fleet-all';
const ARRAY_CALLS = 6;

/**
 * Three `ccsnap daemon` workers on one PostgreSQL journal (the suite's Debian cluster) and one sandbox of 300
 * instances on 30 compute hosts, 50 ms array latency, per_host 2: a policy occurrence is served once, across
 * the workers, with at most two guests frozen per host at any instant (the sandbox's own freeze/thaw records);
 * kill -9 of a worker mid-run leaves no guest frozen past max-freeze and still one complete set per instance;
 * a worker stopped past its lease is fenced (it writes nothing when it runs again, and exits 1); restarting
 * every worker makes no duplicate. Every wait is for a line, a journal record or a process exit.
 */
/** How long a state the workers bring about may take on a loaded machine (inside the tests' 300 s). */
const FLEET_WAIT_MS = 240_000;

describe('many workers on a shared PostgreSQL journal', { timeout: 300_000 }, () => {
  const pg = inject('pg');
  let cli: SandboxCli;
  let database: string;
  let url: string;
  let journal: Journal;
  const workers: Worker[] = [];

  beforeAll(async () => {
    database = await createDatabase(pg, 'ccsnap_fleet');
    url = socketUrl(pg, database);
    cli = await startSandboxCli({
      mode: 'configured',
      prepare: (s) => void addScaledServers(s, { instances: INSTANCES, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts: HOSTS }),
      faults: [{ service: 'array', key: 'createStorageSnapshot', latencyMs: 50 }],
    });
    const path = join(cli.dir, 'ccsnap.yaml');
    const doc = parse(await readFile(path, 'utf8')) as { clouds: Record<string, Record<string, unknown>> };
    const policy = {
      name: POLICY,
      instances: { names: ['vm-*'] },
      // Yearly: never due while the test runs; the API's trigger makes each occurrence.
      schedule: '0 0 1 1 *',
      create: { per_host: PER_HOST, max_freeze: `${MAX_FREEZE_MS / 1000}s` },
      retention: { keep_last: 10 },
    };
    for (const cloud of Object.values(doc.clouds)) {
      // At most ARRAY_CALLS snapshot calls at once on the array, whatever the number of workers.
      for (const array of cloud.arrays as Array<Record<string, unknown>>) array.max_snapshot_calls = ARRAY_CALLS;
      cloud.policies = [policy];
      cloud.fleet = { concurrency: 8, job_lease: '20s', owner_lease: '4s', poll: '500ms' };
      // The emulator's virsh is a Node program per host and worker: on a loaded 2-core machine its calls are slow.
      cloud.hypervisor = { ...(cloud.hypervisor as Record<string, unknown>), command_timeout: '30s' };
    }
    await writeFile(path, stringify(doc));
    journal = openJournal(url);
  });

  // A failed case shows what each worker logged (the last lines): the workers' own account of what they did.
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const w of workers) console.error(`--- worker ${w.child.pid} (last lines) ---\n${w.stderr.split('\n').slice(-25).join('\n')}`);
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await journal?.close();
    await cli?.close();
    if (database) await dropDatabases(pg, [database]);
  });

  function startWorker(): Worker {
    const child = cli.spawn(['daemon', '--listen', '127.0.0.1:0'], { journal: url });
    const w: Worker = { child, stderr: '', exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
    child.stderr!.on('data', (d: Buffer) => (w.stderr += d.toString()));
    workers.push(w);
    return w;
  }

  async function startWorkers(n: number): Promise<Array<{ w: Worker; api: string }>> {
    const started = Array.from({ length: n }, () => startWorker());
    return Promise.all(
      started.map(async (w) => {
        const api = (await line(w, /ccsnap daemon: listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
        await line(w, /worker: serving policy jobs/);
        return { w, api };
      }),
    );
  }

  async function trigger(api: string): Promise<string> {
    const res = await fetch(`${api}/api/v1/policies/${POLICY}/run`, { method: 'POST' });
    expect(res.status).toBe(202);
    return ((await res.json()) as { runId: string }).runId;
  }

  /**
   * Triggers an occurrence on the first running worker and waits for the event: the second has sent a freeze
   * that is not thawed yet (a guest of its is frozen now). Its unfinished operations are what it has in hand.
   */
  async function runUntilVictimFreezes(): Promise<{ coordinator: Worker; victim: Worker; mark: number; occurrence: string; inHand: string[] }> {
    const live = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    expect(live.length).toBeGreaterThanOrEqual(2);
    const [coordinator, victim] = [live[0]!, live[1]!];
    const api = (await line(coordinator, /ccsnap daemon: listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const mark = coordinator.stderr.length;
    const occurrence = await trigger(api);
    await pollUntil('the victim to hold a frozen guest', async () => (await journal.listThawPending()).some((op) => op.pid === victim.child.pid), {
      ms: FLEET_WAIT_MS,
    });
    const inHand = (await journal.listUnfinishedOperations()).filter((op) => op.pid === victim.child.pid).map((op) => op.id);
    return { coordinator, victim, mark, occurrence, inHand };
  }

  const setsOf = (occurrence: string): Promise<SetRecord[]> => journal.listSets({ policy: POLICY, occurrence });
  const serverIds = (): string[] => cli.sandbox.ctx.state.nova.servers.filter((s) => s.name.startsWith('vm-')).map((s) => s.id);

  /** The occurrence's recorded per-instance outcomes, counted by outcome and code (what the runner finished it with). */
  async function outcomesOf(occurrence: string): Promise<Record<string, number>> {
    const record = await journal.getOccurrence(POLICY, occurrence);
    const instances = (record?.result as { instances?: Array<{ outcome: string; errorCode: string | null }> } | null)?.instances ?? [];
    const counts: Record<string, number> = {};
    for (const i of instances)
      counts[`${i.outcome}${i.errorCode ? ` ${i.errorCode}` : ''}`] = (counts[`${i.outcome}${i.errorCode ? ` ${i.errorCode}` : ''}`] ?? 0) + 1;
    return counts;
  }

  /** Every instance has exactly one complete set for the occurrence. */
  async function expectOneCompleteSetEach(occurrence: string): Promise<SetRecord[]> {
    const complete = (await setsOf(occurrence)).filter((s) => s.state === 'complete');
    const perInstance = new Map<string, number>();
    for (const s of complete) perInstance.set(s.instanceId, (perInstance.get(s.instanceId) ?? 0) + 1);
    expect(complete).toHaveLength(INSTANCES);
    expect(new Set(perInstance.keys())).toEqual(new Set(serverIds()));
    expect([...perInstance.values()].every((n) => n === 1)).toBe(true);
    return complete;
  }

  /** The sandbox's freeze/thaw records: the most guests frozen at once on any host, and the longest freeze. */
  function frozenRecord(): { maxPerHost: number; longestMs: number; frozenNow: string[] } {
    let maxPerHost = 0;
    let longestMs = 0;
    const byHost = new Map<string, Array<{ from: number; to?: number }>>();
    for (const d of cli.sandbox.ctx.state.hypervisor.domains) {
      const windows = frozenWindows(d.events);
      byHost.set(d.host, [...(byHost.get(d.host) ?? []), ...windows]);
      for (const w of windows) longestMs = Math.max(longestMs, w.ms ?? Number.POSITIVE_INFINITY);
    }
    for (const windows of byHost.values()) maxPerHost = Math.max(maxPerHost, maxOverlap(windows));
    return { maxPerHost, longestMs, frozenNow: cli.sandbox.ctx.state.hypervisor.domains.filter((d) => d.frozen).map((d) => d.name) };
  }

  it('three workers serve one occurrence: 300 complete sets, one per instance, at most 2 frozen per host', async () => {
    const [first, ...others] = await startWorkers(3);
    const occurrence = await trigger(first!.api);
    await line(first!.w, /triggered run of fleet-all done/);
    // Every instance served: created, or already done when a job was served twice (a lease that ran out under
    // a slow worker: the second finds the first's set under the instance lock and makes none).
    const outcomes = await outcomesOf(occurrence);
    expect(Object.keys(outcomes).filter((k) => k !== 'created' && k !== 'already-done')).toEqual([]);
    expect((outcomes.created ?? 0) + (outcomes['already-done'] ?? 0)).toBe(INSTANCES);
    const complete = await expectOneCompleteSetEach(occurrence);
    // The work was shared: operations of more than one worker made the sets.
    const ops = await journal.listOperations({ kinds: ['create'], states: ['done'] });
    const makers = new Set(ops.filter((o) => complete.some((s) => s.opId === o.id)).map((o) => o.pid));
    expect(makers.size).toBeGreaterThan(1);
    expect(others).toHaveLength(2);
    const record = frozenRecord();
    expect(record.maxPerHost).toBeGreaterThan(0);
    expect(record.maxPerHost).toBeLessThanOrEqual(PER_HOST);
    // The array's own transcript: never more than ARRAY_CALLS snapshot calls in flight (from arrival to answer).
    const calls = cli.since(0).filter((e) => e.command === 'createStorageSnapshot' && e.doneAt !== undefined);
    expect(calls.length).toBeGreaterThanOrEqual(INSTANCES);
    const inFlight = maxOverlap(calls.map((e) => ({ from: e.at, to: e.doneAt! })));
    expect(inFlight).toBeGreaterThan(1);
    expect(inFlight).toBeLessThanOrEqual(ARRAY_CALLS);
    expect(record.frozenNow).toEqual([]);
    expect((await journal.getOccurrence(POLICY, occurrence))?.state).toBe('done');
  });

  it('kill -9 of a worker mid-run: no guest frozen past max-freeze, its sets completed or cleaned, one complete set per instance', async () => {
    const { coordinator, victim, mark, occurrence, inHand } = await runUntilVictimFreezes();
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await line(coordinator, /triggered run of fleet-all done/, mark);
    const outcomes = await outcomesOf(occurrence);
    expect(Object.keys(outcomes).filter((k) => k !== 'created' && k !== 'already-done')).toEqual([]);
    await expectOneCompleteSetEach(occurrence);
    // The dead worker's operations were recovered by the others after its lease: none left open, no guest frozen.
    await pollUntil(
      "the others to close the victim's operations",
      async () => (await journal.listUnfinishedOperations()).length === 0 && (await journal.listThawPending()).length === 0,
      { ms: FLEET_WAIT_MS },
    );
    // What the dead worker had in hand was closed by another worker, after its lease (recover: interrupted).
    // (Recover adopts an operation before it closes it, so they are found by id, not by the dead pid.)
    expect(inHand.length).toBeGreaterThan(0);
    const closed = (await journal.listOperations({ kinds: ['create'] })).filter((o) => inHand.includes(o.id));
    expect(closed).toHaveLength(inHand.length);
    for (const op of closed) {
      if (op.state === 'done') continue; // it finished in the instant before the kill
      expect(op).toMatchObject({ state: 'failed', errorCode: 'CCSNAP_INTERRUPTED' });
      expect(op.thawConfirmedAt !== null || op.freezeSentAt === null).toBe(true);
    }
    expect(closed.some((op) => op.errorCode === 'CCSNAP_INTERRUPTED')).toBe(true);
    const record = frozenRecord();
    expect(record.frozenNow).toEqual([]);
    expect(record.maxPerHost).toBeLessThanOrEqual(PER_HOST);
    // The watchdog's lag (1 s) and a loaded machine's scheduling on top of max-freeze.
    expect(record.longestMs).toBeLessThan(MAX_FREEZE_MS + 3_000);
    // Nothing of the dead worker's is left on the array: every snapshot belongs to a complete set, or (a create
    // whose answer came after its set was discarded, on a loaded machine) is a member the journal knows of a
    // failed set — never one of the operations the dead worker had in hand.
    const complete = new Set((await journal.listSets({ policy: POLICY, states: ['complete'] })).flatMap((s) => s.members.map((m) => m.snapshotName)));
    const strays = cli.sandbox.ctx.state.array.snapshots.map((s) => s.name).filter((n) => n.startsWith('ccs_') && !complete.has(n));
    for (const name of strays) {
      const set = await journal.getSet(name.split('_')[1]!);
      expect({ name, state: set?.state, op: inHand.includes(set?.opId ?? '') }).toEqual({ name, state: 'failed', op: false });
    }
    const allCalls = cli.since(0).filter((e) => e.command === 'createStorageSnapshot').length;
    expect(strays.length).toBeLessThan(Math.max(1, allCalls / 100));
  });

  it('a worker stopped (SIGSTOP) past its lease is taken over; run again, it writes nothing and exits 1 (fenced)', async () => {
    const { coordinator, victim, mark, occurrence, inHand } = await runUntilVictimFreezes();
    victim.child.kill('SIGSTOP');
    // The others recover what it had in hand once its lease ran out (adopted, then closed), while it is stopped.
    await pollUntil(
      "the others to close the stopped worker's operations",
      async () => {
        const ops = (await journal.listOperations({ kinds: ['create'] })).filter((o) => inHand.includes(o.id));
        return ops.length === inHand.length && ops.every((o) => o.state !== 'planned' && o.finishedAt !== null);
      },
      { ms: FLEET_WAIT_MS },
    );
    // What a write of the stopped worker would change (times aside: a second recover pass may close an
    // operation again, thawing again, with the same outcome).
    const closedOps = async (): Promise<unknown[]> =>
      (await journal.listOperations({ kinds: ['create'] }))
        .filter((o) => inHand.includes(o.id))
        .map((o) => ({ id: o.id, state: o.state, errorCode: o.errorCode, ownerId: o.ownerId, pid: o.pid, result: o.result }));
    const itsSets = async (): Promise<unknown[]> =>
      (await journal.listSets({ policy: POLICY, occurrence }))
        .filter((set) => inHand.includes(set.opId))
        .map((set) => ({ id: set.id, state: set.state, consistency: set.consistency, members: set.members.map((m) => [m.snapshotName, m.state]) }));
    const closedBefore = await closedOps();
    const setsBefore = await itsSets();
    victim.child.kill('SIGCONT');
    expect(await victim.exited).toEqual({ code: 1, signal: null });
    expect(victim.stderr).toMatch(/lease ran out.*CCSNAP_JOURNAL_LEASE_LOST/);
    await line(coordinator, /triggered run of fleet-all done/, mark);
    await expectOneCompleteSetEach(occurrence);
    // What the others closed stays as they closed it, and no set it had made changed after it ran again.
    expect(closedBefore).toHaveLength(inHand.length);
    expect(await closedOps()).toEqual(closedBefore);
    expect(await itsSets()).toEqual(setsBefore);
    await pollUntil('no operation left open', async () => (await journal.listUnfinishedOperations()).length === 0, { ms: FLEET_WAIT_MS });
    const record = frozenRecord();
    expect(record.frozenNow).toEqual([]);
    expect(record.maxPerHost).toBeLessThanOrEqual(PER_HOST);
    expect(record.longestMs).toBeLessThan(MAX_FREEZE_MS + 3_000);
  });

  it("the CLI works on the shared journal: list and show see the workers' sets; a rollback takes the lock the workers take", async () => {
    const sets = await journal.listSets({ policy: POLICY, states: ['complete'] });
    const set = sets.find((s) => s.instanceName === 'vm-00007')!;
    const listed = await cli.json<Array<Record<string, unknown>>>(['list', 'vm-00007'], { journal: url });
    const mine = listed.filter((r) => r['Set ID'] === set.id);
    expect(mine).toHaveLength(set.members.length);
    expect(mine.every((r) => r.Status === 'ok')).toBe(true);
    const shown = await cli.json<Record<string, unknown>>(['show', set.id], { journal: url });
    expect(shown).toMatchObject({ set_id: set.id, instance_name: 'vm-00007', state: 'complete', operation_id: set.opId });
    // Another worker holds the instance: the rollback fails on the lock before it stops anything.
    await journal.acquireLock(set.instanceId, 'held-by-another-worker');
    try {
      const seq = cli.mark();
      const r = await cli.run(['rollback', 'vm-00007', set.id, '--yes', '--discard-newer'], { journal: url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/CCSNAP_LOCKED/);
      expect(cli.since(seq).filter((e) => e.service === 'nova' && e.method === 'POST')).toEqual([]);
    } finally {
      await journal.releaseLock(set.instanceId, 'held-by-another-worker');
    }
  });

  it('restarting every worker makes no duplicate set', async () => {
    const before = await journal.listSets({ policy: POLICY });
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const restarted = await startWorkers(3);
    // Each has run its first scheduler pass (recovery and the policy's occurrences) and serves the queue.
    await Promise.all(restarted.map(({ w }) => line(w, /worker: serving policy jobs/)));
    await pollUntil('every operation to finish', async () => (await journal.listUnfinishedOperations()).length === 0, { ms: FLEET_WAIT_MS });
    const after = await journal.listSets({ policy: POLICY });
    expect(after.map((s) => s.id).sort()).toEqual(before.map((s) => s.id).sort());
    for (const occurrence of new Set(after.map((s) => s.occurrence!))) await expectOneCompleteSetEach(occurrence);
  });
});

interface Worker {
  child: ChildProcess;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Resolves with the first match of `re` in the worker's stderr at or after `from` (a line it wrote); rejects if it exits first. */
function line(w: Worker, re: RegExp, from = 0): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = w.stderr.slice(from).match(re);
      if (m) resolve(m);
      return Boolean(m);
    };
    if (check()) return;
    const onData = (): void => void (check() && w.child.stderr!.off('data', onData));
    w.child.stderr!.on('data', onData);
    void w.exited.then((e) => reject(new Error(`worker exited (${JSON.stringify(e)}) before ${String(re)}:\n${w.stderr}`)));
  });
}

function maxOverlap(intervals: Array<{ from: number; to?: number }>): number {
  const points: Array<[number, number]> = [];
  for (const { from, to } of intervals) points.push([from, 1], [to ?? Number.POSITIVE_INFINITY, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (open += d));
  return max;
}
