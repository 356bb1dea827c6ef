/** Markdown tables for bench/results/latest.md and the console. */

const fmt = (x, unit = '') => (x === null || x === undefined ? '–' : `${x}${unit}`);
const kbToMb = (kb) => (kb ? Math.round(kb / 1024) : null);

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map((c) => String(c ?? '–')).join(' | ')} |`);
  return lines.join('\n');
}

export function renderMarkdown(results) {
  const m = results.machine;
  const out = [
    '# ccsnap benchmarks',
    '',
    `Measured ${results.startedAt} by \`npm run bench\` (${Math.round(results.durationMs / 1000)} s): ${m.cpuModel}, ${m.cores} cores, ${m.memoryMb} MB, ${m.os}, Node ${m.node}, commit ${m.commit}${m.dirtyPaths?.length ? ` (+ uncommitted changes in ${m.dirtyPaths.join(', ')})` : m.dirty ? ' (+ uncommitted changes)' : ''} (dist ${results.dist ?? '?'}), load average at start ${m.loadAverage.join(' / ')}.`,
    'How to reproduce and what each number means: bench/README.md.',
    '',
  ];
  if (results.goals?.length)
    out.push(
      '## Goals',
      '',
      table(
        ['Goal', 'Target', 'Measured', 'Status'],
        results.goals.map((g) => [g.goal, g.target, g.measured, g.status]),
      ),
      '',
    );
  if (results.freeze) out.push(...freezeSection(results.freeze));
  if (results.thaw) out.push(...thawSection(results.thaw));
  if (results.list) out.push(...listSection(results.list));
  if (results.fleet) out.push(...fleetSection(results.fleet));
  if (results.startup) out.push(...startupSection(results.startup));
  if (results.workers) out.push(...workersSection(results.workers));
  if (results.errors?.length) out.push('## Errors', '', ...results.errors.map((e) => `- ${e.suite}: ${e.message}`), '');
  return `${out.join('\n')}\n`;
}

function freezeSection(f) {
  const rows = f.rows.map((r) => [
    r.latencyMs,
    r.volumes,
    r.method,
    r.runs + (r.failures ? ` (+${r.failures} failed)` : ''),
    fmt(r.frozenMs.median),
    fmt(r.frozenMs.p95),
    fmt(r.overheadMs.median),
    fmt(r.overheadMs.p95),
    fmt(r.slowestArrayMs.median),
  ]);
  const ratios = f.ratios.map((r) => [r.latencyMs, r.volumes, fmt(r.seedOverCcsnap, '×'), fmt(r.seedOverCcsnapFresh, '×'), fmt(r.sequentialOverCcsnap, '×')]);
  return [
    '## 1. Freeze window (sandbox clock)',
    '',
    `${f.note} ccsnap = library \`createSnapshots\` on one Runtime (warm connections); ccsnap-fresh = a new Runtime per run, as one \`ccsnap create\` process; seed = the blog post's Task 1 Steps 2–4 in bash${f.seedAvailable ? '' : ' (NOT RUN: curl/awk/bash missing)'}; sequential = freeze, one createStorageSnapshot after another, thaw.`,
    '',
    table(
      [
        'Array latency (ms)',
        'Volumes',
        'Method',
        'Runs',
        'Frozen median (ms)',
        'Frozen p95',
        'Overhead median (ms)',
        'Overhead p95',
        'Slowest array call median',
      ],
      rows,
    ),
    '',
    table(['Array latency (ms)', 'Volumes', 'seed / ccsnap (median frozen)', 'seed / ccsnap-fresh', 'sequential / ccsnap'], ratios),
    '',
  ];
}

function thawSection(t) {
  const rows = [];
  const add = (where, block) => {
    if (!block.available) return rows.push([where, '–', '–', '–', '–', block.reason]);
    for (const r of block.rows)
      rows.push([where, r.session, r.iterations, fmt(r.thawMs.median), fmt(r.thawMs.p95), `freeze median ${fmt(r.freezeMedianMs)} ms`]);
  };
  add('real QEMU guest', t.real);
  add('sandbox-virsh (emulated)', t.sandbox);
  return [
    '## 2. Thaw latency (persistent virsh session vs one-shot)',
    '',
    table(['Where', 'Session', 'Iterations', 'Thaw median (ms)', 'Thaw p95 (ms)', 'Note'], rows),
    '',
  ];
}

function listSection(l) {
  const rows = l.rows.map((r) => [
    r.instances,
    r.mode,
    r.runs + (r.failure ? ` (${r.failure})` : ''),
    fmt(r.wallMs.median),
    fmt(r.opCpuMs.median),
    fmt(kbToMb(r.maxRssKb)),
    r.requests ? r.requests.openstack : '–',
    r.requests ? `${r.requests.byService.nova ?? 0}/${r.requests.byService.cinder ?? 0}/${r.requests.byService.keystone ?? 0}` : '–',
    r.requests ? (r.requests.byService.array ?? 0) : '–',
    r.sandboxBusyMs ? r.sandboxBusyMs.total : '–',
    r.sandboxCpuMs ? fmt(r.sandboxCpuMs.median) : '–',
    r.complete ? 'yes' : `no (${fmt(r.instancesSeen)} inst, ${fmt(r.entries)} entries)`,
  ]);
  const phases = l.rows.filter((r) => r.phases).map((r) => [r.instances, ...Object.values(r.phases)]);
  const phaseNames = l.rows.find((r) => r.phases) ? Object.keys(l.rows.find((r) => r.phases).phases) : [];
  return [
    `## 3. List at scale (${l.volumesPerInstance} volumes and ${l.snapshotsPerVolume} snapshots per volume per instance, ${l.hosts} hosts)`,
    '',
    `Each list runs in a fresh child process; the sandbox runs in another process. ccsnap, seed, phases: the library call (wall and CPU of the operation, incl. Keystone auth). cli: \`ccsnap --os-cloud ccsnap-sandbox list -f json\` with a clouds.yaml and a ccsnap config naming the sandbox, as on a cloud (wall from spawn to exit, start-up included; CPU of the whole process; its rows streamed to the bench and counted). Peak RSS: that process's maxRSS (the largest of the runs). Bench shim: ${l.sandboxShim}.`,
    '',
    table(
      [
        'Instances',
        'Method',
        'Runs',
        'Wall median (ms)',
        'List process CPU (ms)',
        'Peak RSS (MB)',
        'OpenStack requests',
        'nova/cinder/keystone',
        'Array requests',
        'Sandbox busy (ms)',
        'Sandbox CPU (ms)',
        'Complete',
      ],
      rows,
    ),
    '',
    ...(phases.length ? ['listSnapshots step by step (ms):', '', table(['Instances', ...phaseNames], phases), ''] : []),
  ];
}

function fleetSection(f) {
  const rows = f.rows.map((r) => [
    r.concurrency,
    r.run ?? 1,
    r.perHost,
    fmt(r.wallMs),
    fmt(r.instancesPerSecond),
    `${r.complete}/${r.complete + r.failed}`,
    r.maxFrozenPerHost,
    r.maxFrozenFleet,
    `${r.maxActive} / ${r.meanActive}`,
    r.idealActive,
    `${fmt(r.medianFrozenMs)} / ${fmt(r.p95FrozenMs)}`,
    `${fmt(r.windowParts?.overheadMs?.median)} / ${fmt(r.windowParts?.overheadMs?.p95)}`,
    `${fmt(r.windowParts?.freezeToFirstCallMs.median)} / ${fmt(r.windowParts?.arrayCallsMs.median)} / ${fmt(r.windowParts?.lastAnswerToThawMs.median)}`,
    `${fmt(r.machineBusyPct)} (ccsnap ${fmt(r.ccsnapCpuPct)}, sandbox ${fmt(r.sandboxCpuPct)})`,
    fmt(r.cpuPressurePct),
  ]);
  return [
    `## 4. Fleet create (${f.instances} instances × ${f.volumesPerInstance} volumes on ${f.hosts} hosts, array latency ${f.arrayLatencyMs} ms)`,
    '',
    table(
      [
        'Concurrency',
        'Run',
        'Per host',
        'Wall (ms)',
        'Instances/s',
        'Complete',
        'Max frozen per host',
        'Max frozen fleet-wide',
        'Active tasks max / mean',
        'Ideal active',
        'Frozen median / p95 (ms)',
        'Overhead median / p95 (ms)',
        'Window: freeze→1st call / calls / last answer→thaw (median ms)',
        'Machine busy % (ccsnap, sandbox: % of one core)',
        'CPU pressure %',
      ],
      rows,
    ),
    '',
    ...(f.byConcurrency
      ? [
          `Freeze-window overhead (window minus the array calls), every window of ${f.runs} run(s) pooled:`,
          '',
          table(
            [
              'Concurrency',
              'Runs',
              'Windows',
              'Overhead median (ms)',
              'Overhead p95 (ms)',
              'Overhead max (ms)',
              'Instances/s median (min–max)',
              'CPU pressure % (median)',
            ],
            f.byConcurrency.map((c) => [
              c.concurrency,
              c.runs,
              c.overheadMs.n,
              fmt(c.overheadMs.median),
              fmt(c.overheadMs.p95),
              fmt(c.overheadMs.max),
              `${fmt(c.instancesPerSecond.median)} (${fmt(c.instancesPerSecond.min)}–${fmt(c.instancesPerSecond.max)})`,
              fmt(c.cpuPressurePct),
            ]),
          ),
          '',
        ]
      : []),
  ];
}

function startupSection(s) {
  const rows = s.rows.map((r) => [r.name, r.wallMs.n, fmt(r.wallMs.median), fmt(r.wallMs.p95), fmt(kbToMb(r.maxRssKb)), r.rssMethod]);
  return ['## 5. CLI start-up', '', table(['Command', 'Runs', 'Wall median (ms)', 'Wall p95 (ms)', 'Max RSS (MB)', 'RSS measured by'], rows), ''];
}

function workersSection(w) {
  const rows = w.byWorkers.map((b) => [
    b.workers,
    b.failedRuns ? `${b.runs} (+${b.failedRuns} failed)` : b.runs,
    fmt(b.setsPerSecond),
    fmt(b.servingSetsPerSecond),
    fmt(b.ccsnapCpuMsPerSet),
    fmt(b.ccsnapCores),
    fmt(b.idleCpuMsPerSecondPerWorker),
    `${fmt(b.virshSessionsCpuMsPerSet)} (${fmt(b.virshSessionsAtEnd)})`,
    fmt(b.postgresCpuMsPerSet),
    fmt(b.sandboxCpuMsPerSet),
    `${fmt(b.meanFrozenFleet)} / ${fmt(b.idealFrozenFleet)}`,
    `${fmt(b.medianFrozenMs)} / ${fmt(b.p95FrozenMs)}`,
    `${b.maxFrozenPerHost} (≤ ${w.perHost})`,
    fmt(b.machineBusyPct, ' %'),
    fmt(b.loadAverage1m),
  ]);
  const p = w.projection;
  const failed = Object.entries(w.checks.failedRuns).filter(([, runs]) => runs.length);
  return [
    `## 7. Many workers on PostgreSQL (${w.instances} instances, ${w.volumes} volumes, ${w.hosts} hosts, per host ${w.perHost}, ${w.arrayLatencyMs} ms array latency, fleet ${JSON.stringify(w.fleet)})`,
    '',
    `W \`ccsnap daemon\` processes on one throwaway PostgreSQL cluster (a fresh database per run), one ad-hoc occurrence each run, trigger to "done"${w.warmupInstances ? ` (after a warm-up occurrence of ${w.warmupInstances} instances)` : ''}; medians of the runs that passed the checks (${w.runsPerWorkerCount} per W, the order alternating). CPU per set: the workers' own utime+stime; their virsh sessions (sandbox-virsh.js, Node), the PostgreSQL server and the sandbox apart. Checks (one complete set per instance, no set unfinished, no snapshot of a failed attempt left, every guest thawed, ≤ per_host frozen per host): ${w.checks.passed ? 'passed' : `FAILED: ${failed.map(([k, runs]) => `${k} (${runs.join(', ')})`).join('; ')}`}.`,
    '',
    table(
      [
        'Workers',
        'Runs',
        'Sets/s',
        'Serving sets/s',
        'ccsnap CPU ms/set',
        'ccsnap cores',
        'Idle worker CPU ms/s',
        'virsh sessions ms/set (processes)',
        'PostgreSQL ms/set',
        'Sandbox ms/set',
        'Frozen at once: mean / ideal',
        'Window median / p95 (ms)',
        'Max frozen per host',
        'Machine busy',
        'Load (1 min)',
      ],
      rows,
    ),
    '',
    "Where the wall time goes (medians, ms): the run, then one instance's job.",
    '',
    table(
      ['Workers', ...Object.keys(w.byWorkers[0]?.phasesMs ?? {}), ...Object.keys(w.byWorkers[0]?.jobPartsMedianMs ?? {}).map((k) => `job: ${k}`)],
      w.byWorkers.map((b) => [b.workers, ...Object.values(b.phasesMs).map((x) => fmt(x)), ...Object.values(b.jobPartsMedianMs).map((x) => fmt(x))]),
    ),
    '',
    ...(p
      ? [
          'Projection, instances per hour:',
          '',
          `- CPU bound per core: ${p.cpuBoundPerCore} (${p.cpuBoundFrom}); with the PostgreSQL server's CPU too: ${fmt(p.cpuBoundPerCoreWithPostgres)}`,
          `- host bound: ${fmt(p.hostBound)} (${fmt(p.hostBoundFrom)})`,
          `- measured: ${p.measured} (${p.measuredFrom})`,
          ...p.perWorkers.map(
            (x) =>
              `- ${x.workers} worker(s): measured ${x.measured} (per core of ccsnap CPU ${fmt(x.measuredPerCcsnapCore)}); concurrency bound ${fmt(x.concurrencyBound)} (${fmt(x.concurrencyBoundFrom)}); binds: ${x.binds}`,
          ),
          '',
        ]
      : []),
  ];
}
