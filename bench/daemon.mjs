// node bench/daemon.mjs [--instances=1000] [--sets=10] [--idle-seconds=60] [--requests=50]   (after npm run build)
// The daemon's HTTP face in its own process over a journal of INSTANCES instances × SETS complete sets (2
// members each; one failed create per 10 instances), two policies covering every instance:
//   1. idle: CPU time (utime+stime from /proc/PID/stat) and RSS (VmRSS) over IDLE seconds with no request;
//   2. latency of GET /metrics, / and /api/v1/policies (sequential, after 3 warm-ups): median, p95, max, size.
// Everything is on 127.0.0.1. Prints one JSON object.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteJournal } from '../dist/journal/sqlite/journal.js';

const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const INSTANCES = arg('instances', 1000);
const SETS = arg('sets', 10);
const IDLE_S = arg('idle-seconds', 60);
const REQUESTS = arg('requests', 50);
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function writeJournal(path) {
  const j = SqliteJournal.open(path);
  const now = Date.now();
  j.batch(() => {
    for (let i = 0; i < INSTANCES; i++) {
      const id = `inst-${String(i).padStart(4, '0')}`;
      for (let k = 0; k < SETS; k++) {
        const setId = `s${i}-${k}`;
        void j.insertOperation({ id: `op-${setId}`, kind: 'create', instanceId: id, instanceName: `web-${i}`, plan: {} });
        void j.insertSet({
          id: setId,
          instanceId: id,
          instanceName: `web-${i}`,
          label: null,
          createdAt: new Date(now - (k + 1) * 3_600_000).toISOString(),
          opId: `op-${setId}`,
          members: [0, 1].map((m) => ({ volumeId: `v${i}-${m}`, arrayName: 'ec1', fsId: `fs${i}-${m}`, snapshotName: `snap-${setId}-${m}` })),
        });
        void j.finishSet(setId, { state: 'complete', consistency: 'filesystem-consistent', frozenMs: 5 + (k % 7) * 3 });
        void j.finishOperation(`op-${setId}`, { state: 'done' });
      }
      if (i % 10 === 0) {
        void j.insertOperation({ id: `op-f${i}`, kind: 'create', instanceId: id, instanceName: `web-${i}`, plan: {} });
        void j.finishOperation(`op-f${i}`, { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'agent not answering' });
      }
    }
  });
  j.close();
}

function procSample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { at: Date.now(), cpuTicks, rssKb };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x) => Math.round(x * 100) / 100;

async function latency(url, n) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < n + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 3) times.push(performance.now() - t0);
    bytes = Buffer.byteLength(body);
  }
  return { medianMs: round(pct(times, 50)), p95Ms: round(pct(times, 95)), maxMs: round(Math.max(...times)), bytes };
}

const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-daemon-'));
const journalPath = join(dir, 'journal.db');
writeJournal(journalPath);
const child = spawn(process.execPath, [new URL('./lib/daemon-child.mjs', import.meta.url).pathname, journalPath, String(INSTANCES)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`daemon child exited ${code}`)));
    createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('URL ') && resolve(l.slice(4)));
  });
  // Idle: no request at all, sampled every 5 s.
  const samples = [procSample(child.pid)];
  for (let t = 0; t < IDLE_S; t += 5) {
    await new Promise((r) => setTimeout(r, 5000)); // a measurement interval, not a wait for an event
    samples.push(procSample(child.pid));
  }
  const first = samples[0];
  const last = samples.at(-1);
  const idle = {
    seconds: (last.at - first.at) / 1000,
    cpuSeconds: (last.cpuTicks - first.cpuTicks) / TICK,
    cpuPercent: round(((last.cpuTicks - first.cpuTicks) / TICK / ((last.at - first.at) / 1000)) * 100),
    rssMbStart: round(first.rssKb / 1024),
    rssMbEnd: round(last.rssKb / 1024),
    rssMbMax: round(Math.max(...samples.map((s) => s.rssKb)) / 1024),
  };
  const metrics = await latency(`${url}/metrics`, REQUESTS);
  const page = await latency(`${url}/`, Math.min(REQUESTS, 20));
  const policies = await latency(`${url}/api/v1/policies`, Math.min(REQUESTS, 20));
  const after = procSample(child.pid);
  console.log(
    JSON.stringify(
      {
        instances: INSTANCES,
        setsPerInstance: SETS,
        clockTick: TICK,
        idle,
        metrics,
        page,
        policies,
        rssMbAfterRequests: round(after.rssKb / 1024),
        loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
}
