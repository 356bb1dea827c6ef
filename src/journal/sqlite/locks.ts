import { hostname } from 'node:os';
import { lockedError } from '../locks.js';
import type { LockHolder } from '../port.js';
import type { Db } from './open.js';

/** Takes the per-instance lock atomically, or throws CCSNAP_LOCKED naming the holder. */
export function acquireLock(db: Db, instanceId: string, opId: string): void {
  const take = db.transaction(() => {
    const holder = readLock(db, instanceId);
    if (holder) throw lockedError(instanceId, holder);
    db.prepare('INSERT INTO locks (instance_id, op_id, pid, hostname, acquired_at) VALUES (?, ?, ?, ?, ?)').run(
      instanceId,
      opId,
      process.pid,
      hostname(),
      new Date().toISOString(),
    );
  });
  take.immediate();
}

export function releaseLock(db: Db, instanceId: string, opId: string): void {
  db.prepare('DELETE FROM locks WHERE instance_id = ? AND op_id = ?').run(instanceId, opId);
}

export function releaseLocksOf(db: Db, opId: string): void {
  db.prepare('DELETE FROM locks WHERE op_id = ?').run(opId);
}

export function readLock(db: Db, instanceId: string): LockHolder | undefined {
  const row = db.prepare('SELECT instance_id, op_id, pid, hostname, acquired_at FROM locks WHERE instance_id = ?').get(instanceId) as
    { instance_id: string; op_id: string; pid: number; hostname: string; acquired_at: string } | undefined;
  return row && { instanceId: row.instance_id, opId: row.op_id, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at };
}

export function listLocks(db: Db): LockHolder[] {
  const rows = db.prepare('SELECT instance_id, op_id, pid, hostname, acquired_at FROM locks ORDER BY acquired_at').all() as Array<{
    instance_id: string;
    op_id: string;
    pid: number;
    hostname: string;
    acquired_at: string;
  }>;
  return rows.map((row) => ({ instanceId: row.instance_id, opId: row.op_id, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at }));
}
