import { createSnapshots } from '../../dist/ops/create.js';
import { openBenchRuntime } from '../lib/runtime.mjs';
import { fetchRetrying, frozenWindows, spawnSandbox } from '../lib/sandbox-proc.mjs';
import { maxOverlap, median, round } from '../lib/stats.mjs';

/**
 * Fleet create: `createSnapshots({all: true})` over N instances on H compute hosts at several global
 * concurrencies with a per-host limit. The maximum number of guests frozen at once per host comes from the
 * sandbox's domain events (its own clock); the active-task count comes from the library's onProgress events.
 * A fresh Runtime per concurrency level (as a CLI run would have), array latency injected on createStorageSnapshot.
 */
export async function benchFleet({ instances = 200, hosts = 10, volumes = 2, concurrencies = [1, 8, 32], perHost = 2, latencyMs = 50, log = () => {} } = {}) {
  const sb = await spawnSandbox({ groups: [{ instances, volumesPerInstance: volumes, snapshotsPerVolume: 0, hosts, namePrefix: 'fleet' }] });
  const rows = [];
  try {
    if (latencyMs > 0) await sb.addFault({ service: 'array', key: 'createStorageSnapshot', latencyMs });
    for (const concurrency of concurrencies) {
      log(`fleet: ${instances} instances on ${hosts} hosts, concurrency ${concurrency}, per host ${perHost}`);
      rows.push(await runOnce(sb, { concurrency, perHost, hosts }));
    }
  } finally {
    await sb.close();
  }
  return { instances, hosts, volumesPerInstance: volumes, perHost, arrayLatencyMs: latencyMs, rows };
}

async function runOnce(sb, { concurrency, perHost, hosts }) {
  const before = await domainsOf(sb);
  const opened = await openBenchRuntime(sb.url);
  const active = trackActive();
  let outcomes;
  const t0 = performance.now();
  try {
    outcomes = await createSnapshots(opened.rt, { instances: [], all: true, concurrency, perHost, onProgress: active.onProgress });
  } finally {
    await opened.close();
  }
  const wallMs = performance.now() - t0;
  const after = await domainsOf(sb);
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
    medianFrozenMs: median(all.map((w) => w.ms)),
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

async function domainsOf(sb) {
  const res = await fetchRetrying(`${sb.url}/_sandbox/state`);
  const state = await res.json();
  return new Map(state.hypervisor.domains.map((d) => [d.name, d]));
}

function newWindows(before, after) {
  const byHost = new Map();
  for (const [name, d] of after) {
    const skip = frozenWindows(before.get(name)?.events ?? []).length;
    const fresh = frozenWindows(d.events).slice(skip);
    byHost.set(d.host, [...(byHost.get(d.host) ?? []), ...fresh]);
  }
  return byHost;
}

function describeFailure(outcomes) {
  const bad = outcomes.find((o) => o.kind === 'error' || o.result?.state !== 'complete');
  return bad?.kind === 'error' ? bad.error : bad?.result?.error ?? null;
}
