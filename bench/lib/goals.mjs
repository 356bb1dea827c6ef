/** The issue-8 goals, judged against the results. */
export function judgeGoals(r) {
  const goals = [];
  if (r.freeze) {
    for (const [method, label] of [
      ['ccsnap', 'library, one Runtime'],
      ['ccsnap-fresh', 'new Runtime per create, like the CLI'],
    ]) {
      const rows = r.freeze.rows.filter((x) => x.method === method && x.overheadMs.median !== null);
      if (!rows.length) continue;
      const worst = rows.reduce((a, b) => (b.overheadMs.median > a.overheadMs.median ? b : a));
      goals.push(
        goal(
          `Freeze-window overhead, median, worst configuration (${label})`,
          '≤ 5 ms',
          `${worst.overheadMs.median} ms (${worst.latencyMs} ms latency, ${worst.volumes} vol); all (0/50/500 ms × 1 vol, then × 4 vol): ${rows.map((x) => x.overheadMs.median).join(', ')} ms`,
          worst.overheadMs.median <= 5,
        ),
      );
    }
    const at50 = r.freeze.ratios.filter((x) => x.latencyMs === 50 && x.seedOverCcsnap !== null);
    if (at50.length)
      goals.push(
        goal(
          'Seed window / ccsnap window at 50 ms array latency',
          '≥ 5',
          at50.map((x) => `${x.seedOverCcsnap}× (${x.volumes} vol)`).join(', '),
          at50.every((x) => x.seedOverCcsnap >= 5),
        ),
      );
  }
  if (r.list) {
    const at1000 = r.list.rows.find((x) => x.instances === 1000 && x.mode === 'ccsnap');
    if (at1000?.wallMs.median != null) {
      const phases = r.list.rows.find((x) => x.instances === 1000 && x.mode === 'phases')?.phases;
      const note = phases
        ? `; step by step: listStorageSnapshots ${phases.listStorageSnapshots} ms, journal ${phases.journal} ms, catalog ${phases.catalogSnapshots} ms (sandbox busy ${at1000.sandboxBusyMs?.total} ms)`
        : '';
      goals.push(goal('ccsnap list, 1000 instances', '≤ 1 s', `${(at1000.wallMs.median / 1000).toFixed(2)} s${note}`, at1000.wallMs.median <= 1000));
    }
    // The operator's command: `ccsnap list -f json` (start-up included), rows streamed out as they come;
    // the library's whole-list call beside it for reference.
    const cli10k = r.list.rows.find((x) => x.instances === 10000 && x.mode === 'cli');
    const lib10k = r.list.rows.find((x) => x.instances === 10000 && x.mode === 'ccsnap');
    if (cli10k?.wallMs.median != null) {
      const mb = Math.round(cli10k.maxRssKb / 1024);
      const lib =
        lib10k?.wallMs.median != null
          ? `; listSnapshots() holding the whole list: ${(lib10k.wallMs.median / 1000).toFixed(2)} s, ${Math.round(lib10k.maxRssKb / 1024)} MB`
          : '';
      goals.push(
        goal(
          'ccsnap list -f json, 10 000 instances (issue 16)',
          '≤ 5 s, peak RSS ≤ 250 MB',
          `${(cli10k.wallMs.median / 1000).toFixed(2)} s median of ${cli10k.runs} (CPU ${(cli10k.opCpuMs.median / 1000).toFixed(2)} s, sandbox busy ${cli10k.sandboxBusyMs?.total} ms, sandbox CPU ${cli10k.sandboxCpuMs ? (cli10k.sandboxCpuMs.median / 1000).toFixed(2) : '?'} s), ${mb} MB (max of the runs)${lib}`,
          cli10k.complete && cli10k.wallMs.median <= 5000 && mb <= 250,
        ),
      );
    }
    const ccsnap = r.list.rows.filter((x) => x.mode === 'ccsnap' && x.requests);
    if (ccsnap.length) {
      const paging = ccsnap.every((x) => x.requests.openstack <= 2 + pages(x.instances) + pages(x.instances * r.list.volumesPerInstance));
      goals.push(
        goal(
          'OpenStack requests of ccsnap list do not grow beyond paging',
          'keystone + pages',
          ccsnap
            .map(
              (x) =>
                `${x.instances} inst: ${x.requests.openstack} (array ${x.requests.byService.array ?? 0} = 1 listFileSystem + 1 listStorageSnapshots per volume, by design)`,
            )
            .join('; '),
          paging,
        ),
      );
    }
  }
  if (r.startup) {
    const help = r.startup.rows.find((x) => x.name === 'ccsnap --help');
    if (help?.wallMs.median != null)
      goals.push(goal('ccsnap --help', '≤ 150 ms', `${help.wallMs.median} ms median, ${Math.round(help.maxRssKb / 1024)} MB`, help.wallMs.median <= 150));
  }
  const at8 = r.fleet?.byConcurrency?.find((c) => c.concurrency === 8);
  if (at8?.overheadMs.p95 != null)
    goals.push(
      goal(
        'Fleet freeze-window overhead p95 at concurrency 8 (issue 16)',
        '≤ 10 ms',
        `${at8.overheadMs.p95} ms (median ${at8.overheadMs.median} ms, ${at8.overheadMs.n} windows of ${at8.runs} run(s); CPU pressure ${at8.cpuPressurePct} %)`,
        at8.overheadMs.p95 <= 10,
      ),
    );
  return goals;
}

/** Pages of 1000 (the Nova/Cinder default max_limit): a full last page costs one more, empty, request. */
function pages(n) {
  return Math.floor(n / 1000) + 1;
}

function goal(name, target, measured, met) {
  return { goal: name, target, measured, status: met ? 'met' : 'NOT met' };
}
