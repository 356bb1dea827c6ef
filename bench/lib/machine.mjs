import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

/** The facts that make the numbers comparable: CPU, cores, memory, OS, Node, and the commit measured. */
export function machineFacts() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    os: `${platform()} ${release()}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    v8: process.versions.v8,
    commit: git(['rev-parse', '--short', 'HEAD']),
    /** Tracked files with uncommitted changes (bench results excluded): what the commit id does not cover. */
    dirtyPaths: (git(['status', '--porcelain', '--untracked-files=no'], { trim: false }) ?? '')
      .split('\n')
      .map((l) => l.slice(3))
      .filter((p) => p && !p.startsWith('bench/results/')),
  };
}

/** git's output, trimmed (not for porcelain lines: their first column may be a space). */
function git(args, { trim = true } = {}) {
  try {
    const out = execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return trim ? out.trim() : out;
  } catch {
    return null;
  }
}

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/**
 * A hash of the compiled library (dist/**\/*.js). The tree is shared: another `npm run build` during a run
 * would mix two builds in one result, so run.js compares the hash at start and end and flags a change.
 */
export function distFingerprint(dir = DIST) {
  const hash = createHash('sha1');
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.js')) hash.update(p.slice(dir.length)).update(readFileSync(p));
    }
  };
  try {
    walk(dir);
    return hash.digest('hex').slice(0, 12);
  } catch {
    return null;
  }
}
