import { readFileSync } from 'node:fs';
import { createSnapshots } from '../../dist/ops/create.js';
import { openBenchRuntime } from '../lib/runtime.mjs';
import { busyPct, machineJiffies } from '../lib/proc-cpu.mjs';
import { spawnSandbox } from '../lib/sandbox-proc.mjs';
import { domainsOf, newWindows } from '../lib/windows.mjs';
import { maxOverlap, median, percentile, round, summarize } from '../lib/stats.mjs';

/**
 * Fleet create: `createSnapshots({all: true})` over N instances on H compute hosts at several global
 * concurrencies with a per-host limit. The maximum number of guests frozen at once per host comes from the
 * sandbox's domain events (its own clock); the active-task count comes from the library's onProgress events.
 * A fresh Runtime per concurrency level (as a CLI run would have), array latency injected on createStorageSnapshot.
 */
export async function benchFleet({
  instances = 200,
  hosts = 10,
  volumes = 2,
  concurrencies = [1, 8, 32],
  perHost = 2,
  latencyMs = 50,
  runs = 1,
  log = () => {},
} = {}) {
  const sb = await spawnSandbox({ groups: [{ instances, volumesPerInstance: volumes, snapshotsPerVolume: 0, hosts, namePrefix: 'fleet' }] });
  const rows = [];
  try {
    if (latencyMs > 0) await sb.addFault({ service: 'array', key: 'createStorageSnapshot', latencyMs });
    // With several runs, the concurrencies alternate (1, 8, 32, 1, 8, 32, ...) so that a change in the
    // machine's load spreads over all of them.
    for (let run = 1; run <= runs; run++) {
      for (const concurrency of concurrencies) {
        log(`fleet: ${instances} instances on ${hosts} hosts, concurrency ${concurrency}, per host ${perHost}${runs > 1 ? `, run ${run} of ${runs}` : ''}`);
        rows.push({ run, ...(await runOnce(sb, { concurrency, perHost, hosts })) });
      }
    }
  } finally {
    await sb.close();
  }
  return {
    instances,
    hosts,
    volumesPerInstance: volumes,
    perHost,
    arrayLatencyMs: latencyMs,
    runs,
    byConcurrency: poolRuns(rows),
    rows: rows.map(dropSamples),
  };
}

/** Per concurrency over all runs: the windows' overhead pooled (every window of every run), the rate per run. */
function poolRuns(rows) {
  return [...new Set(rows.map((r) => r.concurrency))].map((concurrency) => {
    const mine = rows.filter((r) => r.concurrency === concurrency);
    const rates = mine.map((r) => r.instancesPerSecond);
    return {
      concurrency,
      runs: mine.length,
      instancesPerSecond: { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) },
      overheadMs: summarize(mine.flatMap((r) => r.overheadSamples)),
      cpuPressurePct: median(mine.map((r) => r.cpuPressurePct)),
    };
  });
}

function dropSamples(row) {
  const rest = { ...row };
  delete rest.overheadSamples;
  return rest;
}

async function runOnce(sb, { concurrency, perHost, hosts }) {
  const before = await domainsOf(sb);
  await sb.takeTranscript();
  const opened = await openBenchRuntime(sb.url);
  const active = trackActive();
  let outcomes;
  const sandboxCpu0 = sb.cpuMs();
  const machine0 = machineJiffies();
  const pressure0 = cpuPressureMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    outcomes = await createSnapshots(opened.rt, { instances: [], all: true, concurrency, perHost, onProgress: active.onProgress });
  } finally {
    await opened.close();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineJiffies();
  const pressure1 = cpuPressureMs();
  const sandboxCpuMs = sb.cpuMs() !== null && sandboxCpu0 !== null ? sb.cpuMs() - sandboxCpu0 : null;
  const after = await domainsOf(sb);
  const creates = (await sb.takeTranscript()).filter((e) => e.command === 'createStorageSnapshot' && e.doneAt !== undefined);
  const windows = newWindows(before, after);
  const perHostMax = {};
  for (const [host, list] of windows) perHostMax[host] = maxOverlap(list);
  const all = [...windows.values()].flat();
  const complete = outcomes.filter((o) => o.kind === 'result' && o.result.state === 'complete').length;
  return {
    concurrency,
    perHost,
    wallMs: Math.round(wallMs),
    instancesPerSecond: round(outcomes.length / (wallMs / 1000), 1),
    complete,
    failed: outcomes.length - complete,
    maxFrozenPerHost: Math.max(0, ...Object.values(perHostMax)),
    maxFrozenFleet: maxOverlap(all),
    idealActive: Math.min(concurrency, hosts * perHost),
    maxActive: active.max(),
    meanActive: round(active.mean(), 1),
    ccsnapCpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
    sandboxCpuPct: sandboxCpuMs === null ? null : Math.round((sandboxCpuMs / wallMs) * 100),
    machineBusyPct: busyPct(machine0, machine1),
    cpuPressurePct: pressure0 !== null && pressure1 !== null ? Math.round(((pressure1 - pressure0) / wallMs) * 100) : null,
    medianFrozenMs: median(all.map((w) => w.ms)),
    p95FrozenMs: percentile(
      all.map((w) => w.ms),
      0.95,
    ),
    ...windowParts(after.state, windows, creates),
    ...(outcomes.length - complete ? { firstError: describeFailure(outcomes) } : {}),
  };
}

/** Running tasks over time from onProgress start/done/failed events: peak and time-weighted mean. */
function trackActive() {
  let active = 0;
  let peak = 0;
  let area = 0;
  let last;
  let first;
  const step = (delta) => {
    const now = performance.now();
    first ??= now;
    if (last !== undefined) area += active * (now - last);
    last = now;
    active += delta;
    peak = Math.max(peak, active);
  };
  return {
    onProgress: (e) => step(e.phase === 'start' ? 1 : -1),
    max: () => peak,
    mean: () => (last !== undefined && last > first ? area / (last - first) : 0),
  };
}

/**
 * Linux pressure stall information: total ms during which some runnable task waited for a CPU (all
 * processes of the machine, ours and others'), or null where /proc/pressure is missing.
 */
function cpuPressureMs() {
  try {
    const m = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) / 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Where each frozen window's time goes: freeze -> first createStorageSnapshot reaches the array, the array
 * calls, last answer -> thaw; the overhead is the window minus the array calls (the two outer parts). Freeze/thaw are domain events (sandbox Date.now()), the calls transcript
 * entries (sandbox performance clock): same process, so the offset between the two is well under 1 ms.
 */
function windowParts(state, windowsByHost, creates) {
  const fsIdsByDomain = new Map();
  const serverByDomain = new Map(state.nova.servers.map((s) => [s.instanceName, s.id]));
  const fsByName = new Map(state.array.filesystems.map((f) => [f.name, f.id]));
  for (const [domain, serverId] of serverByDomain) {
    const vols = state.cinder.volumes.filter((v) => v.attachments.some((a) => a.serverId === serverId));
    fsIdsByDomain.set(domain, new Set(vols.map((v) => fsByName.get(v.id.replace(/-/g, ''))).filter(Boolean)));
  }
  const before = [];
  const array = [];
  const afterCalls = [];
  const overhead = [];
  for (const w of [...windowsByHost.values()].flat()) {
    const fsIds = fsIdsByDomain.get(w.domain) ?? new Set();
    const mine = creates.filter((e) => fsIds.has(e.info?.id) && e.at >= w.from - 1 && e.doneAt <= w.to + 1);
    if (mine.length === 0 || w.to === undefined) continue;
    const first = Math.min(...mine.map((e) => e.at));
    const last = Math.max(...mine.map((e) => e.doneAt));
    before.push(first - w.from);
    array.push(last - first);
    afterCalls.push(w.to - last);
    overhead.push(w.to - w.from - (last - first));
  }
  return {
    windowParts: {
      freezeToFirstCallMs: summarize(before),
      arrayCallsMs: summarize(array),
      lastAnswerToThawMs: summarize(afterCalls),
      overheadMs: summarize(overhead),
    },
    overheadSamples: overhead,
  };
}

function describeFailure(outcomes) {
  const bad = outcomes.find((o) => o.kind === 'error' || o.result?.state !== 'complete');
  return bad?.kind === 'error' ? bad.error : (bad?.result?.error ?? null);
}
