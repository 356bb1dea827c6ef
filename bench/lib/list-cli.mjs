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

/**
 * Counts the rows of `-f json` (pretty) as the text comes: one `\n    "Instance ID": "…",\n` line per row. The
 * bench shares the machine's two cores with ccsnap and the sandbox, so it looks for that line with indexOf
 * over whole lines only (not a split and a regular expression per line of 2·10⁶).
 */
function countJsonRows() {
  const MARK = '\n    "Instance ID": "';
  let tail = '';
  let entries = 0;
  const instances = new Set();
  const scan = (text, end) => {
    for (let at = text.indexOf(MARK); at !== -1 && at < end; at = text.indexOf(MARK, at + MARK.length)) {
      const from = at + MARK.length;
      const to = text.indexOf('"', from);
      if (to === -1 || to > end || text.slice(to, to + 2) !== '",') continue;
      entries++;
      instances.add(text.slice(from, to));
    }
  };
  return {
    add(chunk) {
      const text = tail + chunk;
      // Up to the last line end: a row's line is whole there. The rest waits for the next chunk, with the
      // newline before it, so that the mark (which starts with one) is found whole.
      const end = text.lastIndexOf('\n');
      if (end === -1) {
        tail = text;
        return;
      }
      scan(text, end);
      tail = text.slice(end);
    },
    done() {
      scan(`${tail}\n`, tail.length + 1);
      return { entries, instances: instances.size };
    },
  };
}
