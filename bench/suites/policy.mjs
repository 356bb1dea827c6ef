import { createSnapshots, runPolicy } from '../../dist/index.js';
import { openBenchRuntime } from '../lib/runtime.mjs';
import { spawnSandbox } from '../lib/sandbox-proc.mjs';
import { round } from '../lib/stats.mjs';

/**
 * A policy over a fleet runs at the fleet rate of `create --all` (issue 15): the same sandbox (N instances on
 * H hosts, array latency on createStorageSnapshot), the same concurrency and per-host limit, a fresh Runtime
 * each. The policy run (`runPolicy`: an ad-hoc occurrence, recorded, then retention) is timed against
 * `createSnapshots({ all: true })`; the order alternates over `rounds` so neither always meets the bigger journal
 * or warmer sandbox.
 */
export async function benchPolicy({
  instances = 1000,
  hosts = 100,
  volumes = 2,
  concurrency = 8,
  perHost = 2,
  latencyMs = 50,
  rounds = 1,
  log = () => {},
} = {}) {
  const sb = await spawnSandbox({ groups: [{ instances, volumesPerInstance: volumes, snapshotsPerVolume: 0, hosts, namePrefix: 'pol' }] });
  const policy = {
    name: 'bench',
    instances: { names: ['pol-*'] },
    schedule: '0 0 1 1 *',
    retention: { keep_last: 1000 },
    create: { concurrency, per_host: perHost },
  };
  const rows = [];
  try {
    if (latencyMs > 0) await sb.addFault({ service: 'array', key: 'createStorageSnapshot', latencyMs });
    for (let r = 0; r < rounds; r++) {
      for (const mode of r % 2 === 0 ? ['create-all', 'policy'] : ['policy', 'create-all']) {
        log(`policy: ${mode}, ${instances} instances on ${hosts} hosts, concurrency ${concurrency}, per host ${perHost}`);
        rows.push(await runOnce(sb, mode, { policy, concurrency, perHost }));
      }
    }
  } finally {
    await sb.close();
  }
  const rate = (mode) => rows.filter((x) => x.mode === mode).map((x) => x.setsPerSecond);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    instances,
    hosts,
    concurrency,
    perHost,
    arrayLatencyMs: latencyMs,
    rows,
    policyToCreateAllRate: round(mean(rate('policy')) / mean(rate('create-all')), 2),
  };
}

async function runOnce(sb, mode, { policy, concurrency, perHost }) {
  const opened = await openBenchRuntime(sb.url, { policies: [policy] });
  const t0 = performance.now();
  let complete = 0;
  let failed = 0;
  try {
    if (mode === 'policy') {
      const report = await runPolicy(opened.rt, policy.name);
      for (const o of report.policies[0].occurrences.flatMap((x) => x.instances)) o.outcome === 'created' ? complete++ : failed++;
    } else {
      const outcomes = await createSnapshots(opened.rt, { instances: [], all: true, concurrency, perHost });
      for (const o of outcomes) {
        if (!o.instance?.startsWith?.('pol-') && !(o.kind === 'result' && o.result.instanceName.startsWith('pol-'))) continue;
        o.kind === 'result' && o.result.state === 'complete' ? complete++ : failed++;
      }
    }
  } finally {
    await opened.close();
  }
  const wallMs = performance.now() - t0;
  return { mode, wallMs: Math.round(wallMs), complete, failed, setsPerSecond: round(complete / (wallMs / 1000), 1) };
}
