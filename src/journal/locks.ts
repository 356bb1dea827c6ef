import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CcsnapError } from '../errors.js';
import type { Db } from './open.js';

export interface LockHolder {
  instanceId: string;
  opId: string;
  pid: number;
  hostname: string;
  acquiredAt: string;
}

/** True when `pid` is a live process on this machine. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the per-instance lock atomically, or throws CCSNAP_LOCKED naming the holder. */
export function acquireLock(db: Db, instanceId: string, opId: string): void {
  const take = db.transaction(() => {
    const holder = readLock(db, instanceId);
    if (holder) {
      const stale = holder.hostname === hostname() && !isProcessAlive(holder.pid);
      throw new CcsnapError(
        'CCSNAP_LOCKED',
        stale
          ? `instance ${instanceId} is held by an unfinished operation ${holder.opId} of a dead ccsnap process (pid ${holder.pid}); run "ccsnap recover"`
          : `instance ${instanceId} is busy: operation ${holder.opId} (pid ${holder.pid} on ${holder.hostname}) holds it`,
        { details: { ...holder, stale } },
      );
    }
    db.prepare('INSERT INTO locks (instance_id, op_id, pid, hostname, acquired_at) VALUES (?, ?, ?, ?, ?)')
      .run(instanceId, opId, process.pid, hostname(), new Date().toISOString());
  });
  take.immediate();
}

export function releaseLock(db: Db, instanceId: string, opId: string): void {
  db.prepare('DELETE FROM locks WHERE instance_id = ? AND op_id = ?').run(instanceId, opId);
}

export function readLock(db: Db, instanceId: string): LockHolder | undefined {
  const row = db.prepare('SELECT instance_id, op_id, pid, hostname, acquired_at FROM locks WHERE instance_id = ?').get(instanceId) as
    | { instance_id: string; op_id: string; pid: number; hostname: string; acquired_at: string }
    | undefined;
  return row && { instanceId: row.instance_id, opId: row.op_id, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at };
}

/** Runs `fn` holding the instance's lock (a fresh operation id is passed in); always releases it. */
export async function withInstanceLock<T>(db: Db, instanceId: string, fn: (opId: string) => Promise<T>): Promise<T> {
  const opId = randomUUID();
  acquireLock(db, instanceId, opId);
  try {
    return await fn(opId);
  } finally {
    releaseLock(db, instanceId, opId);
  }
}
