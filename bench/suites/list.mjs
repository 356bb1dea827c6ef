import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMatchingJournal } from '../lib/journal-fixture.mjs';
import { runListCli } from '../lib/list-cli.mjs';
import { countRequests, spawnSandbox } from '../lib/sandbox-proc.mjs';
import { round, summarize } from '../lib/stats.mjs';

const CHILD = fileURLToPath(new URL('../lib/list-child.mjs', import.meta.url));

/**
 * List at scale: N instances x V volumes x S snapshots (src/sandbox/scale.ts), sandbox in one process,
 * the list in a fresh child process (bench/lib/list-child.mjs) so its wall time and peak RSS are ccsnap's.
 *   ccsnap   listSnapshots() (src/ops/list.ts): the whole list in memory, as a library caller gets it
 *   cli      `ccsnap list -f json`, the built CLI in its own process (start-up included), streaming its rows
 *   seed     per-instance lookups: GET /servers/{id} per instance, GET /volumes/{id} per volume (16 at a time)
 *   phases   listSnapshots' steps timed one by one (diagnosis)
 * Requests come from the sandbox transcript; "sandbox busy" is the sum of the sandbox's own handler times
 * (single-threaded, so it is a floor under the wall time that is not ccsnap's); "sandbox CPU" is the sandbox
 * process's CPU during a run (/proc: its handlers, HTTP, JSON and GC), the share of the machine it took.
 * journal 'matching' (default): ccsnap's journal knows every snapshot as a complete set, as it would after
 * ccsnap made them; 'empty': a new journal.
 */
export async function benchList({
  scales = [100, 1000, 5000, 10000],
  volumes = 2,
  snapshots = 10,
  hosts = 10,
  journal = 'matching',
  modesFor = defaultModes,
  timeoutMs = 600_000,
  log = () => {},
} = {}) {
  const rows = [];
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-list-'));
  try {
    for (const instances of scales) {
      const spec = { instances, volumesPerInstance: volumes, snapshotsPerVolume: snapshots, hosts };
      const sb = await spawnSandbox({ novaPaging: true, groups: [spec] });
      try {
        let journalFrom;
        if (journal === 'matching') {
          journalFrom = join(dir, `journal-${instances}.db`);
          log(`list: ${instances} instances, writing a journal with ${writeMatchingJournal(journalFrom, spec)} sets`);
        }
        for (const { mode, runs } of modesFor(instances)) {
          log(`list: ${instances} instances, ${mode}, ${runs} run(s)`);
          rows.push(await measureMode(sb, { instances, mode, runs, expected: instances * volumes * snapshots, timeoutMs, journalFrom }));
        }
        rows.at(-1).sandboxPeakRssKb = sb.peakRssKb();
      } finally {
        await sb.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    volumesPerInstance: volumes,
    snapshotsPerVolume: snapshots,
    hosts,
    journal,
    sandboxShim: 'Nova/Cinder next link on a full default page (bench/lib/sandbox-shims.mjs)',
    rows,
  };
}

/** Above 1000 instances one library run and three of the CLI; `full` adds the seed-style list (minutes: a request per instance and volume). */
export function defaultModes(instances, { full = false } = {}) {
  if (instances <= 100)
    return [
      { mode: 'ccsnap', runs: 5 },
      { mode: 'cli', runs: 3 },
      { mode: 'seed', runs: 3 },
      { mode: 'phases', runs: 1 },
    ];
  if (instances <= 1000)
    return [
      { mode: 'ccsnap', runs: 3 },
      { mode: 'cli', runs: 3 },
      { mode: 'seed', runs: 1 },
      { mode: 'phases', runs: 1 },
    ];
  return full
    ? [
        { mode: 'ccsnap', runs: 1 },
        { mode: 'cli', runs: 3 },
        { mode: 'seed', runs: 1 },
      ]
    : [
        { mode: 'ccsnap', runs: 1 },
        { mode: 'cli', runs: 3 },
      ];
}

async function measureMode(sb, { instances, mode, runs, expected, timeoutMs, journalFrom }) {
  const samples = [];
  let requests;
  let busy;
  let failure;
  const sandboxCpu = [];
  for (let i = 0; i < runs; i++) {
    await sb.takeTranscript();
    const cpu0 = sb.cpuMs();
    try {
      samples.push(mode === 'cli' ? await runListCli(sb, { journalFrom, timeoutMs }) : await runChild(sb.url, mode, timeoutMs, journalFrom));
    } catch (err) {
      failure = err.message;
      break;
    }
    const cpu1 = sb.cpuMs();
    if (cpu0 !== null && cpu1 !== null) sandboxCpu.push(cpu1 - cpu0);
    const entries = await sb.takeTranscript();
    requests = countRequests(entries);
    busy = sandboxBusy(entries);
  }
  const last = samples.at(-1);
  return {
    instances,
    mode,
    runs: samples.length,
    ...(failure ? { failure } : {}),
    wallMs: summarize(samples.map((s) => s.wallMs)),
    opCpuMs: summarize(samples.map((s) => s.opCpuMs)),
    maxRssKb: samples.length ? Math.max(...samples.map((s) => s.maxRssKb)) : null,
    heapUsedMb: last?.heapUsedMb ?? null,
    instancesSeen: last?.instances ?? null,
    entries: last?.entries ?? null,
    complete: last ? last.instances === instances && last.entries === expected : false,
    requests: requests ?? null,
    sandboxBusyMs: busy ?? null,
    // The whole sandbox process during the run (GC and sockets too): with ccsnap's CPU, what the machine's cores had to give.
    sandboxCpuMs: sandboxCpu.length ? summarize(sandboxCpu) : null,
    ...(last?.phases ? { phases: last.phases } : {}),
  };
}

function runChild(url, mode, timeoutMs, journalFrom) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=4096', CHILD, url, mode, ...(journalFrom ? [journalFrom] : [])],
      { timeout: timeoutMs, maxBuffer: 1 << 24, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(err.killed ? `timed out after ${timeoutMs / 1000} s` : `${err.message} ${stderr.slice(0, 500)}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
        } catch {
          reject(new Error(`list child printed no result: ${stdout.slice(0, 200)} ${stderr.slice(0, 500)}`));
        }
      },
    );
  });
}

function sandboxBusy(entries) {
  const out = {};
  for (const e of entries) if (e.doneAt !== undefined) out[e.service] = (out[e.service] ?? 0) + (e.doneAt - e.at);
  const total = Object.values(out).reduce((a, b) => a + b, 0);
  return { total: Math.round(total), ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(v, 0)])) };
}
