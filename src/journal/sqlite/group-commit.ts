import type { Db } from './open.js';

/**
 * Group commit for the SQLite journal: the writes issued during one turn of the event loop are committed
 * together, in one transaction, so they cost one WAL sync (synchronous=FULL) instead of one each. That sync
 * blocks the process's event loop, so fewer of them means less time in which nothing else of ccsnap runs.
 *
 * Each write still runs in a savepoint of its own: a write that fails (a lock already held) is rolled back
 * and rejects alone; the others commit. A write's promise settles only after the commit, so a caller that
 * awaited it knows it is on disk, as before. Writes commit in the order they were issued.
 */
export interface GroupCommit {
  /** Queues `fn` (synchronous SQLite work) for the next commit; resolves with its result once committed. */
  write<T>(fn: () => T): Promise<T>;
  /** Runs `fn` as one transaction now; writes issued inside it run at once, in that transaction. */
  now<T>(fn: () => T): T;
  /** Commits what is queued, now (before the database is closed). */
  flush(): void;
  /** Transactions committed and writes they held, so far (tests, benchmarks). */
  stats(): { commits: number; writes: number };
}

interface Queued {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function createGroupCommit(db: Db): GroupCommit {
  let queue: Queued[] = [];
  let inside = 0;
  let commits = 0;
  let writes = 0;

  const flush = (): void => {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      db.transaction(() => {
        for (const w of batch) {
          try {
            outcomes.push({ ok: true, value: db.transaction(w.run)() });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      }).immediate();
    } catch (err) {
      // The commit itself failed: nothing of the batch is on disk.
      for (const w of batch) w.reject(err);
      return;
    }
    commits++;
    writes += batch.length;
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.err);
    });
  };

  return {
    write<T>(fn: () => T): Promise<T> {
      // Inside now(): at once, in its transaction (errors still become rejections).
      if (inside > 0) return new Promise<T>((resolve) => resolve(fn()));
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
        if (queue.length === 1) setImmediate(flush);
      });
    },
    now<T>(fn: () => T): T {
      flush();
      inside++;
      try {
        return db.transaction(fn)();
      } finally {
        inside--;
      }
    },
    flush,
    stats: () => ({ commits, writes }),
  };
}
