import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export { frozenWindows } from '../../dist/sandbox-entry.js';

const SERVER = fileURLToPath(new URL('./sandbox-server.mjs', import.meta.url));

/**
 * Starts bench/lib/sandbox-server.mjs and talks to it over its HTTP control routes only
 * (/_sandbox/transcript, /_sandbox/faults, /hypervisor/_domains/...). Only 127.0.0.1.
 */
export async function spawnSandbox(spec, { startTimeoutMs = 120_000 } = {}) {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', SERVER, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const info = await firstLine(child, startTimeoutMs, () => stderr);
  let exit = null;
  child.once('exit', (code, signal) => (exit = { code, signal }));
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(info.url)) throw new Error(`sandbox child answered a non-loopback url ${info.url}`);
  let cursor = 0;
  const get = async (path) => {
    const res = await fetchRetrying(`${info.url}${path}`);
    if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status}`);
    return res.json();
  };
  const sb = {
    url: info.url,
    pid: info.pid,
    buildMs: info.buildMs,
    counts: info.counts,
    /** Entries since the last call (control requests removed); moves the cursor. */
    async takeTranscript() {
      const { transcript, firstSeq } = await get(`/_sandbox/transcript?since=${cursor}`);
      // Counts from a transcript that dropped entries the bench did not see would be too small.
      if (firstSeq > cursor + 1) throw new Error(`sandbox transcript dropped entries ${cursor + 1}..${firstSeq - 1} before the bench read them`);
      if (transcript.length > 0) cursor = transcript[transcript.length - 1].seq;
      return transcript.filter((e) => e.service !== 'control');
    },
    async addFault(rule) {
      const res = await fetchRetrying(`${info.url}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
      if (res.status !== 201) throw new Error(`sandbox: add fault: HTTP ${res.status}`);
    },
    async clearFaults() {
      await fetchRetrying(`${info.url}/_sandbox/faults`, { method: 'DELETE' });
    },
    async domainEvents(domain) {
      return (await get(`/hypervisor/_domains/${encodeURIComponent(domain)}`)).events;
    },
    /** Why the sandbox process is gone ({code, signal} and the end of its stderr), or null while it runs. */
    gone() {
      return exit && { ...exit, stderr: stderr.slice(-2000) };
    },
    /** CPU time (user + system) the sandbox process used so far (Linux /proc), in ms. */
    cpuMs() {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return null;
      }
    },
    /** Peak resident set of the sandbox process (Linux /proc), in KB. */
    peakRssKb() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : null;
      } catch {
        return null;
      }
    },
    close() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin.end();
      });
    },
  };
  return sb;
}

/**
 * fetch, tried up to 3 times on a network error: after a long pause the sandbox (keepAliveTimeout 30 s) may
 * have closed the idle keep-alive socket the client is about to reuse (EPIPE / ECONNRESET).
 */
export async function fetchRetrying(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

function firstLine(child, timeoutMs, stderr) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox child did not start in ${timeoutMs} ms: ${stderr()}`));
    }, timeoutMs);
    rl.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch (err) {
        reject(new Error(`sandbox child: bad first line ${line}: ${err.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox child exited (${code}) before it listened: ${stderr()}`));
    });
  });
}

/** Requests by service, and array requests by command, of transcript entries. */
export function countRequests(entries) {
  const byService = {};
  const arrayByCommand = {};
  for (const e of entries) {
    byService[e.service] = (byService[e.service] ?? 0) + 1;
    if (e.service === 'array') arrayByCommand[e.command ?? '?'] = (arrayByCommand[e.command ?? '?'] ?? 0) + 1;
  }
  const openstack = ['keystone', 'nova', 'cinder', 'glance', 'neutron'].reduce((n, s) => n + (byService[s] ?? 0), 0);
  return { total: entries.length, openstack, byService, arrayByCommand };
}
