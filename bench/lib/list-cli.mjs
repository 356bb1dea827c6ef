// `ccsnap list -f json` as an operator runs it on a cloud: the built CLI in its own process, with a clouds.yaml
// and a ccsnap config naming the bench's sandbox (what `ccsnap sandbox serve` prints; no --sandbox, so the
// emulator's code is not loaded) and a copy of the bench journal. Its stdout is read here row by row; its peak
// RSS and CPU come from a preload at its exit.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { SANDBOX_CLOUD_NAME, sandboxCcsnapConfig, sandboxCloudEntry, sandboxEnv } from '../../dist/sandbox-entry.js';

const CCSNAP = fileURLToPath(new URL('../../bin/ccsnap.js', import.meta.url));
const USAGE_PRELOAD = fileURLToPath(new URL('./usage-preload.mjs', import.meta.url));

/** Resolves with {wallMs, opCpuMs, maxRssKb, entries, instances} (wallMs from spawn to exit: start-up included). */
export async function runListCli(sb, { journalFrom, timeoutMs, format = 'json' }) {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-cli-'));
  try {
    writeFileSync(join(dir, 'clouds.yaml'), stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCloudEntry(sb.url) } }));
    writeFileSync(join(dir, 'ccsnap.yaml'), stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCcsnapConfig(sb.url) } }));
    const journal = join(dir, 'journal.db');
    if (journalFrom) copyFileSync(journalFrom, journal);
    const usageFile = join(dir, 'usage.json');
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'),
      CCSNAP_CONFIG: join(dir, 'ccsnap.yaml'),
      ...sandboxEnv(),
      CCSNAP_BENCH_USAGE_FILE: usageFile,
    };
    const t0 = performance.now();
    const counted = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', USAGE_PRELOAD, CCSNAP, '--os-cloud', SANDBOX_CLOUD_NAME, '--journal', journal, 'list', '-f', format], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const rows = countJsonRows();
      let stderr = '';
      child.stdout.on('data', (b) => rows.add(b.toString('utf8')));
      child.stderr.on('data', (b) => (stderr = (stderr + b.toString()).slice(-2000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`ccsnap list exited ${code ?? signal}: ${stderr.trim().split('\n').at(-1)}`));
        else resolve(rows.done());
      });
    });
    const wallMs = performance.now() - t0;
    const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
    return { wallMs, opCpuMs: usage.cpuMs, maxRssKb: usage.maxRssKb, ...counted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts the rows of `-f json` (pretty) as the text comes: one `    "Instance ID": "…"` line per row. */
function countJsonRows() {
  let tail = '';
  let entries = 0;
  const instances = new Set();
  const line = (l) => {
    const m = /^ {4}"Instance ID": "(.*)",$/.exec(l);
    if (m) {
      entries++;
      instances.add(m[1]);
    }
  };
  return {
    add(text) {
      const lines = (tail + text).split('\n');
      tail = lines.pop();
      for (const l of lines) line(l);
    },
    done() {
      line(tail);
      return { entries, instances: instances.size };
    },
  };
}
