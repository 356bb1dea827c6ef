import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openJournal } from '../../dist/journal/index.js';
import { socketUrl, startPgCluster } from '../../scripts/pg-suite/cluster.mjs';
import { startWorkers, stopWorkers, writeWorkerConfig } from '../lib/daemon-workers.mjs';
import { busyPct, descendantsCpuMs, descendantsOf, machineJiffies, processCpuMs, scanProcesses, treeCpuMs } from '../lib/proc-cpu.mjs';
import { fetchRetrying, spawnSandbox } from '../lib/sandbox-proc.mjs';
import { maxOverlap, median, percentile, round } from '../lib/stats.mjs';
import { domainsOf, newWindows } from '../lib/windows.mjs';

const POLICY = 'bench-workers';
const WARMUP_POLICY = 'bench-warmup';

/**
 * Many workers (issue 16): W `ccsnap daemon` processes of the built CLI on one PostgreSQL journal (a throwaway
 * Debian cluster, a fresh database per run) serve one ad-hoc policy occurrence over the same sandbox (N
 * instances with 1..V array volumes on H compute hosts, array latency on createStorageSnapshot, per_host P).
 * With `warmup` (default), a small occurrence (per_host instances on each host) runs first, so the measured one
 * meets workers as a running daemon has them (watchdog started, inventory listed, virsh sessions open).
 * Timed from the trigger (POST /api/v1/policies/NAME/run on the first worker) to its "triggered run … done"
 * line; CPU from /proc (the workers alone; their virsh sessions, the PostgreSQL server and the sandbox apart).
 * Every run is checked: one complete set per instance, nothing else, at most P frozen per host.
 * `ccsnapBin`: another build's bin/ccsnap.js for the workers, to compare two builds on the same setup.
 */
export async function benchWorkers({
  instances = 300,
  hosts = 30,
  volumes = [1, 2],
  perHost = 2,
  latencyMs = 50,
  workerCounts = [1, 2, 3],
  runs = 3,
  fleet = { concurrency: 8 },
  idleMs = 3000,
  warmup = true,
  maxSnapshotCalls,
  ccsnapBin,
  log = () => {},
} = {}) {
  const sb = await spawnSandbox({ groups: [...groupsOf(instances, volumes, hosts), ...(warmup ? [warmupGroup(hosts, perHost)] : [])] });
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-workers-'));
  let cluster;
  const rows = [];
  try {
    cluster = await startPgCluster();
    if (latencyMs > 0) await sb.addFault({ service: 'array', key: 'createStorageSnapshot', latencyMs });
    const setup = { sb, cluster, dir, instances, hosts, perHost, fleet, idleMs, warmup, maxSnapshotCalls, ccsnapBin };
    for (const [index, workers] of scheduleOf(workerCounts, runs).entries()) {
      log(`workers: ${workers} worker(s), ${instances} instances on ${hosts} hosts, per host ${perHost}, fleet ${JSON.stringify(fleet)}`);
      rows.push(
        await runOnce(setup, workers, index).catch((err) => {
          throw new Error(`${err.message}${whatIsGone(sb, cluster)}`, { cause: err });
        }),
      );
    }
  } finally {
    // A failure to stop (a server already gone) must not hide the error that ended the suite.
    await cluster?.stop().catch((err) => log(`workers: stopping PostgreSQL: ${err.message}`));
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // Medians over the runs that passed every check: a run where instances were not served measures something else
  // (it is listed in `checks`, with its diagnostics in `rows`).
  const byWorkers = workerCounts.map((w) => ({
    ...summarizeRuns(
      w,
      rows.filter((r) => r.workers === w && passes(r, perHost)),
    ),
    failedRuns: rows.filter((r) => r.workers === w && !passes(r, perHost)).length,
  }));
  return {
    instances,
    hosts,
    volumesPerInstance: volumes,
    volumes: sb.counts.volumes - (warmup ? hosts * perHost : 0),
    warmupInstances: warmup ? hosts * perHost : 0,
    perHost,
    arrayLatencyMs: latencyMs,
    fleet,
    maxSnapshotCalls: maxSnapshotCalls ?? null,
    runsPerWorkerCount: runs,
    rows,
    byWorkers,
    checks: checksOf(rows, perHost),
    projection: projectionOf(byWorkers, { hosts, perHost, concurrency: fleet?.concurrency ?? 8 }),
  };
}

/** Instances split evenly over the volume counts (one sandbox group each), all on the same H hosts. */
function groupsOf(instances, volumes, hosts) {
  return volumes.map((v, i) => ({
    instances: Math.floor(instances / volumes.length) + (i < instances % volumes.length ? 1 : 0),
    volumesPerInstance: v,
    snapshotsPerVolume: 0,
    hosts,
    namePrefix: `wk${v}`,
  }));
}

/** What of the setup died under the run (the sandbox process, the PostgreSQL server), for the error message. */
function whatIsGone(sb, cluster) {
  const sandbox = sb.gone();
  return [
    sandbox ? `; the sandbox process is gone: ${JSON.stringify(sandbox)}` : '',
    cluster.serverPid() === null ? '; the PostgreSQL server is gone (no postmaster.pid)' : '',
  ].join('');
}

/**
 * Instances of the warm-up occurrence: per_host on each host (`wu-*`, one volume), so that every worker has
 * started its watchdog, listed the inventory and opened virsh sessions on the hosts it served before the
 * measured occurrence, as a daemon that has been running does.
 */
function warmupGroup(hosts, perHost) {
  return { instances: hosts * perHost, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts, namePrefix: 'wu' };
}

/** Rounds of every worker count, the order reversed every other round (1,2,3, 3,2,1, 1,2,3, ...). */
function scheduleOf(workerCounts, runs) {
  return Array.from({ length: runs }, (_, r) => (r % 2 === 0 ? workerCounts : [...workerCounts].reverse())).flat();
}

async function runOnce({ sb, cluster, dir, instances, hosts, perHost, fleet, idleMs, warmup, maxSnapshotCalls, ccsnapBin }, workerCount, index) {
  const database = `ccsnap_bench_workers_${process.pid}_${index}`;
  await admin(cluster, (c) => c.query(`CREATE DATABASE ${database}`));
  const journal = socketUrl(cluster, database);
  const policyOf = (name, pattern) => ({
    name,
    instances: { names: [pattern] },
    schedule: '0 0 1 1 *',
    retention: { keep_last: 1000 },
    create: { per_host: perHost },
  });
  const policies = [policyOf(POLICY, 'wk*'), ...(warmup ? [policyOf(WARMUP_POLICY, 'wu*')] : [])];
  const config = writeWorkerConfig(dir, sb.url, { journal, policies, fleet, maxSnapshotCalls });
  const startT = performance.now();
  const workers = await startWorkers(workerCount, { ...config, ...(ccsnapBin ? { bin: ccsnapBin } : {}) });
  try {
    const startupMs = performance.now() - startT;
    const warm = warmup ? await warmUp(sb, workers) : null;
    const before = await domainsOf(sb);
    const cpu0 = sampleCpu(workers, cluster, sb);
    const load0 = loadavg();
    const mark = workers[0].mark();
    const triggeredAt = Date.now();
    const refused = { count: 0 };
    const occurrence = await trigger(workers[0].api, POLICY, refused);
    const outcome = await workers[0].waitLine(new RegExp(`ccsnap daemon: triggered run of ${POLICY} (done|failed)`), mark);
    const doneAt = Date.now();
    const cpu1 = sampleCpu(workers, cluster, sb);
    const load1 = loadavg();
    const after = await domainsOf(sb);
    const sessionsAtEnd = workers.map((w) => descendantsOf(w.pid).length);
    const idle = await idleCpu(workers, idleMs);
    const { facts: journalFacts, opsByInstance, failedSetIds, occurrenceFinishedAt } = await readJournal(journal, occurrence, workers);
    await stopWorkers(workers);
    const { jobsByInstance, ...db } = await dbStats(cluster, database, occurrence);
    const windows = windowFacts(before, after, { perHost, instances });
    const wallMs = doneAt - triggeredAt;
    return {
      workers: workerCount,
      run: index,
      outcome: outcome[1],
      triggerRefused: refused.count,
      startupMs: Math.round(startupMs),
      warmup: warm,
      wallMs,
      ...journalFacts,
      snapshotsOfFailedAttempts: after.state.array.snapshots.filter((x) => failedSetIds.has(/^ccs_([0-9a-f]{12})_/.exec(x.name)?.[1])).length,
      setsPerSecond: round(journalFacts.complete / (wallMs / 1000), 1),
      // The rate while serving (first freeze to last thaw): without the cold start and the tail.
      servingSetsPerSecond: windows.firstFreezeAt === null ? null : round(journalFacts.complete / ((windows.lastThawAt - windows.firstFreezeAt) / 1000), 1),
      cpu: { ...cpuOf(cpu0, cpu1, wallMs, journalFacts.complete), idleMsPerSecondPerWorker: idle, sessionsAtEnd },
      loadAverage: { before: load0.map((x) => round(x, 2)), after: load1.map((x) => round(x, 2)) },
      windows,
      // What could be frozen at once: every worker's pollers busy, or every host at per_host.
      idealFrozenFleet: Math.min(workerCount * (fleet?.concurrency ?? 8), hosts * perHost),
      phases: phasesOf({ triggeredAt, doneAt, windows, jobs: db.jobs, occurrenceFinishedAt }),
      jobParts: jobPartsOf(jobsByInstance, opsByInstance),
      db,
      ...(journalFacts.firstFailure ? { diagnostics: diagnosticsOf(workers, dir, triggeredAt) } : {}),
    };
  } finally {
    await stopWorkers(workers);
    await admin(cluster, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

/**
 * CPU of the workers while idle (the run done, nothing queued: pg-boss's pollers, the owner heartbeat, the
 * scheduler), ms per second per worker, over `ms` (a measurement window, not a wait for an event); null when 0.
 */
async function idleCpu(workers, ms) {
  if (!ms) return null;
  const a = workers.map((w) => processCpuMs(w.pid));
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsed = performance.now() - t0;
  const b = workers.map((w) => processCpuMs(w.pid));
  return round(a.reduce((sum, x, i) => sum + (b[i] - x), 0) / workers.length / (elapsed / 1000), 1);
}

/** The warm-up occurrence (see warmupGroup), trigger to "done": its wall time, the workers' CPU, its windows' per-host maximum. */
async function warmUp(sb, workers) {
  const before = await domainsOf(sb);
  const cpu0 = workers.map((w) => processCpuMs(w.pid));
  const mark = workers[0].mark();
  const t0 = Date.now();
  const refused = { count: 0 };
  await trigger(workers[0].api, WARMUP_POLICY, refused);
  const outcome = await workers[0].waitLine(new RegExp(`ccsnap daemon: triggered run of ${WARMUP_POLICY} (done|failed)`), mark);
  const wallMs = Date.now() - t0;
  const cpuMs = workers.reduce((sum, w, i) => sum + processCpuMs(w.pid) - cpu0[i], 0);
  const byHost = newWindows(before, await domainsOf(sb));
  return {
    outcome: outcome[1],
    triggerRefused: refused.count,
    wallMs,
    ccsnapCpuMs: Math.round(cpuMs),
    windows: [...byHost.values()].flat().length,
    maxFrozenPerHost: Math.max(0, ...[...byHost.values()].map(maxOverlap)),
  };
}

/**
 * For a run where an instance was not served: what the workers wrote (the daemon's warnings, the last lines) and
 * the watchdogs' log lines of the run other than the routine ones (arm, freeze sent, disarm).
 */
function diagnosticsOf(workers, dir, since) {
  let watchdog = [];
  try {
    const from = new Date(since).toISOString();
    watchdog = readFileSync(join(dir, 'xdg-state', 'ccsnap', 'watchdog.log'), 'utf8')
      .split('\n')
      .filter((l) => l && l.slice(0, 24) >= from && !/\] (armed |freeze of |disarmed )/.test(l))
      .slice(-30);
  } catch {
    // no log: nothing armed
  }
  return { workers: workers.map((w) => ({ pid: w.pid, stderrTail: w.stderr().slice(-1500) })), watchdog };
}

/**
 * POST /api/v1/policies/NAME/run: the occurrence id. A 409 "could not start the ad-hoc occurrence" is a race
 * with another worker's scheduler pass, which took the just-recorded ('due') ad-hoc occurrence and closed it
 * as never started (every instance missed, nothing frozen): the trigger is sent again, and the refusals are
 * counted in the result (`triggerRefused`), not hidden.
 */
async function trigger(api, policy, refused = { count: 0 }) {
  for (;;) {
    const res = await fetchRetrying(`${api}/api/v1/policies/${policy}/run`, { method: 'POST' });
    if (res.status === 202) return (await res.json()).runId;
    const text = await res.text();
    if (res.status !== 409 || !text.includes('could not start the ad-hoc occurrence') || refused.count >= 5)
      throw new Error(`trigger ${policy}: HTTP ${res.status} ${text}`);
    refused.count++;
  }
}

/** CPU so far (ms): each worker's own, its descendants' (virsh sessions), the PostgreSQL server's tree, the sandbox's tree, the machine's jiffies. */
function sampleCpu(workers, cluster, sb) {
  const scan = scanProcesses();
  const pgPid = cluster.serverPid();
  return {
    workers: workers.map((w) => processCpuMs(w.pid)),
    sessions: workers.map((w) => descendantsCpuMs(w.pid, scan)),
    postgres: pgPid ? treeCpuMs(pgPid, scan) : null,
    sandbox: treeCpuMs(sb.pid, scan),
    machine: machineJiffies(),
  };
}

function cpuOf(a, b, wallMs, sets) {
  const diff = (x, y) => (x === null || y === null ? null : y - x);
  const perWorker = a.workers.map((x, i) => diff(x, b.workers[i]));
  const sum = (xs) => (xs.some((x) => x === null) ? null : xs.reduce((s, x) => s + x, 0));
  const ccsnapMs = sum(perWorker);
  const sessionsMs = sum(a.sessions.map((x, i) => diff(x, b.sessions[i])));
  const postgresMs = diff(a.postgres, b.postgres);
  const sandboxMs = diff(a.sandbox, b.sandbox);
  const perSet = (ms) => (ms === null || sets === 0 ? null : round(ms / sets, 2));
  const cores = (ms) => (ms === null ? null : round(ms / wallMs, 2));
  return {
    ccsnapMs,
    ccsnapMsPerSet: perSet(ccsnapMs),
    ccsnapCores: cores(ccsnapMs),
    perWorkerMs: perWorker,
    virshSessionsMsPerSet: perSet(sessionsMs),
    postgresMsPerSet: perSet(postgresMs),
    postgresCores: cores(postgresMs),
    sandboxMsPerSet: perSet(sandboxMs),
    sandboxCores: cores(sandboxMs),
    machineBusyPct: busyPct(a.machine, b.machine),
  };
}

/** The occurrence's sets, instance outcomes and operations as the journal has them (opened after the run's clock stopped). */
async function readJournal(url, occurrence, workers) {
  const journal = openJournal(url);
  try {
    const sets = await journal.listSets({ policy: POLICY, occurrence });
    const results = await journal.listInstanceResults(POLICY, occurrence);
    const ops = await journal.listOperations({ kinds: ['create'] });
    const complete = sets.filter((s) => s.state === 'complete');
    const perInstance = new Map();
    for (const s of complete) perInstance.set(s.instanceId, (perInstance.get(s.instanceId) ?? 0) + 1);
    const pidByOp = new Map(ops.map((o) => [o.id, o.pid]));
    const opById = new Map(ops.map((o) => [o.id, o]));
    const opsByInstance = new Map(complete.flatMap((s) => (opById.has(s.opId) ? [[s.instanceId, opById.get(s.opId)]] : [])));
    const outcomes = {};
    for (const r of results) outcomes[r.result.outcome] = (outcomes[r.result.outcome] ?? 0) + 1;
    const failures = results.filter((r) => !['created', 'already-done'].includes(r.result.outcome));
    const occ = await journal.getOccurrence(POLICY, occurrence);
    const facts = {
      occurrence,
      complete: complete.length,
      // A set of an attempt that failed (the queue tries a failed job again): its snapshots must be gone.
      failedAttempts: sets.filter((x) => x.state === 'failed').length,
      unfinishedSets: sets.filter((x) => x.state !== 'complete' && x.state !== 'failed').length,
      instancesWithOneSet: [...perInstance.values()].filter((n) => n === 1).length,
      instancesWithMore: [...perInstance.values()].filter((n) => n > 1).length,
      outcomes,
      ...(failures.length ? { firstFailure: { code: failures[0].result.errorCode, message: failures[0].result.message } } : {}),
      setsByWorker: workers.map((w) => complete.filter((s) => pidByOp.get(s.opId) === w.pid).length),
      occurrenceState: occ?.state ?? null,
    };
    return {
      facts,
      opsByInstance,
      failedSetIds: new Set(sets.filter((x) => x.state === 'failed').map((x) => x.id)),
      occurrenceFinishedAt: occ?.finishedAt ? Date.parse(occ.finishedAt) : null,
    };
  } finally {
    await journal.close();
  }
}

/**
 * The sandbox's freeze/thaw records of this run: most frozen per host and fleet-wide at once (mean: frozen time
 * over the serving time), the windows' length, the first freeze and the last thaw (the sandbox's clock is this
 * machine's Date.now(), as is the bench's).
 */
function windowFacts(before, after, { perHost, instances }) {
  const byHost = newWindows(before, after);
  const all = [...byHost.values()].flat();
  const ms = all.map((w) => w.ms);
  const firstFreeze = Math.min(...all.map((w) => w.from));
  const lastThaw = Math.max(...all.map((w) => w.to ?? Number.POSITIVE_INFINITY));
  const servingMs = lastThaw - firstFreeze;
  return {
    count: all.length,
    stillFrozen: all.filter((w) => w.to === undefined).length,
    maxFrozenPerHost: Math.max(0, ...[...byHost.values()].map(maxOverlap)),
    perHostLimit: perHost,
    maxFrozenFleet: maxOverlap(all),
    meanFrozenFleet: servingMs > 0 ? round(ms.reduce((a, b) => a + b, 0) / servingMs, 1) : null,
    medianFrozenMs: median(ms),
    p95FrozenMs: percentile(ms, 0.95),
    firstFreezeAt: all.length ? firstFreeze : null,
    lastThawAt: all.length ? lastThaw : null,
    instances,
  };
}

/**
 * Where the wall time went (ms; the database's, the sandbox's and the bench's clocks are this machine's):
 * trigger -> jobs queued (the coordinator records the occurrence, lists the inventory, queues a job per
 * instance), -> a worker takes the first (an idle poller's wait), -> first freeze (lock, plan, a virsh session,
 * the freeze), -> last thaw (serving), -> "done" (the coordinator collects the results and finishes the
 * occurrence, then retention).
 */
function phasesOf({ triggeredAt, doneAt, windows, jobs, occurrenceFinishedAt }) {
  const gap = (a, b) => (a === null || b === null ? null : b - a);
  return {
    toQueuedMs: gap(triggeredAt, jobs.queuedAt),
    queuedToFirstJobMs: gap(jobs.queuedAt, jobs.firstStartedAt),
    firstJobToFirstFreezeMs: gap(jobs.firstStartedAt, windows.firstFreezeAt),
    servingMs: gap(windows.firstFreezeAt, windows.lastThawAt),
    lastThawToDoneMs: gap(windows.lastThawAt, doneAt),
    // Of which: until the coordinator saw every result and finished the occurrence, then retention.
    lastThawToOccurrenceFinishedMs: gap(windows.lastThawAt, occurrenceFinishedAt),
    occurrenceFinishedToDoneMs: gap(occurrenceFinishedAt, doneAt),
  };
}

/**
 * Where one instance's job spends its time (medians and p95 over the instances, ms), from its pg-boss job
 * (created, started = a worker fetched it, completed) and its create operation in the journal (started = the
 * instance lock taken, freeze sent, finished): queued -> fetched; fetched -> operation (the served/recover
 * checks, the inventory entry, the lock); operation -> freeze sent (plan with its virsh session and array
 * pre-checks, the shared slots); freeze sent -> finished (the window, the thaw, the set recorded); finished ->
 * job completed (the instance's result recorded, pg-boss completes it).
 */
function jobPartsOf(jobsByInstance, opsByInstance) {
  const parts = { queuedMs: [], toOperationMs: [], toFreezeMs: [], freezeToFinishMs: [], afterOperationMs: [], jobMs: [] };
  for (const [instance, op] of opsByInstance) {
    const job = jobsByInstance.get(instance);
    if (!job || !op.freezeSentAt || !op.finishedAt) continue;
    const [opStart, freeze, opEnd] = [op.startedAt, op.freezeSentAt, op.finishedAt].map((t) => Date.parse(t));
    parts.queuedMs.push(job.started - job.created);
    parts.toOperationMs.push(opStart - job.started);
    parts.toFreezeMs.push(freeze - opStart);
    parts.freezeToFinishMs.push(opEnd - freeze);
    parts.afterOperationMs.push(job.completed - opEnd);
    parts.jobMs.push(job.completed - job.started);
  }
  return Object.fromEntries(Object.entries(parts).map(([k, xs]) => [k, { median: round(median(xs)), p95: round(percentile(xs, 0.95)) }]));
}

/**
 * After the workers stopped (their statistics flushed): the database's transactions and the busiest tables' row
 * counts over its whole life; the measured occurrence's pg-boss jobs (retries, when the first was queued and
 * fetched, and per instance).
 */
async function dbStats(cluster, database, occurrence) {
  return admin(
    cluster,
    async (c) => {
      const tx = await c.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
      const tables = await c.query(
        `SELECT schemaname || '.' || relname AS name, seq_scan + coalesce(idx_scan, 0) AS scans, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del
           FROM pg_stat_user_tables WHERE schemaname IN ('ccsnap', 'ccsnap_boss') ORDER BY scans DESC LIMIT 6`,
      );
      const jobs = await c.query(
        `SELECT count(*)::integer AS n, sum(retry_count)::integer AS retries,
                extract(epoch FROM min(created_on)) * 1000 AS queued, extract(epoch FROM min(started_on)) * 1000 AS first_started
           FROM ccsnap_boss.job WHERE data->>'occurrence' = $1`,
        [occurrence],
      );
      const j = jobs.rows[0] ?? {};
      const perJob = await c.query(
        `SELECT data->>'instanceId' AS instance, extract(epoch FROM created_on) * 1000 AS created,
                extract(epoch FROM started_on) * 1000 AS started, extract(epoch FROM completed_on) * 1000 AS completed
           FROM ccsnap_boss.job WHERE state = 'completed' AND data->>'occurrence' = $1`,
        [occurrence],
      );
      return {
        jobsByInstance: new Map(
          perJob.rows.map((r) => [r.instance, { created: Number(r.created), started: Number(r.started), completed: Number(r.completed) }]),
        ),
        jobs: {
          count: j.n ?? 0,
          retries: j.retries ?? 0,
          queuedAt: j.queued === null ? null : Math.round(Number(j.queued)),
          firstStartedAt: j.first_started === null ? null : Math.round(Number(j.first_started)),
        },
        transactions: Number(tx.rows[0]?.n ?? 0),
        tables: Object.fromEntries(tables.rows.map((r) => [r.name, { scans: Number(r.scans), ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del) }])),
      };
    },
    database,
  );
}

async function admin(cluster, fn, database = 'postgres') {
  const client = new pg.Client({ connectionString: socketUrl(cluster, database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function summarizeRuns(workers, rows) {
  const med = (f) => round(median(rows.map(f)), 2);
  return {
    workers,
    runs: rows.length,
    setsPerSecond: med((r) => r.setsPerSecond),
    servingSetsPerSecond: med((r) => r.servingSetsPerSecond),
    wallMs: med((r) => r.wallMs),
    ccsnapCpuMsPerSet: med((r) => r.cpu.ccsnapMsPerSet),
    ccsnapCores: med((r) => r.cpu.ccsnapCores),
    virshSessionsCpuMsPerSet: med((r) => r.cpu.virshSessionsMsPerSet),
    virshSessionsAtEnd: med((r) => r.cpu.sessionsAtEnd.reduce((a, b) => a + b, 0)),
    idleCpuMsPerSecondPerWorker: med((r) => r.cpu.idleMsPerSecondPerWorker),
    failedAttempts: rows.reduce((n, r) => n + r.failedAttempts, 0),
    triggersRefused: rows.reduce((n, r) => n + r.triggerRefused + (r.warmup?.triggerRefused ?? 0), 0),
    warmupWallMs: med((r) => r.warmup?.wallMs ?? null),
    warmupCcsnapCpuMs: med((r) => r.warmup?.ccsnapCpuMs ?? null),
    postgresCpuMsPerSet: med((r) => r.cpu.postgresMsPerSet),
    sandboxCpuMsPerSet: med((r) => r.cpu.sandboxMsPerSet),
    machineBusyPct: med((r) => r.cpu.machineBusyPct),
    loadAverage1m: med((r) => r.loadAverage.before[0]),
    medianFrozenMs: med((r) => r.windows.medianFrozenMs),
    p95FrozenMs: med((r) => r.windows.p95FrozenMs),
    meanFrozenFleet: med((r) => r.windows.meanFrozenFleet),
    idealFrozenFleet: rows[0]?.idealFrozenFleet ?? null,
    maxFrozenPerHost: Math.max(0, ...rows.map((r) => r.windows.maxFrozenPerHost)),
    jobPartsMedianMs: Object.fromEntries(Object.keys(rows[0]?.jobParts ?? {}).map((k) => [k, med((r) => r.jobParts[k].median)])),
    phasesMs: Object.fromEntries(Object.keys(rows[0]?.phases ?? {}).map((k) => [k, med((r) => r.phases[k])])),
    jobRetries: med((r) => r.db.jobs.retries),
    // The database's whole life (start-up, warm-up, the measured run) over all the sets made in it.
    transactionsPerSet: med((r) => (r.complete ? r.db.transactions / (r.complete + (r.warmup?.windows ?? 0)) : null)),
  };
}

/**
 * What every run must show: every instance has exactly one complete set of the occurrence; no set left
 * unfinished, and none of a failed attempt's snapshots left on the array; every guest thawed; at most per_host
 * frozen per host; the occurrence (and the warm-up) done.
 */
function runChecks(perHost) {
  return {
    oneCompleteSetPerInstance: (r) => r.complete === r.windows.instances && r.instancesWithOneSet === r.windows.instances && r.instancesWithMore === 0,
    noUnfinishedSets: (r) => r.unfinishedSets === 0,
    failedAttemptsLeftNoSnapshot: (r) => r.snapshotsOfFailedAttempts === 0,
    occurrenceDone: (r) => r.occurrenceState === 'done' && r.outcome === 'done',
    allThawed: (r) => r.windows.stillFrozen === 0,
    frozenPerHostWithinLimit: (r) => r.windows.maxFrozenPerHost <= perHost && (r.warmup?.maxFrozenPerHost ?? 0) <= perHost,
    warmupDone: (r) => r.warmup === null || r.warmup.outcome === 'done',
  };
}

function passes(row, perHost) {
  return Object.values(runChecks(perHost)).every((check) => check(row));
}

/** The runs that failed each check (`<W>w run <n>`). */
function checksOf(rows, perHost) {
  const failedRuns = Object.fromEntries(
    Object.entries(runChecks(perHost)).map(([name, check]) => [name, rows.filter((r) => !check(r)).map((r) => `${r.workers}w run ${r.run}`)]),
  );
  return { passed: Object.values(failedRuns).every((runs) => runs.length === 0), failedRuns };
}

/**
 * Instances per hour. CPU bound per core: 3.6e6 ms of CPU in an hour / ccsnap CPU ms per set (the workers'
 * own, the largest median over the worker counts; the PostgreSQL server's and the virsh sessions' apart).
 * Host bound (wall clock, whatever the cores): hosts × per_host guests frozen at once, each for a window, so
 * 3.6e6 / median window ms × hosts × per_host — an upper bound, since a slot is held a little longer than the
 * guest is frozen. Concurrency bound of W workers: W × fleet.concurrency jobs at once, each for the median job
 * time (fetched to completed) at that W, so W × concurrency × 3.6e6 / job ms. Measured: sets/s × 3600. Per W,
 * what binds (see bindingOf).
 */
function projectionOf(byWorkers, { hosts, perHost, concurrency }) {
  const valid = byWorkers.filter((b) => b.ccsnapCpuMsPerSet);
  if (!valid.length) return null;
  const worst = valid.reduce((a, b) => (b.ccsnapCpuMsPerSet > a.ccsnapCpuMsPerSet ? b : a));
  const best = valid.reduce((a, b) => (b.setsPerSecond > a.setsPerSecond ? b : a));
  const cpuBoundPerCore = Math.round(3.6e6 / worst.ccsnapCpuMsPerSet);
  const withPostgres = worst.postgresCpuMsPerSet ? Math.round(3.6e6 / (worst.ccsnapCpuMsPerSet + worst.postgresCpuMsPerSet)) : null;
  const windowMs = median(valid.map((b) => b.medianFrozenMs));
  const hostBound = windowMs ? Math.round((3.6e6 / windowMs) * hosts * perHost) : null;
  const perWorkers = valid.map((b) => {
    const measured = Math.round(b.setsPerSecond * 3600);
    const jobMs = b.jobPartsMedianMs?.jobMs ?? null;
    const concurrencyBound = jobMs ? Math.round((b.workers * concurrency * 3.6e6) / jobMs) : null;
    return {
      workers: b.workers,
      measured,
      measuredPerCcsnapCore: b.ccsnapCores ? Math.round(measured / b.ccsnapCores) : null,
      concurrencyBound,
      concurrencyBoundFrom: jobMs ? `${b.workers} × ${concurrency} jobs at once × 3.6e6 ms / ${jobMs} ms median job` : null,
      binds: bindingOf({ measured, hostBound, concurrencyBound, b, cpuBoundPerCore }),
    };
  });
  return {
    cpuBoundPerCore,
    cpuBoundPerCoreWithPostgres: withPostgres,
    cpuBoundFrom: `3.6e6 ms / ${worst.ccsnapCpuMsPerSet} ccsnap CPU ms per set (${worst.workers} worker(s), the largest median)`,
    hostBound,
    hostBoundFrom: windowMs ? `3.6e6 ms / ${windowMs} ms median freeze window × ${hosts} hosts × per_host ${perHost}` : null,
    measured: Math.round(best.setsPerSecond * 3600),
    measuredFrom: `${best.setsPerSecond} sets/s × 3600 with ${best.workers} worker(s) (the best median), using ${best.ccsnapCores} cores of ccsnap CPU`,
    perWorkers,
  };
}

/**
 * What binds a measured rate, the first that holds: the host slots (≥ 80 % of the host bound); the workers'
 * concurrency (≥ 80 % of W × concurrency over the job time, which a busy machine stretches: its share is given);
 * this machine's CPU (≥ 90 % busy); ccsnap's CPU (the rate per ccsnap core ≥ 80 % of the CPU bound); else neither.
 */
function bindingOf({ measured, hostBound, concurrencyBound, b, cpuBoundPerCore }) {
  if (hostBound && measured >= 0.8 * hostBound) return 'host slots (per_host × hosts over the freeze window)';
  if (concurrencyBound && measured >= 0.8 * concurrencyBound)
    return `the workers' concurrency over the job time (${Math.round((100 * measured) / concurrencyBound)} % of it; the machine ${b.machineBusyPct} % busy)`;
  if (b.machineBusyPct >= 90) return `this machine's CPU (${b.machineBusyPct} % busy: ccsnap, PostgreSQL, the sandbox and its virsh sessions share its cores)`;
  if (b.ccsnapCores && measured / b.ccsnapCores >= 0.8 * cpuBoundPerCore) return 'ccsnap CPU';
  return 'neither CPU nor host slots: the workers wait (polling, latency); see meanFrozenFleet against the ideal';
}
