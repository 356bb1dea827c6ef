import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { CcsnapError } from '../core.js';
import { ensurePrivateDir } from '../index.js';
import { isProcessAlive } from '../index.js';

/**
 * One process at a time owns a sandbox state file: an in-process `--sandbox` command (for its whole run),
 * `sandbox serve` (while it serves) or `sandbox reset`. The owner holds `<state>.lock` (JSON: pid, kind);
 * the lock of a process that died is broken by the next one. Without it, two in-process sandboxes load
 * the same state and the last save wins: snapshots reported complete vanish.
 */
export type LockKind = 'command' | 'serve' | 'reset';

export interface LockHolder {
  pid: number;
  kind: LockKind;
  since: string;
  token: string;
}

export interface StateLock {
  readonly holder: LockHolder;
  release(): void;
}

/** How long to wait between re-checks when no file event arrives (a holder that died leaves no event). */
const RECHECK_MS = 500;

export function lockPath(statePath: string): string {
  return `${statePath}.lock`;
}

/** The live holder of the state lock, if any (a lock left by a dead process is not a holder). */
export function readLockHolder(statePath: string): LockHolder | undefined {
  const holder = readHolder(lockPath(statePath));
  return holder && isProcessAlive(holder.pid) ? holder : undefined;
}

/** Takes the lock now, or returns the live holder. Breaks the lock of a dead process. */
export function tryLock(statePath: string, kind: LockKind): StateLock | LockHolder {
  const path = lockPath(statePath);
  ensurePrivateDir(dirname(path));
  for (let attempt = 0; attempt < 3; attempt++) {
    const mine: LockHolder = { pid: process.pid, kind, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
    if (createExclusive(path, mine)) return held(path, mine);
    const holder = readHolder(path);
    if (holder && isProcessAlive(holder.pid)) return holder;
    breakStaleLock(path, holder);
  }
  const holder = readHolder(path);
  if (holder) return holder;
  throw new CcsnapError('CCSNAP_SANDBOX_LOCK', `cannot take the sandbox state lock ${path}`, { details: { path } });
}

/**
 * Waits for the lock (file events, plus a re-check every RECHECK_MS for holders that die silently).
 * `stop(holder)` may end the wait early: it returns a value to hand back instead of a lock.
 */
export async function waitForLock<T>(
  statePath: string,
  kind: LockKind,
  opts: { signal: AbortSignal; stop?: () => T | undefined; onWait?: (holder: LockHolder) => void },
): Promise<StateLock | T> {
  let told = false;
  for (;;) {
    opts.signal.throwIfAborted();
    const changed = watchDir(dirname(statePath));
    try {
      const early = opts.stop?.();
      if (early !== undefined) return early;
      const got = tryLock(statePath, kind);
      if ('release' in got) return got;
      if (!told) opts.onWait?.(got);
      told = true;
      await changed.next(opts.signal);
    } finally {
      changed.close();
    }
  }
}

function held(path: string, mine: LockHolder): StateLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readHolder(path)?.token === mine.token) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { holder: mine, release };
}

/** Writes a temp file and hard-links it into place: the lock appears complete or not at all. */
function createExclusive(path: string, holder: LockHolder): boolean {
  const tmp = `${path}.${process.pid}.${holder.token}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes a dead process's lock, under a short "breaker" lock so that two waiters cannot both break it
 * (the second would remove the first one's new lock).
 */
function breakStaleLock(path: string, stale: LockHolder | undefined): void {
  const breaker = `${path}.break`;
  const me: LockHolder = { pid: process.pid, kind: 'command', since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  if (!createExclusive(breaker, me)) {
    const other = readHolder(breaker);
    if (!other || !isProcessAlive(other.pid)) rmSync(breaker, { force: true });
    return;
  }
  try {
    const now = readHolder(path);
    const same = (now === undefined && stale === undefined) || (now !== undefined && stale !== undefined && now.token === stale.token);
    if (same && !(now && isProcessAlive(now.pid))) rmSync(path, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof v.pid === 'number' && typeof v.token === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves on the next change in `dir` (file created, removed or written), on abort, or after RECHECK_MS. */
function watchDir(dir: string): { next(signal: AbortSignal): Promise<void>; close(): void } {
  let fired = false;
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, (_event, name) => {
      if (name && basename(name).endsWith('.tmp')) return;
      fired = true;
      wake?.();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  return {
    next: (signal) =>
      new Promise<void>((resolve) => {
        if (fired || signal.aborted) return resolve();
        const timer = setTimeout(done, RECHECK_MS);
        signal.addEventListener('abort', done, { once: true });
        wake = done;
        function done(): void {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
      }),
    close: () => watcher?.close(),
  };
}
