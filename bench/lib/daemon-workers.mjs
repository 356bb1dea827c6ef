import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { SANDBOX_API_KEY, SANDBOX_API_KEY_ENV, SANDBOX_CLOUD_NAME, sandboxCcsnapConfig, sandboxCloudEntry } from '../../dist/sandbox-entry.js';

const CCSNAP_BIN = fileURLToPath(new URL('../../bin/ccsnap.js', import.meta.url));

/**
 * `ccsnap daemon` workers of the built CLI, configured as against a real cloud: a clouds.yaml with the
 * sandbox's Keystone, a ccsnap config with the sandbox's array and virsh, the journal (a PostgreSQL URL over a
 * Unix socket: no password anywhere) in that config, not in argv. Everything on loopback.
 */
export function writeWorkerConfig(dir, sandboxUrl, { journal, policies, fleet, maxSnapshotCalls }) {
  const clouds = join(dir, 'clouds.yaml');
  const config = join(dir, 'ccsnap.yaml');
  writeFileSync(clouds, stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCloudEntry(sandboxUrl) } }));
  const base = sandboxCcsnapConfig(sandboxUrl);
  // max_snapshot_calls: the array's limit on snapshot calls at once, across every worker (none by default).
  const arrays = base.arrays.map((a) => ({ ...a, ...(maxSnapshotCalls ? { max_snapshot_calls: maxSnapshotCalls } : {}) }));
  const cloud = { ...base, arrays, journal, policies, ...(fleet ? { fleet } : {}) };
  writeFileSync(config, stringify({ clouds: { [SANDBOX_CLOUD_NAME]: cloud } }));
  return { argv: ['--os-cloud', SANDBOX_CLOUD_NAME, '--config', config], env: workerEnv(dir, clouds) };
}

/** The caller's environment without OpenStack/ccsnap settings; HOME and state dirs inside `dir`. */
function workerEnv(dir, clouds) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OS_|CCSNAP_|PG)/.test(k)));
  return {
    ...env,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'xdg-state'),
    CCSNAP_SANDBOX_DIR: dir,
    OS_CLIENT_CONFIG_FILE: clouds,
    [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY,
    NO_COLOR: '1',
  };
}

/**
 * Starts `n` daemons at once (`bin`: another build's bin/ccsnap.js, to compare) and resolves when every one
 * listens and serves the job queue: each as
 * {child, pid, api, stderr(), waitLine(re, from), mark()}. A worker that exits first rejects with its stderr.
 */
export async function startWorkers(n, { argv, env, bin = CCSNAP_BIN }) {
  const workers = Array.from({ length: n }, () => spawnWorker(bin, argv, env));
  try {
    for (const w of workers) {
      w.api = (await w.waitLine(/ccsnap daemon: listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
      await w.waitLine(/ccsnap daemon: worker: serving policy jobs/);
    }
  } catch (err) {
    await stopWorkers(workers);
    throw err;
  }
  return workers;
}

function spawnWorker(bin, argv, env) {
  const child = spawn(process.execPath, [bin, ...argv, 'daemon', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const waiters = new Set();
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr.on('data', (d) => {
    text += d.toString();
    for (const check of waiters) check();
  });
  return {
    child,
    pid: child.pid,
    api: null,
    exited,
    stderr: () => text,
    /** Where the next waitLine may start looking (the end of what it wrote so far). */
    mark: () => text.length,
    /** The first match of `re` in what the worker wrote at or after `from` (an event, never a fixed wait). */
    waitLine(re, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.slice(from).match(re);
          if (!m) return;
          waiters.delete(check);
          resolve(m);
        };
        waiters.add(check);
        check();
        void exited.then((e) => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          reject(new Error(`worker ${child.pid} exited (${JSON.stringify(e)}) before ${re}:\n${text.slice(-3000)}`));
        });
      });
    },
  };
}

/** SIGTERM (the daemon finishes open freeze windows, then exits), SIGKILL after `graceMs` as a last resort. */
export async function stopWorkers(workers, { graceMs = 60_000 } = {}) {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      w.child.kill('SIGTERM');
      const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
      await w.exited;
      clearTimeout(timer);
    }),
  );
}
