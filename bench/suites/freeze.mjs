import { createSnapshots } from '../../dist/ops/create.js';
import { gatherInventory } from '../../dist/ops/inventory.js';
import { sandboxUriTemplate, SANDBOX_API_KEY } from '../../dist/sandbox-entry.js';
import { openBenchRuntime } from '../lib/runtime.mjs';
import { frozenWindows, spawnSandbox } from '../lib/sandbox-proc.mjs';
import { haveSeedTools, prepareSeed } from '../lib/seed-pipeline.mjs';
import { round, summarize } from '../lib/stats.mjs';

/**
 * Freeze window: how long the guest stays frozen, as the sandbox's hypervisor records it (freeze and
 * thaw events on its own clock), and the overhead beyond the slowest array call (the array's own
 * service time for createStorageSnapshot, from the sandbox transcript).
 *
 *   ccsnap        createSnapshots() (library, persistent virsh session; all members in parallel), one
 *                 Runtime for all runs (warm connections to the array)
 *   ccsnap-fresh  the same with a new Runtime per run, as one `ccsnap create` process has
 *   seed          the blog post's Task 1 in bash: one-shot virsh freeze, the curl|json|awk|curl pipeline
 *                 per volume, one-shot virsh thaw
 *   sequential    ccsnap's own virsh session and array client, but one createStorageSnapshot after another
 *
 * Methods are interleaved (rotating order) so drift hits all of them alike; warm-up runs are dropped.
 */
export async function benchFreeze({ runs = 30, runsByLatency = {}, latencies = [0, 50, 500], volumeCounts = [1, 4], warmup = 2, log = () => {} } = {}) {
  const sb = await spawnSandbox({
    groups: [
      { instances: 1, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts: 1, namePrefix: 'one' },
      { instances: 1, volumesPerInstance: 4, snapshotsPerVolume: 0, hosts: 1, namePrefix: 'quad' },
    ],
  });
  const opened = await openBenchRuntime(sb.url);
  const seed = haveSeedTools() ? prepareSeed(sb.url, SANDBOX_API_KEY) : undefined;
  const rows = [];
  try {
    const inventory = await gatherInventory(opened.rt, {});
    for (const volumes of volumeCounts) {
      const entry = inventory.instances.find((i) => i.instance.name === (volumes === 1 ? 'one-00001' : 'quad-00001'));
      if (!entry || entry.volumes.length !== volumes) throw new Error(`freeze bench: no instance with ${volumes} array volumes`);
      const methods = makeMethods(opened.rt, entry, sb.url, seed);
      for (const latencyMs of latencies) {
        await sb.clearFaults();
        if (latencyMs > 0) await sb.addFault({ service: 'array', key: 'createStorageSnapshot', latencyMs });
        const n = runsByLatency[latencyMs] ?? runs;
        log(`freeze: ${volumes} volume(s), array latency ${latencyMs} ms, ${n} runs x ${methods.length} methods`);
        const samples = Object.fromEntries(methods.map((m) => [m.name, []]));
        const failures = Object.fromEntries(methods.map((m) => [m.name, []]));
        for (let i = -warmup; i < n; i++) {
          const order = methods.map((_, k) => methods[(k + Math.max(0, i)) % methods.length]);
          for (const method of order) {
            try {
              const s = await measureOnce(sb, entry.instance.domain, method, i);
              if (i >= 0) samples[method.name].push(s);
            } catch (err) {
              if (i >= 0) failures[method.name].push(err.message);
            }
          }
        }
        for (const m of methods) rows.push(summarizeRow(latencyMs, volumes, m.name, samples[m.name], failures[m.name]));
      }
    }
    await sb.clearFaults();
  } finally {
    seed?.close();
    await opened.close();
    await sb.close();
  }
  return { note: NOTE, seedAvailable: Boolean(seed), rows, ratios: ratiosOf(rows) };
}

const NOTE =
  'frozen = thaw event - freeze event on the sandbox clock (1 ms resolution); overhead = frozen - slowest createStorageSnapshot as served by the sandbox array (transcript doneAt - at); array latency is injected on createStorageSnapshot only.';

function makeMethods(rt, entry, sandboxUrl, seed) {
  const { instance, volumes } = entry;
  const hv = rt.hypervisorFor(instance.host);
  const methods = [
    {
      name: 'ccsnap',
      async run() {
        const [out] = await createSnapshots(rt, { instances: [instance.id] });
        if (out?.kind !== 'result' || out.result.state !== 'complete')
          throw new Error(`ccsnap create failed: ${JSON.stringify(out?.kind === 'result' ? out.result.error : out?.error)}`);
      },
    },
    {
      // One CLI run's worth of state: a new Runtime (virsh session, watchdog, array and OpenStack
      // connections) per create, as `ccsnap create` has; everything it opens before the freeze is not timed.
      name: 'ccsnap-fresh',
      async run() {
        const fresh = await openBenchRuntime(sandboxUrl);
        try {
          const [out] = await createSnapshots(fresh.rt, { instances: [instance.id] });
          if (out?.kind !== 'result' || out.result.state !== 'complete')
            throw new Error(`ccsnap create failed: ${JSON.stringify(out?.kind === 'result' ? out.result.error : out?.error)}`);
        } finally {
          await fresh.close();
        }
      },
    },
    {
      name: 'sequential',
      async run(i) {
        await hv.freeze(instance.domain);
        try {
          for (const [k, v] of volumes.entries())
            await rt.array(v.array.name).createStorageSnapshot({ fsId: v.array.fsId, name: `seq_${process.pid}_${i}_${Date.now()}_${k}` });
        } finally {
          await hv.thaw(instance.domain);
        }
      },
    },
  ];
  if (seed) {
    const uri = sandboxUriTemplate(sandboxUrl).replace('{host}', instance.host);
    const fsNames = volumes.map((v) => v.id.replace(/-/g, ''));
    methods.splice(1, 0, { name: 'seed', run: (i) => seed.run({ uri, domain: instance.domain, fsNames, snapName: `seed_${process.pid}_${i}_${Date.now()}` }) });
  }
  return methods;
}

async function measureOnce(sb, domain, method, i) {
  const [, before] = await Promise.all([sb.takeTranscript(), sb.domainEvents(domain)]);
  const windowsBefore = frozenWindows(before).length;
  await method.run(i);
  const [entries, after] = await Promise.all([sb.takeTranscript(), sb.domainEvents(domain)]);
  const windows = frozenWindows(after).slice(windowsBefore);
  if (windows.length !== 1 || windows[0].ms === undefined) throw new Error(`${method.name}: expected one closed frozen window, saw ${JSON.stringify(windows)}`);
  const creates = entries.filter((e) => e.service === 'array' && e.command === 'createStorageSnapshot' && e.doneAt !== undefined);
  if (creates.length === 0) throw new Error(`${method.name}: no createStorageSnapshot in the transcript`);
  const slowest = Math.max(...creates.map((e) => e.doneAt - e.at));
  const arraySpan = Math.max(...creates.map((e) => e.doneAt)) - Math.min(...creates.map((e) => e.at));
  return { frozenMs: windows[0].ms, slowestArrayMs: slowest, arraySpanMs: arraySpan, overheadMs: windows[0].ms - slowest, creates: creates.length };
}

function summarizeRow(latencyMs, volumes, method, samples, failures) {
  return {
    latencyMs,
    volumes,
    method,
    runs: samples.length,
    failures: failures.length,
    ...(failures.length ? { firstFailure: failures[0] } : {}),
    frozenMs: summarize(samples.map((s) => s.frozenMs)),
    overheadMs: summarize(samples.map((s) => s.overheadMs)),
    slowestArrayMs: summarize(samples.map((s) => s.slowestArrayMs)),
    arraySpanMs: summarize(samples.map((s) => s.arraySpanMs)),
  };
}

function ratiosOf(rows) {
  const out = [];
  for (const r of rows.filter((x) => x.method === 'ccsnap')) {
    const other = (name) => rows.find((x) => x.method === name && x.latencyMs === r.latencyMs && x.volumes === r.volumes);
    const ratio = (o) => (o && o.frozenMs.median && r.frozenMs.median ? round(o.frozenMs.median / r.frozenMs.median, 2) : null);
    const fresh = other('ccsnap-fresh');
    const seed = other('seed');
    const seedOverFresh = seed && fresh && seed.frozenMs.median && fresh.frozenMs.median ? round(seed.frozenMs.median / fresh.frozenMs.median, 2) : null;
    out.push({
      latencyMs: r.latencyMs,
      volumes: r.volumes,
      seedOverCcsnap: ratio(seed),
      seedOverCcsnapFresh: seedOverFresh,
      sequentialOverCcsnap: ratio(other('sequential')),
    });
  }
  return out;
}
