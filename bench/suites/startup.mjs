import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeServerInfo } from '../../dist/cli/sandbox-paths.js';
import { buildScaledState } from '../../dist/sandbox-entry.js';
import { spawnSandbox } from '../lib/sandbox-proc.mjs';
import { summarize } from '../lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CCSNAP = join(ROOT, 'bin', 'ccsnap.js');
const RSS_PRELOAD = fileURLToPath(new URL('../lib/rss-preload.mjs', import.meta.url));
const TIME = '/usr/bin/time';

/**
 * CLI start-up: wall time of whole processes (spawn to exit, measured here), and their peak RSS
 * (`/usr/bin/time -f %M` when present, else a preload that reports process.resourceUsage().maxRSS at exit).
 * `ccsnap list` runs against an EMPTY sandbox (no instances) that is already running in another process
 * (found through its server.json, as `ccsnap sandbox serve` leaves it), and against an empty state file
 * with the in-process sandbox. `node -e 0` is the floor.
 */
export async function benchStartup({ runs = 20, warmup = 2, log = () => {} } = {}) {
  const sb = await spawnSandbox({ groups: [] });
  const home = mkdtempSync(join(tmpdir(), 'ccsnap-bench-cli-'));
  try {
    const running = join(home, 'running');
    mkdirSync(running, { recursive: true });
    writeServerInfo({ url: sb.url, pid: sb.pid, statePath: join(running, 'state.json') });
    const inproc = join(home, 'inprocess');
    mkdirSync(inproc, { recursive: true });
    writeFileSync(join(inproc, 'state.json'), JSON.stringify(buildScaledState({ instances: 0, volumesPerInstance: 0, snapshotsPerVolume: 0 })));
    const env = (sandboxDir) => cleanEnv(home, sandboxDir);
    const cases = [
      { name: 'node -e 0 (floor)', argv: ['-e', '0'], env: env(running) },
      { name: 'ccsnap --help', argv: [CCSNAP, '--help'], env: env(running) },
      { name: 'ccsnap list (running empty sandbox)', argv: [CCSNAP, '--sandbox', 'list'], env: env(running) },
      { name: 'ccsnap list (in-process empty sandbox)', argv: [CCSNAP, '--sandbox', 'list'], env: env(inproc) },
    ];
    const rows = [];
    for (const c of cases) {
      log(`startup: ${c.name}, ${runs} runs`);
      const wall = [];
      for (let i = -warmup; i < runs; i++) {
        const r = await timed(c.argv, c.env, home);
        if (r.code !== 0) throw new Error(`${c.name}: exit ${r.code}: ${r.stderr.slice(0, 500)}`);
        if (i >= 0) wall.push(r.ms);
      }
      const rss = [];
      for (let i = 0; i < 3; i++) rss.push(await peakRss(c.argv, c.env, home));
      rows.push({
        name: c.name,
        wallMs: summarize(wall),
        maxRssKb: Math.max(...rss.filter(Number.isFinite)),
        rssMethod: existsSync(TIME) ? '/usr/bin/time -f %M' : 'preload resourceUsage().maxRSS',
      });
    }
    return { runs, rows };
  } finally {
    rmSync(home, { recursive: true, force: true });
    await sb.close();
  }
}

/** No OS_* and no clouds.yaml, so ccsnap uses its built-in sandbox; state under `sandboxDir`. */
function cleanEnv(home, sandboxDir) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.state'),
    CCSNAP_SANDBOX_DIR: sandboxDir,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
  };
}

function timed(argv, env, cwd) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, ms: performance.now() - t0, stderr }));
  });
}

function peakRss(argv, env, cwd) {
  if (existsSync(TIME)) {
    return new Promise((resolve) => {
      execFile(TIME, ['-f', '%M', process.execPath, ...argv], { env, cwd }, (_err, _stdout, stderr) => {
        const kb = Number(stderr.trim().split('\n').at(-1));
        resolve(Number.isFinite(kb) ? kb : NaN);
      });
    });
  }
  const out = join(cwd, `rss-${process.pid}-${Date.now()}.txt`);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', RSS_PRELOAD, ...argv], { env: { ...env, CCSNAP_BENCH_RSS_FILE: out }, cwd }, () => {
      try {
        resolve(Number(readFileSync(out, 'utf8')));
      } catch {
        resolve(NaN);
      }
    });
  });
}
